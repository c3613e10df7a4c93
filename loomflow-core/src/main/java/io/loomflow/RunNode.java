package io.loomflow;

import io.loomflow.internal.Exceptions;
import io.loomflow.internal.Limit;
import io.loomflow.internal.StructuredScope;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One run: its identity, state, thread, attempts and children.
 *
 * <p>A run executes on one thread ({@link #execute()}), bound as the current run through a
 * {@link ScopedValue}. Each attempt owns a {@link StructuredScope} of children, created on the first
 * child. State moves happen under this object's monitor and are published there, so each run's
 * events reach listeners in order, and a run's final event is delivered before anyone waiting for
 * it wakes up.
 */
final class RunNode implements Handle<Object>, RunContext, StructuredScope.Child<Cancellation> {

    private static final ScopedValue<RunNode> CURRENT = ScopedValue.newInstance();
    private static final State SCHEDULED = new State.Scheduled();
    private static final State FIRST_ATTEMPT = new State.Running(1);

    private final EngineImpl engine;
    private final RunSpec spec;
    private final RunInfo info;
    private final RunNode parent;
    private final StructuredScope<Cancellation> ownerScope;
    private final MapGroup group; // the map this run is an item of, or null
    private final int itemIndex;
    private final UUID resumeOf; // for a root run started by Engine.resume: the run it resumes; else null
    /** Root runs only: the scope of the results its tasks persist (its own id, unless it is a resume). */
    private volatile UUID resultScope;

    // Guarded by this.
    private State state;
    private Thread thread;
    private int attempt;
    private boolean attemptOpen;
    private int finishedAttempt;
    private int timedOutAttempt;
    private StructuredScope<Cancellation> scope;
    private Cancellation cancellation;
    private Cancellation attemptCancellation;
    private boolean ending; // a final state is chosen
    private boolean done; // ... and recorded everywhere; a future made from now on settles at once
    private Object result;
    private Throwable error;
    private RunFuture future;
    private RunLog log;

    private volatile boolean observed;
    private volatile String heldLimit;
    /**
     * Opened last, when every effect of the run's end is visible (state, parent scope, limit) and
     * its thread has let go of it. A latch, not Object.wait: a virtual thread woken from a monitor
     * wait goes through a platform thread, which made every task call several times slower.
     */
    private final CountDownLatch ended = new CountDownLatch(1);

    RunNode(EngineImpl engine, RunSpec spec, RunNode parent, Object input, StructuredScope<Cancellation> ownerScope,
            MapGroup group, int itemIndex, UUID id, Instant createdAt, UUID resumeOf) {
        this.engine = engine;
        this.spec = spec;
        this.parent = parent;
        this.ownerScope = ownerScope;
        this.group = group;
        this.itemIndex = itemIndex;
        this.resumeOf = resumeOf;
        this.resultScope = id;
        this.info = new RunInfo(id, parent == null ? null : parent.info.id(), parent == null ? id : parent.info.rootId(),
                spec.name(), spec.kind(), input, createdAt);
    }

    static RunNode currentOrNull() {
        return CURRENT.isBound() ? CURRENT.get() : null;
    }

    String describe() {
        return spec.describe() + " (run " + info.id() + ")";
    }

    RunSpec spec() {
        return spec;
    }

    RunNode parent() {
        return parent;
    }

    private RunNode root() {
        RunNode root = this;
        while (root.parent != null) {
            root = root.parent;
        }
        return root;
    }

    /** The scope of the results persisted in this run's tree. */
    UUID resultScope() {
        return root().resultScope;
    }

    /** Whether this run's tree was started by Engine.resume, so persisted results are looked up. */
    boolean isInResumedRun() {
        return root().resumeOf != null;
    }

    // ---- lifecycle, driven by the engine ----

    void schedule() {
        synchronized (this) {
            moveTo(SCHEDULED);
        }
    }

    /** Executes the run on the calling thread, bound as the current run. Never throws. */
    void executeBound() {
        ScopedValue.where(CURRENT, this).run(this::execute);
    }

    private void execute() {
        if (!begin()) {
            return;
        }
        Limit limit = null;
        try {
            if (resumeOf != null) {
                resultScope = StoredResults.scopeOfResumed(engine, this, resumeOf);
            }
            StoredResults stored = StoredResults.of(engine, this);
            if (stored != null) {
                State.Cached cached = stored.lookup();
                if (isStopRequested()) {
                    finishCancelled();
                    return;
                }
                if (cached != null) {
                    finish(cached, cached.result(), null);
                    return;
                }
            }
            limit = acquireLimit();
            for (int number = 1; ; number++) {
                if (!beginAttempt(number)) {
                    finishCancelled();
                    return;
                }
                Watchdog watchdog = spec.timeout() == null ? null : Watchdog.start(engine, this, number, spec.timeout());
                Object value = null;
                Throwable failure = null;
                try {
                    value = spec.body().apply(info.input());
                } catch (Throwable thrown) {
                    failure = thrown;
                }
                StructuredScope<Cancellation> children = closeAttemptBody(failure);
                if (children != null) {
                    children.join();
                    failure = withUnobservedFailures(children, failure);
                }
                boolean timedOut = closeAttempt(number);
                if (watchdog != null) {
                    watchdog.stop();
                }
                Thread.interrupted(); // a cancel or timeout interrupt has done its work; the state below records it
                if (timedOut) {
                    failure = timeoutError(number, failure);
                }
                if (isStopRequested()) {
                    finishCancelled();
                    return;
                }
                if (failure == null) {
                    if (stored != null) {
                        stored.save(value);
                    }
                    finish(new State.Completed(value), value, null);
                    return;
                }
                if (!spec.retry().shouldRetry(failure, number)) {
                    finish(new State.Failed(failure), null, failure);
                    return;
                }
                Duration delay = spec.retry().delayBefore(number, ThreadLocalRandom.current().nextDouble());
                synchronized (this) {
                    moveTo(new State.Retrying(number, delay, failure));
                }
                releaseLimit(limit);
                limit = null;
                engine.clock().sleep(delay);
                limit = acquireLimit();
            }
        } catch (InterruptedException interrupted) {
            finishCancelled();
        } catch (RuntimeException | Error engineSideError) {
            // An undefined limit, a thread that could not start, or another error outside the user's code.
            finish(new State.Failed(engineSideError), null, engineSideError);
        } finally {
            releaseLimit(limit);
            synchronized (this) {
                thread = null;
            }
            ended.countDown();
        }
    }

    private boolean begin() {
        synchronized (this) {
            if (ending) {
                return false;
            }
            if (cancellation == null) {
                thread = Thread.currentThread();
                return true;
            }
        }
        finishCancelled();
        return false;
    }

    private Limit acquireLimit() throws InterruptedException {
        String name = spec.limit();
        if (name == null || lineageHolds(name)) {
            return null;
        }
        Limit limit = engine.limit(spec);
        if (!limit.tryAcquire()) {
            synchronized (this) {
                moveTo(new State.Pending(name));
            }
            limit.acquire();
        }
        heldLimit = name;
        return limit;
    }

    private void releaseLimit(Limit limit) {
        if (limit != null) {
            heldLimit = null;
            limit.release();
        }
    }

    /** Lineage re-entrancy: a run under an ancestor that holds the limit runs under that permit. */
    boolean lineageHolds(String limitName) {
        for (RunNode ancestor = parent; ancestor != null; ancestor = ancestor.parent) {
            if (limitName.equals(ancestor.heldLimit)) {
                return true;
            }
        }
        return false;
    }

    boolean holdsOrInherits(String limitName) {
        return limitName.equals(heldLimit) || lineageHolds(limitName);
    }

    private synchronized boolean beginAttempt(int number) {
        if (cancellation != null) {
            return false;
        }
        attempt = number;
        attemptOpen = true;
        scope = null;
        attemptCancellation = null;
        moveTo(number == 1 ? FIRST_ATTEMPT : new State.Running(number));
        return true;
    }

    private StructuredScope<Cancellation> closeAttemptBody(Throwable failure) {
        StructuredScope<Cancellation> children;
        synchronized (this) {
            attemptOpen = false;
            children = scope;
        }
        if (children != null && failure != null) {
            children.cancel(Cancellation.parentFailed(this, failure));
        }
        return children;
    }

    private synchronized boolean closeAttempt(int number) {
        finishedAttempt = number;
        return timedOutAttempt == number;
    }

    private static Throwable withUnobservedFailures(StructuredScope<Cancellation> children, Throwable failure) {
        Throwable outcome = failure;
        List<StructuredScope.Failure<Cancellation>> unobserved = children.unobservedFailures();
        for (StructuredScope.Failure<Cancellation> childFailure : unobserved) {
            if (outcome == null) {
                outcome = childFailure.error();
            } else {
                Exceptions.suppress(outcome, childFailure.error());
            }
        }
        return outcome;
    }

    private RunTimeoutException timeoutError(int number, Throwable failure) {
        RunTimeoutException timeout = new RunTimeoutException(describe() + " attempt " + number + " timed out after "
                + spec.timeout() + "; give it a longer timeout with withTimeout(...) or make it finish sooner",
                spec.timeout());
        if (failure != null) {
            timeout.addSuppressed(failure);
        }
        return timeout;
    }

    /** Called by the attempt's watchdog when its time is up. */
    void timeOut(int number, Duration timeout) {
        StructuredScope<Cancellation> children;
        Cancellation why;
        synchronized (this) {
            if (ending || attempt != number || finishedAttempt >= number) {
                return;
            }
            timedOutAttempt = number;
            why = Cancellation.timedOut(this, timeout);
            attemptCancellation = why;
            if (thread != null) {
                thread.interrupt();
            }
            children = scope;
        }
        if (children != null) {
            children.cancel(why);
        }
    }

    private synchronized boolean isStopRequested() {
        return cancellation != null;
    }

    // ---- children ----

    /** The scope to add a child of the current attempt to; it is cancelled already if this run is. */
    StructuredScope<Cancellation> childScope() {
        StructuredScope<Cancellation> children;
        Cancellation pending;
        synchronized (this) {
            if (!attemptOpen) {
                throw new IllegalStateException(describe() + " is not executing its code now; start children only"
                        + " from the code of the run itself");
            }
            if (scope == null) {
                scope = new StructuredScope<>(spec.failurePolicy() == FailurePolicy.CANCEL_SIBLINGS);
            }
            children = scope;
            pending = cancellation != null ? Cancellation.parentStopped(this, cancellation) : attemptCancellation;
        }
        if (pending != null) {
            children.cancel(pending);
        }
        return children;
    }

    // ---- ending ----

    private void finishCancelled() {
        Cancellation why;
        synchronized (this) {
            why = cancellation != null ? cancellation : Cancellation.requested("its thread was interrupted");
        }
        finish(new State.Cancelled(why.reason()), null, null);
    }

    /** Marks a run whose code did not stop in time as lost. */
    void crash(String reason) {
        finish(new State.Crashed(reason), null, null);
    }

    /**
     * Tells whether this run's thread is inside {@code System.exit}: it waits for the JVM's
     * shutdown hooks and will never return to the run.
     */
    boolean isInSystemExit() {
        Thread runner;
        synchronized (this) {
            runner = thread;
        }
        if (runner == null) {
            return false;
        }
        for (StackTraceElement frame : runner.getStackTrace()) {
            if (frame.getClassName().equals("java.lang.Shutdown") && frame.getMethodName().equals("exit")) {
                return true;
            }
        }
        return false;
    }

    /** The thread executing this run now, or null before it starts and after it ends. */
    synchronized Thread runningThread() {
        return thread;
    }

    /** Records as cancelled a run whose thread will never come back to end it (see isInSystemExit). */
    void abandon(String reason) {
        stop(Cancellation.requested(reason));
        finish(new State.Cancelled(reason), null, null);
    }

    private void finish(State end, Object value, Throwable failure) {
        synchronized (this) {
            if (ending) {
                return;
            }
            ending = true;
            moveTo(end);
            result = value;
            error = failure;
        }
        // Record a failure in the parent's scope before anyone waiting can see it: a parent that
        // catches the error and starts a fallback must not have that fallback cancelled as a sibling.
        if (ownerScope != null && failure != null) {
            ownerScope.failed(this, failure, Cancellation.siblingFailed(describe(), failure));
        }
        RunFuture toSettle;
        boolean onItsOwnThread;
        synchronized (this) {
            done = true;
            toSettle = future;
            onItsOwnThread = thread == Thread.currentThread();
        }
        if (ownerScope != null) {
            ownerScope.ended(this);
        }
        engine.runEnded(this);
        if (group != null) {
            group.itemEnded(itemIndex, this);
        }
        if (!onItsOwnThread) {
            ended.countDown(); // otherwise execute() opens it once its thread has let go
        }
        if (toSettle != null) {
            toSettle.settle(); // last: its callbacks may do anything, even close the engine
        }
    }

    private void moveTo(State next) {
        State previous = state;
        boolean legal = previous == null ? next instanceof State.Scheduled : previous.canMoveTo(next);
        if (!legal) {
            throw new IllegalStateException("illegal state change of " + describe() + ": "
                    + (previous == null ? "none" : previous.label()) + " -> " + next.label()
                    + "; this is a Loomflow bug, please report it");
        }
        state = next;
        engine.publishStateChange(info, previous, next);
    }

    // ---- Handle ----

    @Override
    public UUID runId() {
        return info.id();
    }

    @Override
    public RunInfo info() {
        return info;
    }

    @Override
    public synchronized State state() {
        return state;
    }

    @Override
    public boolean isDone() {
        return ended.getCount() == 0;
    }

    /** Whether a final state has been chosen (its completion callbacks may still be running). */
    synchronized boolean hasEnded() {
        return ending;
    }

    @Override
    public Object join() {
        awaitDone();
        return report();
    }

    /**
     * The result of a run that has ended, or its error thrown. The caller of a root run uses it
     * directly: it started the run on that engine, so the join checks (same engine, not an
     * ancestor) do not apply, even when it is itself inside a run of another engine.
     */
    Object report() {
        observed = true;
        Cancellation why;
        State end;
        Object value;
        Throwable failure;
        synchronized (this) {
            end = state;
            value = result;
            failure = error;
            why = cancellation;
        }
        return switch (end) {
            case State.Completed completed -> value;
            case State.Cached cached -> value;
            case State.Failed failed -> throw Exceptions.rethrow(failure);
            case State.Cancelled cancelled -> throw why != null && why.siblingFailure() != null
                    ? Exceptions.rethrow(why.siblingFailure())
                    : new RunCancelledException(describe() + " was cancelled: " + cancelled.reason());
            case State.Crashed crashed -> throw new LoomflowException(describe() + " was lost: " + crashed.reason(),
                    null, false);
            case State.Scheduled s -> throw notFinal(end);
            case State.Pending p -> throw notFinal(end);
            case State.Running r -> throw notFinal(end);
            case State.Retrying r -> throw notFinal(end);
        };
    }

    private static IllegalStateException notFinal(State state) {
        return new IllegalStateException("a joined run is in state " + state + "; this is a Loomflow bug");
    }

    @Override
    public Outcome<Object> outcome() {
        awaitDone();
        observed = true;
        return outcomeNow();
    }

    synchronized Outcome<Object> outcomeNow() {
        return switch (state) {
            case State.Completed completed -> new Outcome.Success<>(result);
            case State.Cached cached -> new Outcome.Success<>(result);
            case State.Failed failed -> new Outcome.Failure<>(error);
            case State.Cancelled cancelled -> new Outcome.Cancelled<>(cancelled.reason());
            case State.Crashed crashed -> new Outcome.Failure<>(new LoomflowException(describe() + " was lost: "
                    + crashed.reason(), null, false));
            default -> throw notFinal(state);
        };
    }

    /** Waits until the run has ended; interruption of the waiting thread gives up waiting. */
    private void awaitDone() {
        engine.blockingCheck().beforeJoin(this);
        checkJoinable();
        if (ended.getCount() == 0) {
            return; // ended: no waiting, and a caller's pending interrupt is left alone
        }
        try {
            ended.await();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new RunCancelledException("stopped waiting for " + describe()
                    + ": the waiting thread was interrupted (its own run is being cancelled, or it was"
                    + " interrupted directly)");
        }
    }

    /**
     * The caller of a root run waits here. If the caller is interrupted, the run is cancelled and
     * still awaited (structured: it never outlives the call); returns whether that happened.
     */
    boolean awaitDoneInterruptiblyOrCancel() {
        try {
            ended.await();
            return false;
        } catch (InterruptedException interrupted) {
            stop(Cancellation.requested("the thread waiting for it was interrupted"));
            while (true) {
                try {
                    ended.await();
                    return true;
                } catch (InterruptedException again) {
                    // keep waiting: the run is already being cancelled
                }
            }
        }
    }

    private void checkJoinable() {
        engine.checkJoinFromHere(describe());
        RunNode current = currentOrNull();
        for (RunNode run = current; run != null; run = run.parent) {
            if (run == this) {
                throw new IllegalStateException(current.describe() + " cannot join " + describe()
                        + ", which is itself or one of its ancestors: it would wait for itself forever");
            }
        }
    }

    @Override
    public boolean cancel() {
        return stop(Cancellation.requested("cancelled on request"));
    }

    @Override
    public void cancel(Cancellation why) {
        stop(why);
    }

    /** Cancels this run and its descendants; returns whether this call did it. */
    boolean stop(Cancellation why) {
        StructuredScope<Cancellation> children;
        synchronized (this) {
            if (ending || cancellation != null) {
                return false;
            }
            cancellation = why;
            if (thread != null) {
                thread.interrupt();
            }
            children = scope;
        }
        if (children != null) {
            children.cancel(Cancellation.parentStopped(this, why));
        }
        boolean notStarted;
        synchronized (this) {
            notStarted = thread == null && !ending;
        }
        if (notStarted) {
            // Not started yet: end it now. If its thread starts after all, it finds the run ended.
            finishCancelled();
        }
        return true;
    }

    @Override
    public boolean failureObserved() {
        return observed;
    }

    CompletableFuture<Object> future() {
        RunFuture created;
        boolean ended;
        synchronized (this) {
            if (future == null) {
                future = new RunFuture(this);
            }
            created = future;
            ended = done;
        }
        if (ended) {
            created.settle();
        }
        return created;
    }

    // ---- RunContext ----

    @Override
    public synchronized int attempt() {
        return attempt;
    }

    @Override
    public EngineImpl engine() {
        return engine;
    }

    @Override
    public synchronized RunLog log() {
        if (log == null) {
            log = new Log();
        }
        return log;
    }

    @Override
    public synchronized boolean isCancelled() {
        return cancellation != null || attemptCancellation != null && finishedAttempt < attempt;
    }

    @Override
    public String toString() {
        return "Run[" + spec.name() + ", " + info.id() + ", " + state() + "]";
    }

    /** The run's logger: each line is an event, and a line of the {@code io.loomflow.run} logger. */
    private final class Log implements RunLog {

        @Override
        public void debug(String format, Object... args) {
            write(Level.DEBUG, format(format, args), null);
        }

        @Override
        public void info(String format, Object... args) {
            write(Level.INFO, format(format, args), null);
        }

        @Override
        public void warn(String format, Object... args) {
            write(Level.WARNING, format(format, args), null);
        }

        @Override
        public void error(String message, Throwable thrown) {
            write(Level.ERROR, String.valueOf(message), thrown);
        }

        private static String format(String format, Object... args) {
            return args == null || args.length == 0 ? String.valueOf(format) : String.format(format, args);
        }

        private void write(Level level, String message, Throwable thrown) {
            engine.publishLog(info, level, message, thrown);
            if (Loggers.runs().isLoggable(level)) {
                Loggers.runs().log(level, "[" + spec.name() + " " + info.id() + "] " + message, thrown);
            }
        }
    }

    /** The future of a run started with {@code runAsync}: cancelling it cancels the run. */
    static final class RunFuture extends CompletableFuture<Object> {

        private final RunNode run;

        RunFuture(RunNode run) {
            this.run = run;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            run.stop(Cancellation.requested("its future was cancelled"));
            return cancelled;
        }

        @Override
        public <U> CompletableFuture<U> newIncompleteFuture() {
            return new CompletableFuture<>();
        }

        // Waiting for a run through its future is a blocking call like join(): refused on threads
        // that must not block while the run is still going (completed futures may always be read).

        @Override
        public Object join() {
            checkMayWait();
            return super.join();
        }

        @Override
        public Object get() throws InterruptedException, java.util.concurrent.ExecutionException {
            checkMayWait();
            return super.get();
        }

        @Override
        public Object get(long timeout, java.util.concurrent.TimeUnit unit)
                throws InterruptedException, java.util.concurrent.ExecutionException,
                java.util.concurrent.TimeoutException {
            checkMayWait();
            return super.get(timeout, unit);
        }

        private void checkMayWait() {
            if (!isDone()) {
                run.engine().blockingCheck().beforeJoin(run);
            }
        }

        void settle() {
            Cancellation why;
            synchronized (run) {
                why = run.cancellation;
            }
            switch (run.outcomeNow()) {
                case Outcome.Success<Object> success -> complete(success.value());
                case Outcome.Failure<Object> failure -> completeExceptionally(failure.error());
                case Outcome.Cancelled<Object> cancelled -> completeExceptionally(
                        why != null && why.siblingFailure() != null ? why.siblingFailure()
                                : new RunCancelledException(run.describe() + " was cancelled: " + cancelled.reason()));
            }
        }
    }
}
