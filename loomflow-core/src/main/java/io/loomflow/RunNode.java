package io.loomflow;

import io.loomflow.internal.StructuredScope;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;

/**
 * One run: its identity, state, thread, handle and future. How it executes (its attempts, retries,
 * timeouts and the limit's permit) is {@link RunAttempts}; the limit it holds, in the line of its
 * ancestors, is {@link LimitLineage}; its children are in the current attempt's
 * {@link StructuredScope}.
 *
 * <p>A run executes on one thread ({@link #executeBound()}), bound as the current run through a
 * {@link ScopedValue}. State moves happen under this object's monitor and are published there, so
 * each run's events reach listeners in order, and a run's final event is delivered before anyone
 * waiting for it wakes up.
 */
final class RunNode implements Handle<Object>, RunContext, StructuredScope.Child<Cancellation> {

    private static final ScopedValue<RunNode> CURRENT = ScopedValue.newInstance();
    private static final State SCHEDULED = new State.Scheduled();

    private final EngineImpl engine;
    private final RunSpec spec;
    private final RunInfo info;
    private final RunNode parent;
    private final RunNode root;
    private final StructuredScope<Cancellation> ownerScope; // the scope this run is a child of, or null
    private final MapGroup group; // the map this run is an item of, or null
    private final int itemIndex;
    private final UUID resumeOf; // for a root run started with RunOptions.resuming: the run it resumes; else null
    private final LimitLineage lineage;
    /** For a run of a durable root run: its checkpoint key and how it loads and saves; else null. */
    private final @Nullable Checkpointing checkpointing;
    private final RunAttempts attempts = new RunAttempts(this);
    /** Root runs only: the scope of the results its tasks persist (its own id, unless it is a resume). */
    private volatile UUID resultScope;
    /** What the engine's run interceptors captured where this run was started (see RunInterception); null without any. */
    private @Nullable Object captured;

    // Guarded by this.
    private State state;
    private Thread thread;
    private Cancellation cancellation;
    private boolean ending; // a final state is chosen
    private boolean done; // ... and recorded everywhere; a future made from now on settles at once
    private Object result;
    private Throwable error;
    private RunFuture future;
    private RunLog log;

    private volatile boolean observed;
    /**
     * Opened last, when every effect of the run's end is visible (state, parent scope, limit) and
     * its thread has let go of it. A latch, not Object.wait: a virtual thread woken from a monitor
     * wait goes through a platform thread, which made every task call several times slower.
     */
    private final CountDownLatch ended = new CountDownLatch(1);

    RunNode(EngineImpl engine, RunSpec spec, RunNode parent, Object input, StructuredScope<Cancellation> ownerScope,
            MapGroup group, int itemIndex, UUID id, Instant createdAt, UUID resumeOf,
            @Nullable Checkpointing checkpointing) {
        this.engine = engine;
        this.spec = spec;
        this.parent = parent;
        this.root = parent == null ? this : parent.root;
        this.ownerScope = ownerScope;
        this.group = group;
        this.itemIndex = itemIndex;
        this.resumeOf = resumeOf;
        this.checkpointing = checkpointing;
        this.resultScope = id;
        this.lineage = new LimitLineage(parent == null ? null : parent.lineage);
        this.info = new RunInfo(id, parent == null ? null : parent.info.id(), parent == null ? id : parent.info.rootId(),
                spec.name(), spec.kind(), input, createdAt, group == null ? null : group.item(itemIndex));
    }

    static @Nullable RunNode currentOrNull() {
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

    RunNode root() {
        return root;
    }

    /** The map this run is an item of, or null. */
    MapGroup group() {
        return group;
    }

    LimitLineage lineage() {
        return lineage;
    }

    /** For a run of a durable root run, its checkpointing; else null. */
    @Nullable Checkpointing checkpointing() {
        return checkpointing;
    }

    /** The scope of the results persisted in this run's tree. */
    UUID resultScope() {
        return root.resultScope;
    }

    /** Whether this run's tree was started by Engine.resume, so persisted results are looked up. */
    boolean isInResumedRun() {
        return root.resumeOf != null;
    }

    /** For a resume: finds the scope of the results of the run it resumes. On the run's thread. */
    void resolveResultScope() {
        if (resumeOf != null) {
            resultScope = StoredResults.scopeOfResumed(engine, this, resumeOf);
        }
    }

    // ---- lifecycle, driven by the engine and the attempts ----

    synchronized void schedule() {
        moveTo(SCHEDULED);
    }

    /** Set once, by the thread that starts the run, before the thread that executes it is started. */
    void captured(@Nullable Object value) {
        captured = value;
    }

    /** What the engine's run interceptors captured for this run; null without any. */
    @Nullable Object captured() {
        return captured;
    }

    /** Executes the run on the calling thread, bound as the current run, through the engine's interceptors if it has any. Never throws. */
    void executeBound() {
        RunInterception interception = engine.interception();
        if (interception == null) {
            executeUnintercepted();
        } else {
            interception.execute(this);
        }
    }

    /** Executes the run on the calling thread, bound as the current run; inside the interceptors, if any. Never throws. */
    void executeUnintercepted() {
        ScopedValue.where(CURRENT, this).run(attempts::execute);
    }

    /** Claims the calling thread as the run's; false if the run has ended, or ends now as cancelled. */
    boolean begin() {
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

    /** The run's thread is done with it: opens the latch that joiners wait on. */
    void threadLetGo() {
        synchronized (this) {
            thread = null;
        }
        ended.countDown();
    }

    /** Interrupts the run's thread, if it has one; the caller holds this run's monitor. */
    void interruptThread() {
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** Why the run is being stopped, or null. */
    synchronized Cancellation cancellation() {
        return cancellation;
    }

    /** How the run executes: its attempts, and the scope of the current one's children. */
    RunAttempts attempts() {
        return attempts;
    }

    // ---- ending ----

    void finishCancelled() {
        Cancellation why;
        synchronized (this) {
            why = cancellation != null ? cancellation : Cancellation.requested("its thread was interrupted");
        }
        RunLostException lost = lostDurably();
        if (lost != null) {
            finish(new State.Crashed(lost.getMessage()), null, null);
            return;
        }
        finish(new State.Cancelled(why.reason()), null, null);
    }

    /** For the root of a durable run whose checkpoints failed: the error it ends with; else null. */
    @Nullable RunLostException lostDurably() {
        return parent == null && checkpointing != null ? checkpointing.durable().lost() : null;
    }

    /** Marks a run whose code did not stop in time as lost. */
    void crash(String reason) {
        finish(new State.Crashed(reason), null, null);
    }

    /** The thread executing this run now, or null before it starts and after it ends. */
    synchronized Thread runningThread() {
        return thread;
    }

    void finish(State end, Object value, Throwable failure) {
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

    /** Moves to the next state and publishes it; the caller holds this run's monitor. */
    void moveTo(State next) {
        State previous = state;
        boolean legal = previous == null ? next instanceof State.Scheduled : previous.canMoveTo(next);
        if (!legal) {
            throw new IllegalStateException("illegal state change of " + describe() + ": "
                    + (previous == null ? "none" : previous.label()) + " -> " + next.label()
                    + "; this is a Loomflow bug, please report it");
        }
        state = next;
        RunInterception interception = engine.interception();
        if (interception != null) {
            interception.stateChanged(info, captured, next);
        }
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
        return end().valueOrThrow();
    }

    /** How the run ended; call only once it has. */
    synchronized RunEnd end() {
        return new RunEnd(this, state, result, error, cancellation);
    }

    @Override
    public Outcome<Object> outcome() {
        awaitDone();
        observed = true;
        return outcomeNow();
    }

    Outcome<Object> outcomeNow() {
        return end().outcome();
    }

    /**
     * Waits until the run has ended, with no checks; for the engine. Outside of any run, a wait in a
     * static initializer for a run that waits for the initializer's class fails instead of waiting
     * forever ({@link StaticInitializerDeadlock}).
     */
    void awaitEnded() throws InterruptedException {
        if (currentOrNull() != null) {
            ended.await();
        } else {
            StaticInitializerDeadlock.await(StaticInitializerDeadlock.of(ended), StaticInitializerDeadlock.awaiting(this), engine);
        }
    }

    /** Writes a warning of the engine about this run: to the engine's log, and as a line of the run's events. */
    void warn(String message, Throwable failure) {
        engine.publishLog(info, Level.WARNING, message, failure);
        Loggers.engine().log(Level.WARNING, message, failure);
    }

    /** Waits until the run has ended; interruption of the waiting thread gives up waiting. */
    private void awaitDone() {
        engine.blockingCheck().beforeJoin(this);
        engine.checkJoin(this);
        if (ended.getCount() == 0) {
            return; // ended: no waiting, and a caller's pending interrupt is left alone
        }
        try {
            awaitEnded();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new RunCancelledException("stopped waiting for " + describe()
                    + ": the waiting thread was interrupted (its own run is being cancelled, or it was"
                    + " interrupted directly)");
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
            interruptThread();
            children = attempts.scopeLocked();
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
    public int attempt() {
        synchronized (this) {
            return attempts.numberLocked();
        }
    }

    @Override
    public EngineImpl engine() {
        return engine;
    }

    @Override
    public synchronized RunLog log() {
        if (log == null) {
            log = new RunNodeLog(engine, info);
        }
        return log;
    }

    @Override
    public synchronized boolean isCancelled() {
        return cancellation != null || attempts.isCancelledLocked();
    }

    @Override
    public void recordDatasetAccess(Event.DatasetAccess.Access access, String dataset, @Nullable String version,
            String location) {
        Objects.requireNonNull(access, "access");
        if (dataset == null || dataset.isBlank() || location == null || location.isBlank()) {
            throw new IllegalArgumentException("a dataset access needs a dataset name and a location; got dataset "
                    + (dataset == null ? "null" : "'" + dataset + "'") + " at "
                    + (location == null ? "null" : "'" + location + "'"));
        }
        if (version != null && version.isBlank()) {
            throw new IllegalArgumentException("the version of dataset '" + dataset + "' is blank; give null for a dataset"
                    + " that is not versioned");
        }
        engine.publishDatasetAccess(info, access, dataset, version, location);
    }

    @Override
    public String idempotencyKey() {
        return checkpointing != null ? checkpointing.idempotencyKey() : info.id().toString();
    }

    @Override
    public String toString() {
        return "Run[" + spec.name() + ", " + info.id() + ", " + state() + "]";
    }
}
