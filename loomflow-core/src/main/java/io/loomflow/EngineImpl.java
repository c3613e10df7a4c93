package io.loomflow;

import io.loomflow.internal.Limit;
import io.loomflow.internal.RunIds;
import io.loomflow.internal.StructuredScope;
import io.loomflow.spi.ResultStore;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The engine: admits runs, starts and tracks their threads, publishes events, holds limits and
 * resources, and closes in order.
 *
 * <p>Every thread the engine starts is tracked from before its start to its last instruction, so
 * that {@link #close()} returns only when none is left.
 */
final class EngineImpl implements Engine {

    private enum Phase { OPEN, CLOSING, CLOSED }

    private final String name;
    private final TimeSource clock;
    private final ThreadFactory threadFactory;
    private final Map<String, Integer> configuredLimits;
    private final List<EventListener> ownedListeners;
    private final Duration shutdownGrace;
    private final Duration cancelGrace;
    private final BlockingCheck blockingCheck;
    private final ResultStore results; // or null

    private final ConcurrentHashMap<String, Limit> limits = new ConcurrentHashMap<>();
    private final ResourceRegistry resources = new ResourceRegistry(this);
    private final CopyOnWriteArrayList<EventListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong sequence = new AtomicLong();
    private final ConcurrentHashMap<EventListener, AtomicLong> listenerFailures = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<UUID, RunNode> live = new ConcurrentHashMap<>();
    private final Set<RunNode> roots = ConcurrentHashMap.newKeySet();
    private final StructuredScope.Threads threads;

    private final ReentrantLock closeLock = new ReentrantLock();
    private final Condition closeProgress = closeLock.newCondition();
    private volatile Phase phase = Phase.OPEN;
    private boolean gaveUpWaiting; // guarded by closeLock

    EngineImpl(String name, TimeSource clock, ThreadFactory threadFactory, Map<String, Integer> configuredLimits,
               List<EventListener> ownedListeners, Duration shutdownGrace, Duration cancelGrace,
               BlockingCheck blockingCheck, ResultStore results) {
        this.name = name;
        this.clock = clock;
        this.threadFactory = threadFactory;
        this.configuredLimits = configuredLimits;
        this.ownedListeners = ownedListeners;
        this.shutdownGrace = shutdownGrace;
        this.cancelGrace = cancelGrace;
        this.blockingCheck = blockingCheck;
        this.results = results;
        this.listeners.addAll(ownedListeners);
        this.threads = new StructuredScope.Threads("engine '" + name + "'", threadFactory,
                bug -> Loggers.engine().log(Level.ERROR, "a thread of engine '" + name + "' ended with an unexpected"
                        + " error; this is a Loomflow bug, please report it", bug));
    }

    static EngineImpl of(Engine engine) {
        if (engine instanceof EngineImpl impl) {
            return impl;
        }
        throw new IllegalArgumentException("not an engine built by Engine.builder(): " + engine.getClass().getName()
                + "; build engines with Engine.builder().build()");
    }

    /** The engine of the current run, or the default engine outside of any run. */
    static EngineImpl forCaller() {
        RunNode current = RunNode.currentOrNull();
        return current != null ? current.engine() : DefaultEngine.get();
    }

    TimeSource clock() {
        return clock;
    }

    ResourceRegistry resources() {
        return resources;
    }

    /** The threads of this engine: every one it starts, tracked until it has terminated. */
    StructuredScope.Threads threads() {
        return threads;
    }

    BlockingCheck blockingCheck() {
        return blockingCheck;
    }

    /** The result store, or null if the engine has none. */
    ResultStore results() {
        return results;
    }

    @Override
    public String name() {
        return name;
    }

    // ---- starting runs ----

    @Override
    public <P, R> R run(Flow<P, R> flow, P params) {
        return cast(run(Objects.requireNonNull(flow, "flow").spec(), params));
    }

    @Override
    public <P, R> CompletableFuture<R> runAsync(Flow<P, R> flow, P params) {
        return cast(submit(Objects.requireNonNull(flow, "flow").spec(), params).future());
    }

    @Override
    public <P, R> Handle<R> submit(Flow<P, R> flow, P params) {
        return cast(submit(Objects.requireNonNull(flow, "flow").spec(), params));
    }

    @Override
    public <I, R> R run(Task<I, R> task, I input) {
        return cast(run(Objects.requireNonNull(task, "task").spec(), input));
    }

    @Override
    public <P, R> R resume(Flow<P, R> flow, UUID runId, P params) {
        RunSpec spec = Objects.requireNonNull(flow, "flow").spec();
        checkResumable(spec, runId);
        blockingCheck.beforeRun(spec);
        RunNode node = start(null, spec, params, runId);
        if (node.awaitDoneInterruptiblyOrCancel()) {
            Thread.currentThread().interrupt();
        }
        return cast(node.report());
    }

    @Override
    public <P, R> CompletableFuture<R> resumeAsync(Flow<P, R> flow, UUID runId, P params) {
        RunSpec spec = Objects.requireNonNull(flow, "flow").spec();
        checkResumable(spec, runId);
        return cast(start(null, spec, params, runId).future());
    }

    @Override
    public <P, R> Handle<R> submitResume(Flow<P, R> flow, UUID runId, P params) {
        RunSpec spec = Objects.requireNonNull(flow, "flow").spec();
        checkResumable(spec, runId);
        return cast(start(null, spec, params, runId));
    }

    private void checkResumable(RunSpec spec, UUID runId) {
        Objects.requireNonNull(runId, () -> "resuming " + spec.describe() + " needs the id of the run to resume,"
                + " not null");
        if (results == null) {
            throw new IllegalStateException("engine '" + name + "' cannot resume " + spec.describe() + " (run "
                    + runId + "): it has no result store, so no results were persisted to reuse; build the engine"
                    + " with Engine.builder().results(store), and mark the tasks to reuse withPersistedResult()");
        }
    }

    /** Runs to the end: a child of the current run of this engine, or a root run. */
    Object run(RunSpec spec, Object input) {
        blockingCheck.beforeRun(spec);
        RunNode parent = currentRunHere();
        RunNode node = start(parent, spec, input);
        if (parent != null) {
            return node.join();
        }
        if (node.awaitDoneInterruptiblyOrCancel()) {
            Thread.currentThread().interrupt();
        }
        return node.report();
    }

    /** Starts a run: a child of the current run of this engine, or a root run. */
    RunNode submit(RunSpec spec, Object input) {
        return start(currentRunHere(), spec, input);
    }

    MapGroup map(RunSpec spec, Object[] inputs) {
        RunNode parent = currentRunHere();
        if (parent == null) {
            admitRoot(spec);
        }
        int concurrency = inputs.length;
        if (spec.limit() != null && (parent == null || !parent.lineage().holdsOrInherits(spec.limit()))) {
            concurrency = limit(spec).permits();
        }
        var parentScope = parent == null ? null : parent.childScope();
        MapGroup group = new MapGroup(this, parent, spec, parentScope, inputs);
        if (parentScope != null) {
            parentScope.add(group);
        }
        group.start(concurrency);
        return group;
    }

    private RunNode currentRunHere() {
        RunNode current = RunNode.currentOrNull();
        return current != null && current.engine() == this ? current : null;
    }

    private RunNode start(RunNode parent, RunSpec spec, Object input) {
        return start(parent, spec, input, null);
    }

    /** Starts a run; a root run with {@code resumeOf} reuses the results persisted by that run. */
    private RunNode start(RunNode parent, RunSpec spec, Object input, UUID resumeOf) {
        RunNode node = newNode(parent, spec, input, resumeOf);
        try {
            if (parent == null) {
                threads.start(node::executeBound);
            } else {
                parent.childScope().fork(node, node::executeBound);
            }
        } catch (RuntimeException | Error refused) {
            node.stop(Cancellation.requested("no thread could be started for it: " + refused));
            throw refused;
        }
        return node;
    }

    /** A run of one item of a map, a child of the map's scope of items, executed by a worker of the map. */
    RunNode newItem(RunNode parent, RunSpec spec, Object input, MapGroup group, int index) {
        RunNode node = newNode(parent, spec, input, group, index, group.items(), null);
        group.items().add(node); // cancelled at once if the map is
        return node;
    }

    /** A run of its own, not an item of a map; the caller forks its thread. */
    private RunNode newNode(RunNode parent, RunSpec spec, Object input, UUID resumeOf) {
        return newNode(parent, spec, input, null, -1, parent == null ? null : parent.childScope(), resumeOf);
    }

    private RunNode newNode(RunNode parent, RunSpec spec, Object input, MapGroup group, int index,
                            StructuredScope<Cancellation> ownerScope, UUID resumeOf) {
        if (parent == null) {
            admitRoot(spec);
        }
        Instant now = clock.now();
        RunNode node = new RunNode(this, spec, parent, input, ownerScope, group, index,
                RunIds.next(now.toEpochMilli()), now, resumeOf);
        if (parent == null) {
            roots.add(node);
            if (phase != Phase.OPEN) { // close() began between the check above and now
                roots.remove(node);
                throw closed("start " + spec.describe());
            }
        }
        live.put(node.runId(), node);
        node.schedule();
        return node;
    }

    private void admitRoot(RunSpec spec) {
        if (phase != Phase.OPEN) {
            throw closed("start " + spec.describe());
        }
    }

    private EngineClosedException closed(String refused) {
        return new EngineClosedException("engine '" + name + "' is " + (phase == Phase.CLOSED ? "closed" : "closing")
                + " and cannot " + refused + "; build a new engine with Engine.builder(), or run it before"
                + " closing this one");
    }

    void runEnded(RunNode node) {
        live.remove(node.runId());
        if (node.parent() == null) {
            roots.remove(node);
            if (phase != Phase.OPEN) {
                signalCloseProgress();
            }
        }
    }

    void checkJoinFromHere(String target) {
        RunNode current = RunNode.currentOrNull();
        if (current != null && current.engine() != this) {
            throw new IllegalStateException("cannot join " + target + " of engine '" + name + "' from inside "
                    + current.describe() + " of engine '" + current.engine().name() + "'; join a handle only from"
                    + " runs of its own engine, or from outside any run");
        }
    }

    // ---- limits ----

    Limit limit(RunSpec spec) {
        String limitName = spec.limit();
        Integer configured = configuredLimits.get(limitName);
        Limit limit = limits.computeIfAbsent(limitName, key -> {
            int size = configured != null ? configured : spec.limitSize();
            if (size < 1) {
                throw new IllegalStateException(spec.describe() + " uses limit '" + key + "', which engine '" + name
                        + "' does not define; add .limit(\"" + key + "\", N) to the engine's builder, or declare"
                        + " the size with withLimit(\"" + key + "\", N)");
            }
            return new Limit(key, size);
        });
        if (configured == null && spec.limitSize() != 0 && spec.limitSize() != limit.permits()) {
            throw new IllegalStateException(spec.describe() + " declares limit '" + limitName + "' with "
                    + spec.limitSize() + " permits, but another flow or task declared it with " + limit.permits()
                    + "; declare one size everywhere, or set it once with Engine.builder().limit(\"" + limitName
                    + "\", N)");
        }
        return limit;
    }

    // ---- events ----

    void publishStateChange(RunInfo run, State previous, State next) {
        if (listeners.isEmpty()) {
            return;
        }
        publish(new Event.StateChange(sequence.incrementAndGet(), clock.now(), run, previous, next));
    }

    void publishLog(RunInfo run, Level level, String message, Throwable error) {
        if (listeners.isEmpty()) {
            return;
        }
        publish(new Event.LogLine(sequence.incrementAndGet(), clock.now(), run, level, message, error));
    }

    private void publish(Event event) {
        for (EventListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException | Error failure) {
                reportListenerFailure(listener, event, failure);
            }
        }
    }

    /** Logs a listener's first failure in full, then one line each time its count of failures doubles. */
    private void reportListenerFailure(EventListener listener, Event event, Throwable failure) {
        long count = listenerFailures.computeIfAbsent(listener, key -> new AtomicLong()).incrementAndGet();
        if (count == 1) {
            Loggers.engine().log(Level.WARNING, "event listener " + listener + " of engine '" + name + "' failed on " + event
                    + "; runs go on, and further failures of this listener are counted", failure);
        } else if (Long.bitCount(count) == 1) {
            Loggers.engine().log(Level.WARNING, "event listener " + listener + " of engine '" + name + "' has failed " + count
                    + " times; the latest: " + failure);
        }
    }

    @Override
    public Subscription subscribe(EventListener listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public boolean cancel(UUID runId) {
        RunNode node = live.get(runId);
        return node != null && node.stop(Cancellation.requested("cancelled on request"));
    }

    // ---- closing ----

    @Override
    public boolean isClosed() {
        return phase != Phase.OPEN;
    }

    @Override
    public void close() {
        RunNode current = RunNode.currentOrNull();
        if (current != null && current.engine() == this && !current.hasEnded()) {
            throw new IllegalStateException("engine '" + name + "'.close() was called from inside " + current.describe()
                    + "; it would wait for that run, and so for itself. Close the engine from outside its runs,"
                    + " for example after run() returns");
        }
        closeLock.lock();
        try {
            if (phase != Phase.OPEN) {
                while (phase != Phase.CLOSED) {
                    closeProgress.awaitUninterruptibly();
                }
                return;
            }
            phase = Phase.CLOSING;
        } finally {
            closeLock.unlock();
        }
        boolean interrupted = Thread.interrupted();
        try {
            interrupted |= shutDown();
        } finally {
            closeLock.lock();
            try {
                phase = Phase.CLOSED;
                closeProgress.signalAll();
            } finally {
                closeLock.unlock();
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The ordered shutdown; returns whether the closing thread was interrupted meanwhile. */
    private boolean shutDown() {
        boolean interrupted = false;
        Set<Thread> exiting = abandonRunsInSystemExit();
        if (!roots.isEmpty()) {
            Thread timer = threads.start(this::enforceGrace);
            boolean gaveUp = awaitRoots();
            timer.interrupt();
            interrupted |= StructuredScope.Threads.join(timer);
            if (gaveUp) {
                Loggers.engine().log(Level.WARNING, "engine '" + name + "' closed while runs whose code ignores cancellation are"
                        + " still executing; they were recorded as Crashed");
            }
        }
        for (Thread thread : threads.snapshot()) {
            // The closing thread may be one of ours: a completion callback of a run that has ended.
            if (thread != Thread.currentThread() && !exiting.contains(thread) && !gaveUpWaiting()) {
                interrupted |= StructuredScope.Threads.join(thread);
            }
        }
        resources.closeAll();
        if (results != null) {
            try {
                results.close();
            } catch (RuntimeException | Error failure) {
                Loggers.engine().log(Level.WARNING, "result store " + results + " of engine '" + name + "' failed to close",
                        failure);
            }
        }
        List<EventListener> reversed = new ArrayList<>(ownedListeners);
        java.util.Collections.reverse(reversed);
        for (EventListener listener : reversed) {
            try {
                listener.close();
            } catch (RuntimeException | Error failure) {
                Loggers.engine().log(Level.WARNING, "event listener " + listener + " of engine '" + name + "' failed to close", failure);
            }
        }
        listeners.clear();
        return interrupted;
    }

    /**
     * A run whose code called {@code System.exit} waits for the shutdown hooks, one of which may be
     * closing this engine: it can never end by itself. Such runs are recorded as cancelled at once,
     * the rest of their run tree is cancelled (the program chose to exit from inside it), and their
     * threads are not waited for. Returns those threads.
     */
    private Set<Thread> abandonRunsInSystemExit() {
        Set<Thread> exiting = new java.util.HashSet<>();
        for (RunNode run : List.copyOf(live.values())) {
            if (run.isInSystemExit()) {
                Thread thread = run.runningThread();
                String reason = "its code called System.exit, so the JVM is exiting";
                run.abandon(reason);
                if (thread != null) {
                    exiting.add(thread);
                }
                RunNode root = run;
                while (root.parent() != null) {
                    root = root.parent();
                }
                root.stop(Cancellation.requested("a run in its tree called System.exit, so the JVM is exiting"));
            }
        }
        return exiting;
    }

    /**
     * Runs on its own thread during close: after the grace period cancels the runs, later gives up on
     * them. Grace periods are wall-clock time, so that a test's manual clock never holds up a shutdown.
     */
    private void enforceGrace() {
        TimeSource wallClock = TimeSource.system();
        try {
            wallClock.sleep(shutdownGrace);
            for (RunNode root : List.copyOf(roots)) {
                root.stop(Cancellation.requested("engine '" + name + "' closed, and the run did not finish within"
                        + " the grace period of " + shutdownGrace));
            }
            wallClock.sleep(cancelGrace);
        } catch (InterruptedException everyRunEnded) {
            return;
        }
        for (RunNode stuck : List.copyOf(live.values())) {
            stuck.crash("its code did not stop within " + cancelGrace + " of being cancelled when engine '" + name
                    + "' closed");
        }
        closeLock.lock();
        try {
            gaveUpWaiting = true;
            closeProgress.signalAll();
        } finally {
            closeLock.unlock();
        }
    }

    private boolean awaitRoots() {
        closeLock.lock();
        try {
            while (!roots.isEmpty() && !gaveUpWaiting) {
                closeProgress.awaitUninterruptibly();
            }
            return gaveUpWaiting;
        } finally {
            closeLock.unlock();
        }
    }

    private boolean gaveUpWaiting() {
        closeLock.lock();
        try {
            return gaveUpWaiting;
        } finally {
            closeLock.unlock();
        }
    }

    private void signalCloseProgress() {
        closeLock.lock();
        try {
            closeProgress.signalAll();
        } finally {
            closeLock.unlock();
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object value) {
        return (T) value;
    }

    @Override
    public String toString() {
        return "Engine[" + name + ", " + phase + "]";
    }
}
