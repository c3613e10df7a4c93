package io.loomflow;

import io.loomflow.internal.Limit;
import io.loomflow.internal.RunIds;
import io.loomflow.internal.StructuredScope;
import io.loomflow.spi.Checkpoints;
import io.loomflow.spi.RemoteRuns;
import io.loomflow.spi.RunInterceptor;
import io.loomflow.spi.ResultStore;
import io.loomflow.spi.SharedLimits;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import org.jspecify.annotations.Nullable;

/**
 * The engine: admits runs and starts them, holds their limits, resources and result store. Its
 * event stream is {@link EngineEvents}; its ordered close is {@link EngineShutdown}; the threads it
 * starts are its {@link StructuredScope.Threads}, tracked until they have terminated, so that
 * {@link #close()} returns only when none is left.
 */
final class EngineImpl implements Engine {

    private final String name;
    private final TimeSource clock;
    private final BlockingCheck blockingCheck;
    private final @Nullable ResultStore results;
    private final @Nullable Checkpoints checkpoints;
    private final @Nullable RemoteRuns remoteRuns;
    private final ItemHistory itemHistory;
    private final @Nullable RunInterception interception;

    private final EngineLimits limits;
    private final ResourceRegistry resources = new ResourceRegistry(this);
    private final EngineEvents events;
    private final ConcurrentHashMap<UUID, RunNode> live = new ConcurrentHashMap<>();
    private final Set<RunNode> roots = ConcurrentHashMap.newKeySet();
    private final StructuredScope.Threads threads;
    private final EngineShutdown shutdown;

    EngineImpl(String name, TimeSource clock, ThreadFactory threadFactory, Map<String, Integer> configuredLimits,
               List<EventListener> ownedListeners, Duration shutdownGrace, Duration cancelGrace,
               BlockingCheck blockingCheck, @Nullable ResultStore results, @Nullable Checkpoints checkpoints,
               ItemHistory itemHistory, @Nullable SharedLimits sharedLimits, @Nullable RemoteRuns remoteRuns,
               List<RunInterceptor> interceptors) {
        this.name = name;
        this.interception = interceptors.isEmpty() ? null : new RunInterception(interceptors, name, clock);
        this.itemHistory = itemHistory;
        this.clock = clock;
        this.limits = new EngineLimits(name, configuredLimits, sharedLimits);
        this.blockingCheck = blockingCheck;
        this.results = results;
        this.checkpoints = checkpoints;
        this.remoteRuns = remoteRuns;
        this.events = new EngineEvents(name, clock, ownedListeners);
        this.threads = new StructuredScope.Threads("engine '" + name + "'", threadFactory,
                bug -> Loggers.engine().log(Level.ERROR, "a thread of engine '" + name + "' ended with an unexpected"
                        + " error; this is a Loomflow bug, please report it", bug));
        this.shutdown = new EngineShutdown(this, shutdownGrace, cancelGrace, ownedListeners);
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

    @Override
    public List<String> openResources() {
        return resources.openNames();
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

    /**
     * What the history keeps of the items of a map started under {@code parent}: the choice of the
     * nearest run above that made one, else the engine's.
     */
    ItemHistory itemHistoryBelow(@Nullable RunNode parent) {
        for (RunNode run = parent; run != null; run = run.parent()) {
            if (run.spec().itemHistory() != null) {
                return run.spec().itemHistory();
            }
        }
        return itemHistory;
    }

    /** The run interceptors, nested and made safe, or null if the engine has none. */
    @Nullable RunInterception interception() {
        return interception;
    }

    /** The result store, or null if the engine has none. */
    @Nullable ResultStore results() {
        return results;
    }

    /** Where the items of distributed maps go, or null if this engine runs them here. */
    @Nullable RemoteRuns remoteRuns() {
        return remoteRuns;
    }

    /** The checkpoints of durable runs, or null if the engine has none. */
    @Nullable Checkpoints checkpoints() {
        return checkpoints;
    }

    @Override
    public String name() {
        return name;
    }

    // ---- starting runs ----

    @Override
    public <P extends @Nullable Object, R extends @Nullable Object> R run(Flow<P, R> flow, P params, RunOptions options) {
        RunSpec spec = Objects.requireNonNull(flow, "flow").spec();
        return cast(run(spec, params, checked(spec, options)));
    }

    @Override
    public <P extends @Nullable Object, R extends @Nullable Object> CompletableFuture<R> runAsync(Flow<P, R> flow, P params, RunOptions options) {
        return cast(submitted(flow, params, options).future());
    }

    @Override
    public <P extends @Nullable Object, R extends @Nullable Object> Handle<R> submit(Flow<P, R> flow, P params, RunOptions options) {
        return cast(submitted(flow, params, options));
    }

    private RunNode submitted(Flow<?, ?> flow, @Nullable Object params, RunOptions options) {
        RunSpec spec = Objects.requireNonNull(flow, "flow").spec();
        RunOptions checked = checked(spec, options);
        return checked == null ? submit(spec, params) : start(null, spec, params, checked);
    }

    @Override
    public <I extends @Nullable Object, R extends @Nullable Object> R run(Task<I, R> task, I input) {
        return cast(run(Objects.requireNonNull(task, "task").spec(), input, null));
    }

    /**
     * The options, checked against this engine, when they start a root run (a resume, a durable
     * run, a run with its own id); null when they start a plain run.
     */
    private @Nullable RunOptions checked(RunSpec spec, RunOptions options) {
        Objects.requireNonNull(options, "options (use RunOptions.defaults())");
        if (!options.startsRoot()) {
            return null;
        }
        UUID resumeOf = options.resumeOf().orElse(null);
        if (resumeOf != null && results == null) {
            throw new IllegalStateException("engine '" + name + "' cannot resume " + spec.describe() + " (run "
                    + resumeOf + "): it has no result store, so no results were persisted to reuse; build the engine"
                    + " with Engine.builder().results(store), and mark the tasks to reuse withPersistedResult()");
        }
        UUID scope = options.checkpointScope().orElse(null);
        if (scope != null && checkpoints == null) {
            throw new IllegalStateException("engine '" + name + "' cannot run " + spec.describe() + " durably"
                    + " (checkpoint scope " + scope + "): it has no checkpoints to keep them in; build the engine"
                    + " with Engine.builder().checkpoints(checkpoints), or start the run without withCheckpoints");
        }
        return options;
    }

    /**
     * Runs to the end: a child of the current run of this engine, or a root run; a run started with
     * options (not null: a resume, a durable run, a run with its own id) is always a root run.
     */
    @Nullable Object run(RunSpec spec, @Nullable Object input, @Nullable RunOptions options) {
        blockingCheck.beforeRun(spec);
        RunNode parent = options == null ? currentRunHere() : null;
        RunNode node = start(parent, spec, input, options);
        if (parent != null) {
            return node.join();
        }
        awaitRoot(node);
        return node.report();
    }

    /** Starts a run: a child of the current run of this engine, or a root run. */
    RunNode submit(RunSpec spec, @Nullable Object input) {
        return start(currentRunHere(), spec, input);
    }

    MapGroup map(RunSpec spec, @Nullable Object[] inputs) {
        RunNode parent = currentRunHere();
        if (parent == null) {
            admitRoot(spec);
        }
        int concurrency = inputs.length;
        if (spec.limit() != null && (parent == null || !parent.lineage().holdsOrInherits(spec.limit()))) {
            concurrency = limits.permits(spec);
        }
        if (remoteRuns != null && spec.queue() != null && parent != null && parent.checkpointing() != null) {
            // A distributed map: its items wait here for other processes, a bounded number at a time.
            concurrency = Math.min(concurrency, Math.max(1, remoteRuns.maxInFlight()));
        }
        var parentScope = parent == null ? null : parent.attempts().childScope();
        String checkpointKey = parent == null || parent.checkpointing() == null ? null
                : parent.checkpointing().mapKey(spec);
        MapGroup group = new MapGroup(this, parent, spec, parentScope, inputs,
                RunIds.next(clock.now().toEpochMilli()), itemHistoryBelow(parent), checkpointKey);
        if (parentScope != null) {
            parentScope.add(group);
        }
        group.start(concurrency);
        return group;
    }

    private @Nullable RunNode currentRunHere() {
        RunNode current = RunNode.currentOrNull();
        return current != null && current.engine() == this ? current : null;
    }

    private RunNode start(@Nullable RunNode parent, RunSpec spec, @Nullable Object input) {
        return start(parent, spec, input, null);
    }

    /** Starts a run; a root run with options is started as they say (see {@link #checked}). */
    private RunNode start(@Nullable RunNode parent, RunSpec spec, @Nullable Object input, @Nullable RunOptions options) {
        StructuredScope<Cancellation> scope = parent == null ? null : parent.attempts().childScope();
        Checkpointing checkpointing = parent == null || parent.checkpointing() == null ? null
                : parent.checkpointing().child(spec, input);
        RunNode node = newNode(parent, spec, input, null, -1, scope, options, checkpointing);
        try {
            if (scope == null) {
                threads.start(node::executeBound);
            } else {
                scope.fork(node, node::executeBound);
            }
        } catch (RuntimeException | Error refused) {
            node.stop(Cancellation.requested("no thread could be started for it: " + refused));
            throw refused;
        }
        return node;
    }

    /** A run of one item of a map, a child of the map's scope of items, executed by a worker of the map. */
    RunNode newItem(@Nullable RunNode parent, RunSpec spec, @Nullable Object input, MapGroup group, int index) {
        Checkpointing checkpointing = group.checkpointKey() == null ? null
                : parent.checkpointing().item(group.checkpointKey(), index);
        RunNode node = newNode(parent, spec, input, group, index, group.items(), null, checkpointing);
        group.items().add(node); // cancelled at once if the map is
        return node;
    }

    private RunNode newNode(@Nullable RunNode parent, RunSpec spec, @Nullable Object input, @Nullable MapGroup group, int index,
                            @Nullable StructuredScope<Cancellation> ownerScope, @Nullable RunOptions options,
                            @Nullable Checkpointing checkpointing) {
        if (parent == null) {
            admitRoot(spec);
        }
        Instant now = clock.now();
        UUID resumeOf = null;
        UUID id = null;
        if (options != null) {
            resumeOf = options.resumeOf().orElse(null);
            id = options.runId().orElse(null);
            UUID scope = options.checkpointScope().orElse(null);
            if (scope != null) {
                checkpointing = Checkpointing.ofRoot(checkpoints, scope);
            }
        }
        RunNode node = new RunNode(this, spec, parent, input, ownerScope, group, index,
                id != null ? id : RunIds.next(now.toEpochMilli()), now, resumeOf, checkpointing);
        if (id != null && live.putIfAbsent(id, node) != null) {
            throw new IllegalArgumentException("engine '" + name + "' cannot start " + spec.describe() + " with run id "
                    + id + ": a run with that id is in flight on this engine now; wait for it to end, or start the"
                    + " run with another id");
        }
        if (parent == null) {
            roots.add(node);
            if (!shutdown.isOpen()) { // close() began between the check above and now
                roots.remove(node);
                live.remove(node.runId(), node);
                throw closed("start " + spec.describe());
            }
        }
        if (id == null) {
            live.put(node.runId(), node);
        }
        if (interception != null) {
            node.captured(interception.capture(node.info(), parent == null ? null : parent.captured()));
        }
        node.schedule();
        return node;
    }

    private void admitRoot(RunSpec spec) {
        if (!shutdown.isOpen()) {
            throw closed("start " + spec.describe());
        }
    }

    private EngineClosedException closed(String refused) {
        return new EngineClosedException("engine '" + name + "' is " + (shutdown.isFullyClosed() ? "closed" : "closing")
                + " and cannot " + refused + "; build a new engine with Engine.builder(), or run it before"
                + " closing this one");
    }

    void runEnded(RunNode node) {
        live.remove(node.runId());
        if (node.parent() == null) {
            roots.remove(node);
            if (!shutdown.isOpen()) {
                shutdown.rootEnded();
            }
        }
    }

    /** Refuses a join of a run that would wait across engines, or for the joining run itself. */
    void checkJoin(RunNode target) {
        RunNode current = RunNode.currentOrNull();
        if (current == null) {
            return;
        }
        if (current.engine() != this) {
            throw joinAcrossEngines(current, target.describe());
        }
        for (RunNode run = current; run != null; run = run.parent()) {
            if (run == target) {
                throw new IllegalStateException(current.describe() + " cannot join " + target.describe()
                        + ", which is itself or one of its ancestors: it would wait for itself forever");
            }
        }
    }

    /** Refuses a join (of a map) from inside a run of another engine. */
    void checkJoinFromHere(String target) {
        RunNode current = RunNode.currentOrNull();
        if (current != null && current.engine() != this) {
            throw joinAcrossEngines(current, target);
        }
    }

    private IllegalStateException joinAcrossEngines(RunNode current, String target) {
        return new IllegalStateException("cannot join " + target + " of engine '" + name + "' from inside "
                + current.describe() + " of engine '" + current.engine().name() + "'; join a handle only from"
                + " runs of its own engine, or from outside any run");
    }

    /**
     * The caller of a root run waits here. If the caller is interrupted, the run is cancelled and
     * still awaited (structured: it never outlives the call), and the interrupt is restored.
     */
    private static void awaitRoot(RunNode root) {
        try {
            root.awaitEnded();
            JvmShutdown.awaitHaltIfItEnded(root); // ended by System.exit or a signal: nothing to report
            return;
        } catch (InterruptedException interrupted) {
            root.stop(Cancellation.requested("the thread waiting for it was interrupted"));
        }
        while (true) {
            try {
                root.awaitEnded();
                Thread.currentThread().interrupt();
                return;
            } catch (InterruptedException again) {
                // keep waiting: the run is already being cancelled
            }
        }
    }

    // ---- limits ----

    Limit limit(RunSpec spec) {
        return limits.of(spec);
    }

    EngineLimits.@Nullable Shared sharedLimit(RunSpec spec) {
        return limits.sharedOf(spec);
    }

    // ---- events ----

    void publishStateChange(RunInfo run, @Nullable State previous, State next) {
        events.publishStateChange(run, previous, next);
    }

    void publishLog(RunInfo run, Level level, String message, @Nullable Throwable error) {
        events.publishLog(run, level, message, error);
    }

    void publishDatasetAccess(RunInfo run, Event.DatasetAccess.Access access, String dataset, @Nullable String version,
            String location) {
        events.publishDatasetAccess(run, access, dataset, version, location);
    }

    EngineEvents events() {
        return events;
    }

    @Override
    public Subscription subscribe(EventListener listener) {
        return events.subscribe(listener);
    }

    @Override
    public boolean cancel(UUID runId) {
        RunNode node = live.get(runId);
        return node != null && node.stop(Cancellation.requested("cancelled on request"));
    }

    // ---- closing ----

    @Override
    public boolean isClosed() {
        return !shutdown.isOpen();
    }

    @Override
    public void close() {
        RunNode current = RunNode.currentOrNull();
        if (current != null && current.engine() == this && !current.hasEnded()) {
            throw new IllegalStateException("engine '" + name + "'.close() was called from inside " + current.describe()
                    + "; it would wait for that run, and so for itself. Close the engine from outside its runs,"
                    + " for example after run() returns");
        }
        shutdown.close();
    }

    /** The root runs not ended yet. */
    Set<RunNode> roots() {
        return roots;
    }

    /** Every run not ended yet. */
    java.util.Collection<RunNode> liveRuns() {
        return live.values();
    }

    @SuppressWarnings("unchecked")
    private static <T extends @Nullable Object> T cast(@Nullable Object value) {
        return (T) value;
    }

    @Override
    public String toString() {
        return "Engine[" + name + ", " + shutdown.phase() + "]";
    }
}
