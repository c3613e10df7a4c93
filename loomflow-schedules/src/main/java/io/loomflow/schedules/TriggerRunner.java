package io.loomflow.schedules;

import com.fasterxml.jackson.databind.json.JsonMapper;
import io.loomflow.Engine;
import io.loomflow.Event;
import io.loomflow.Flow;
import io.loomflow.ParameterModel;
import io.loomflow.RunOptions;
import io.loomflow.State;
import io.loomflow.Subscription;
import io.loomflow.TimeSource;
import io.loomflow.data.Catalog;
import io.loomflow.schedules.internal.TriggerTable;
import io.loomflow.store.LoomflowJson;
import io.loomflow.store.RunStore;
import io.loomflow.workers.QueuedRun;
import io.loomflow.workers.Submission;
import io.loomflow.workers.WorkQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Fires {@link Trigger}s, each once per source (a run that ended, a new version, a batch of new
 * partitions), however many runners share the database (PostgreSQL, or an embedded H2 file): a
 * fire is a row keyed by trigger and source, inserted before its run starts, so the one runner whose
 * insert wins starts the run.
 *
 * <p><b>Run-end triggers</b> fire from the engine's events (the runner subscribes to its engine), at
 * once, and from the run history at each {@link #tick()}: the root runs of the source flow that ended
 * in a trigger's states since its checkpoint (the newest end seen, less the {@link Builder#overlap
 * overlap}, and never before the trigger was first registered), so a run whose end no live runner
 * saw (it ran on another engine, or the process died before starting the trigger's run) still fires
 * once when a runner next ticks. The history must be the one the source flow's engine records into
 * ({@code RunRecorder}, same database).
 *
 * <p><b>Dataset triggers</b> list their dataset every {@link Trigger#pollEvery()} and, in one
 * transaction that locks the trigger's row, fire the versions or partitions after its checkpoint and
 * move it. A trigger registered for the first time takes the newest version or partition there is as
 * its checkpoint: data already there does not fire it.
 */
public final class TriggerRunner implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(TriggerRunner.class.getName());
    private static final int PAGE = 500;

    private final TriggerTable table;
    private final Map<String, Trigger> triggers;
    private final Map<String, Flow<?, ?>> flows;
    private final @Nullable Engine engine;
    private final @Nullable WorkQueue queue;
    private final Submission submission;
    private final Duration recoverAfter;
    private final @Nullable Catalog catalog;
    private final TimeSource clock;
    private final Duration every;
    private final Duration overlap;
    private final JsonMapper json = LoomflowJson.builder().build();
    private final Map<String, Instant> nextPoll = new HashMap<>();
    private final Set<Thread> firing = ConcurrentHashMap.newKeySet();
    // "trigger\nsource" being claimed or launched by this runner (from the events, or a tick): recovery leaves them
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final Object ticking = new Object();
    private final @Nullable Subscription subscription;
    private @Nullable Thread loop;
    private volatile boolean closed;

    private TriggerRunner(Builder builder, TriggerTable table) {
        this.table = table;
        this.triggers = builder.triggers;
        this.flows = builder.flows;
        this.engine = builder.engine;
        this.queue = builder.queue;
        this.submission = builder.submission;
        this.recoverAfter = builder.recoverAfter;
        this.catalog = builder.catalog;
        this.clock = builder.clock;
        this.every = builder.every;
        this.overlap = builder.overlap;
        this.subscription = engine == null ? null : engine.subscribe(this::onEvent);
    }

    /**
     * A builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    private void onEvent(Event event) {
        if (closed || !(event instanceof Event.StateChange change) || !change.run().isRoot() || !change.state().isFinal()) {
            return;
        }
        for (Trigger trigger : triggers.values()) {
            if (trigger.kind() == Trigger.Kind.RUN_END && trigger.source().equals(change.run().name())
                    && trigger.states().contains(change.state().kind())) {
                Object result = switch (change.state()) {
                    case State.Completed completed -> completed.result();
                    case State.Cached cached -> cached.result();
                    default -> null;
                };
                EndedRun run = new EndedRun(change.run().id(), change.run().name(), change.state().kind(),
                        jsonOf(change.run().input()), jsonOf(result));
                // off the run's thread: the listener must be fast
                Thread thread = Thread.ofVirtual().name("loomflow-trigger-" + trigger.name()).unstarted(() -> {
                    try {
                        fire(trigger, run);
                    } catch (RuntimeException failed) {
                        LOG.log(System.Logger.Level.WARNING, "trigger " + trigger.name() + " could not fire for run "
                                + run.id() + "; the next tick reads it from the run history: " + failed, failed);
                    } finally {
                        firing.remove(Thread.currentThread());
                    }
                });
                firing.add(thread); // close() waits for it: a fire under way is marked before the connection closes
                thread.start();
            }
        }
    }

    private @Nullable Object jsonOf(@Nullable Object value) {
        try {
            return value == null ? null : json.convertValue(value, Object.class);
        } catch (IllegalArgumentException notJson) {
            return null;
        }
    }

    private @Nullable Object parse(@Nullable String text) {
        try {
            return text == null ? null : json.readValue(text, Object.class);
        } catch (com.fasterxml.jackson.core.JacksonException notJson) {
            return null;
        }
    }

    /**
     * Claims the run for the trigger and, if this runner won, starts the trigger's flow: true when
     * the run started (a claim lost, refused or whose launch failed is false).
     */
    private boolean fire(Trigger trigger, EndedRun run) {
        String source = run.id().toString();
        String key = trigger.name() + "\n" + source;
        if (!inFlight.add(key)) {
            return false; // this runner fires it already (from the events and from the history at once)
        }
        try {
            UUID runId = RunOptions.newRunId();
            if (!table.claim(trigger.name(), source, runId, clock.now())) {
                return false;
            }
            Map<String, @Nullable Object> parameters;
            try {
                parameters = trigger.parametersFor(run);
            } catch (RuntimeException failed) {
                refuse(trigger, source, "its parameter function failed: " + failed);
                return false;
            }
            return launch(trigger, source, runId, parameters);
        } finally {
            inFlight.remove(key);
        }
    }

    /**
     * The idempotency key of a fire's run on workers: the same for every runner and every retry.
     *
     * @param trigger the trigger's name
     * @param source the fire's source (a run id, a version, a batch's newest partition)
     * @return the key, {@code loomflow-trigger:TRIGGER@SOURCE}
     */
    public static String idempotencyKey(String trigger, String source) {
        return "loomflow-trigger:" + trigger + "@" + source;
    }

    /**
     * Starts the fire's run; a launch that fails leaves the claim, which any runner (this one too)
     * starts after the lease.
     */
    @SuppressWarnings("unchecked")
    private boolean launch(Trigger trigger, String source, UUID runId, Map<String, @Nullable Object> parameters) {
        Flow<Object, Object> flow = (Flow<Object, Object>) flows.get(trigger.flow());
        Object params;
        try {
            params = ParameterModel.of(flow).bind(parameters);
        } catch (RuntimeException misfit) {
            refuse(trigger, source, "its parameters " + parameters + " do not fit flow " + flow.name() + ": "
                    + misfit.getMessage());
            return false;
        }
        UUID started;
        try {
            if (queue != null) {
                QueuedRun<Object> run = queue.runAsync(flow, params,
                        submission.withIdempotencyKey(idempotencyKey(trigger.name(), source)));
                started = run.id();
            } else {
                Objects.requireNonNull(engine).runAsync(flow, params, RunOptions.defaults().withRunId(runId));
                started = runId;
            }
        } catch (RuntimeException failed) {
            LOG.log(System.Logger.Level.WARNING, "trigger " + trigger.name() + ": cannot start the run for " + source
                    + " (" + failed.getMessage() + "); any runner starts it again after " + recoverAfter, failed);
            return false;
        }
        table.started(trigger.name(), source, started);
        return true;
    }

    /**
     * Starts the fires claimed longer ago than the lease and still not started: their runner died
     * between its claim and its launch, or their launch failed (this runner's too, unless it is
     * launching them now). On an engine, a fire whose run id the history has did start: it is only
     * marked started; otherwise the claim is taken over (one runner wins) and the run started under
     * the claimed id. On workers it is submitted again with the fire's idempotency key, which gives
     * the run already queued if there is one. A fire that fails is logged and left to the next tick.
     */
    private Map<String, List<String>> recover(Instant now) {
        Map<String, List<String>> recovered = new LinkedHashMap<>();
        List<TriggerTable.Claimed> stale;
        try {
            stale = table.stale(triggers.keySet(), now.minus(recoverAfter).toEpochMilli());
        } catch (RuntimeException failed) {
            LOG.log(System.Logger.Level.WARNING, "the trigger runner could not read the stale claims; it tries again"
                    + " at the next tick: " + failed, failed);
            return recovered;
        }
        for (TriggerTable.Claimed claimed : stale) {
            String key = claimed.trigger() + "\n" + claimed.source();
            if (!inFlight.add(key)) {
                continue; // this runner is launching it now
            }
            try {
                if (recover(triggers.get(claimed.trigger()), claimed, now)) {
                    recovered.computeIfAbsent(claimed.trigger(), name -> new ArrayList<>()).add(claimed.source());
                }
            } catch (RuntimeException failed) {
                LOG.log(System.Logger.Level.WARNING, "trigger " + claimed.trigger() + " could not recover its claim of "
                        + claimed.source() + "; the next tick tries again: " + failed, failed);
            } finally {
                inFlight.remove(key);
            }
        }
        return recovered;
    }

    /** Recovers one stale claim: true when this runner started its run. */
    private boolean recover(Trigger trigger, TriggerTable.Claimed claimed, Instant now) {
        if (queue == null && table.run(claimed.runId()) != null) {
            table.started(claimed.trigger(), claimed.source(), claimed.runId());
            return false;
        }
        if (!table.takeOver(claimed, now)) {
            return false; // another runner took it over first
        }
        Map<String, @Nullable Object> parameters;
        try {
            parameters = trigger.kind() == Trigger.Kind.RUN_END ? endedRunParameters(trigger, claimed.source())
                    : trigger.parametersFor(new NewData(trigger.source(), claimed.keys()));
        } catch (RuntimeException failed) {
            refuse(trigger, claimed.source(), "its parameter function failed: " + failed);
            return false;
        }
        return parameters != null && launch(trigger, claimed.source(), claimed.runId(), parameters);
    }

    /** The parameters for a run-end fire made again from the run history; null (refused) when it has no such run. */
    private @Nullable Map<String, @Nullable Object> endedRunParameters(Trigger trigger, String source) {
        if (!trigger.hasFunction()) {
            return trigger.parameters();
        }
        TriggerTable.Ended ended = table.run(UUID.fromString(source));
        if (ended == null) {
            refuse(trigger, source, "its claim was recovered, and the run history has no run " + source
                    + " to give its parameter function");
            return null;
        }
        return trigger.parametersFor(new EndedRun(ended.id(), trigger.source(), ended.state(),
                parse(ended.parameters()), ended.state() == State.Kind.COMPLETED || ended.state() == State.Kind.CACHED
                ? parse(ended.result()) : null));
    }

    private void refuse(Trigger trigger, String source, String why) {
        LOG.log(System.Logger.Level.WARNING, "trigger " + trigger.name() + " started no run for " + source + ": " + why);
        table.mark(trigger.name(), source, "refused", why);
    }

    /**
     * One pass: the stale claims are recovered, every run-end trigger reads the run history from
     * its checkpoint, every dataset trigger whose poll is due lists its dataset. The runs are
     * started when this returns. A trigger whose poll fails (its dataset cannot be listed, the
     * database is gone) is logged with a warning and tried again at the next tick; the others go on.
     * One pass at a time: a call made during another waits for it.
     *
     * @return the sources whose runs this call started (run ids, versions, a batch's newest
     *     partition), by trigger
     */
    public Map<String, List<String>> tick() {
        synchronized (ticking) {
            Instant now = clock.now();
            Map<String, List<String>> fired = new LinkedHashMap<>(recover(now));
            for (Trigger trigger : triggers.values()) {
                List<String> sources;
                try {
                    sources = trigger.kind() == Trigger.Kind.RUN_END ? pollRuns(trigger) : pollData(trigger, now);
                } catch (RuntimeException failed) {
                    LOG.log(System.Logger.Level.WARNING, "trigger " + trigger.name() + " could not poll " + (trigger.kind()
                            == Trigger.Kind.RUN_END ? "the runs of flow " : "dataset ") + trigger.source() + "; the"
                            + " other triggers go on, and it polls again at the next tick: " + failed, failed);
                    continue;
                }
                if (!sources.isEmpty()) {
                    fired.computeIfAbsent(trigger.name(), name -> new ArrayList<>()).addAll(sources);
                }
            }
            return fired;
        }
    }

    /**
     * Fires the runs of the source flow that ended since the checkpoint less the overlap, but not
     * before the trigger was first registered, skipping those it has a fire of already.
     */
    private List<String> pollRuns(Trigger trigger) {
        TriggerTable.Registered registered = table.registered(trigger.name());
        if (registered == null) {
            return List.of(); // not registered: build() registers every trigger
        }
        long since = TimeUnit.MILLISECONDS.toNanos(registered.sinceMs());
        long seen = registered.checkpoint() == null ? since : Long.parseLong(registered.checkpoint());
        long from = Math.max(seen - TimeUnit.NANOSECONDS.convert(overlap), since);
        List<String> fired = new ArrayList<>();
        long lastEnded = from;
        UUID lastId = null;
        while (true) {
            List<TriggerTable.Ended> page = table.ended(trigger.source(), trigger.states(), from, lastEnded, lastId, PAGE);
            Set<String> done = table.fired(trigger.name(), page.stream().map(ended -> ended.id().toString()).toList());
            for (TriggerTable.Ended ended : page) {
                if (!done.contains(ended.id().toString())) {
                    EndedRun run = new EndedRun(ended.id(), trigger.source(), ended.state(), parse(ended.parameters()),
                            ended.state() == State.Kind.COMPLETED || ended.state() == State.Kind.CACHED
                            ? parse(ended.result()) : null);
                    if (fire(trigger, run)) {
                        fired.add(run.id().toString());
                    }
                }
                lastEnded = ended.ended();
                lastId = ended.id();
            }
            if (page.size() < PAGE) {
                break;
            }
        }
        if (lastId != null) {
            table.moveEndCheckpoint(trigger.name(), lastEnded);
        }
        return fired;
    }

    private List<String> pollData(Trigger trigger, Instant now) {
        Instant due = nextPoll.get(trigger.name());
        if (due != null && now.isBefore(due)) {
            return List.of();
        }
        nextPoll.put(trigger.name(), now.plus(trigger.pollEvery()));
        List<String> listed = list(trigger);
        List<TriggerTable.Claim> claims = table.claimData(trigger.name(), now, checkpoint -> {
            List<String> fresh = listed.stream().filter(key -> checkpoint == null || key.compareTo(checkpoint) > 0)
                    .toList();
            if (fresh.isEmpty()) {
                return List.of();
            }
            return trigger.kind() == Trigger.Kind.NEW_VERSION ? fresh.stream().map(List::of).toList()
                    : List.of(fresh);
        });
        List<String> fired = new ArrayList<>();
        for (TriggerTable.Claim claim : claims) {
            Map<String, @Nullable Object> parameters;
            try {
                parameters = trigger.parametersFor(new NewData(trigger.source(), claim.keys()));
            } catch (RuntimeException failed) {
                refuse(trigger, claim.source(), "its parameter function failed: " + failed);
                continue;
            }
            if (launch(trigger, claim.source(), claim.runId(), parameters)) {
                fired.add(claim.source());
            }
        }
        return fired;
    }

    /** The versions or partition ids there are now, sorted. */
    private List<String> list(Trigger trigger) {
        Catalog known = Objects.requireNonNull(catalog);
        Engine storage = Objects.requireNonNull(engine);
        return trigger.kind() == Trigger.Kind.NEW_VERSION ? known.dataset(trigger.source()).versions(storage)
                : known.partitioned(trigger.source()).ids(storage);
    }

    private @Nullable String initialCheckpoint(Trigger trigger) {
        if (trigger.kind() == Trigger.Kind.RUN_END) {
            Instant now = clock.now();
            return Long.toString(TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano());
        }
        List<String> listed = list(trigger);
        return listed.isEmpty() ? null : listed.getLast();
    }

    /**
     * Ticks in the background, on a virtual thread, every second of the clock (or as set).
     *
     * @return this runner
     */
    public synchronized TriggerRunner start() {
        if (loop == null) {
            loop = Thread.ofVirtual().name("loomflow-triggers").start(() -> {
                while (!closed) {
                    try {
                        tick();
                    } catch (RuntimeException failed) {
                        LOG.log(System.Logger.Level.WARNING, "a trigger runner's tick failed; retrying at the next: "
                                + failed, failed);
                    }
                    try {
                        clock.sleep(every);
                    } catch (InterruptedException stopped) {
                        return;
                    }
                }
            });
        }
        return this;
    }

    /**
     * Stops ticking and listening, waits for the fires under way from the engine's events, and
     * closes the connection; runs already started go on on their engine or workers.
     */
    @Override
    public void close() {
        closed = true;
        if (subscription != null) {
            subscription.close();
        }
        Thread running;
        synchronized (this) {
            running = loop;
        }
        for (Thread thread : List.copyOf(firing)) {
            try {
                thread.join();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (running != null) {
            running.interrupt();
            try {
                running.join();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        table.close();
    }

    /** Builds a {@link TriggerRunner}. */
    public static final class Builder {

        private final Map<String, Trigger> triggers = new LinkedHashMap<>();
        private final Map<String, Flow<?, ?>> flows = new LinkedHashMap<>();
        private @Nullable String url;
        private @Nullable Engine engine;
        private @Nullable WorkQueue queue;
        private Submission submission = Submission.defaults();
        private Duration recoverAfter = Duration.ofMinutes(1);
        private @Nullable Catalog catalog;
        private TimeSource clock = TimeSource.system();
        private Duration every = Duration.ofSeconds(1);
        private Duration overlap = Duration.ofMinutes(5);
        private String name = "triggers-" + UUID.randomUUID();

        private Builder() {
        }

        /**
         * The database: a PostgreSQL URL, or an H2 one; the run history run-end triggers read, and
         * their tables (created or migrated by the run history's migrations). Required.
         *
         * @param url the JDBC URL
         * @return this builder
         */
        public Builder database(String url) {
            this.url = Objects.requireNonNull(url, "url");
            return this;
        }

        /**
         * Adds triggers.
         *
         * @param added the triggers, with names unique
         * @return this builder
         * @throws TriggerException for a name given twice
         */
        public Builder triggers(Trigger... added) {
            for (Trigger trigger : added) {
                if (triggers.putIfAbsent(trigger.name(), trigger) != null) {
                    throw new TriggerException("two triggers are named '" + trigger.name() + "'; give each its own name");
                }
            }
            return this;
        }

        /**
         * Where runs start, and whose events fire run-end triggers at once: this engine, with these
         * flows (found by name: the flows triggers start and the flows they watch).
         *
         * @param engine the engine
         * @param known the flows
         * @return this builder
         */
        public Builder engine(Engine engine, Flow<?, ?>... known) {
            this.engine = Objects.requireNonNull(engine, "engine");
            for (Flow<?, ?> flow : known) {
                flows.put(flow.name(), flow);
            }
            return this;
        }

        /**
         * Where runs start instead of an engine: queued on this {@link WorkQueue} (loomflow-workers),
         * each with the idempotency key {@code loomflow-trigger:TRIGGER@SOURCE}, so a fire submitted
         * again (a retry, a recovery by another runner) gives the run already queued. The runner's
         * database must be the queue's. With an {@link #engine} too, its events still fire run-end
         * triggers at once and its storage lists datasets; without one, run-end triggers fire from
         * the run history at each tick, and dataset triggers are refused.
         *
         * @param queue the queue
         * @param known the flows (found by name: the flows triggers start and the flows they watch)
         * @return this builder
         */
        public Builder workQueue(WorkQueue queue, Flow<?, ?>... known) {
            this.queue = Objects.requireNonNull(queue, "queue");
            for (Flow<?, ?> flow : known) {
                flows.put(flow.name(), flow);
            }
            return this;
        }

        /**
         * How runs are queued on the {@link #workQueue} (its queue, priority...); the idempotency
         * key is set per fire.
         *
         * @param submission the submission
         * @return this builder
         */
        public Builder submission(Submission submission) {
            this.submission = Objects.requireNonNull(submission, "submission");
            return this;
        }

        /**
         * The lease: a fire claimed longer ago than this and not started yet (its runner died, or
         * its launch failed, this runner's too) is started by this one (1 minute unless given).
         * Longer than any runner's pause between its claim and its launch.
         *
         * @param lease positive
         * @return this builder
         */
        public Builder recoverAfter(Duration lease) {
            if (lease.isZero() || lease.isNegative()) {
                throw new TriggerException("recoverAfter must be positive, not " + lease
                        + "; for example Duration.ofMinutes(1)");
            }
            this.recoverAfter = lease;
            return this;
        }

        /**
         * The catalog whose datasets dataset triggers name (listed with the engine's storage).
         *
         * @param catalog the catalog
         * @return this builder
         */
        public Builder catalog(Catalog catalog) {
            this.catalog = Objects.requireNonNull(catalog, "catalog");
            return this;
        }

        /**
         * The clock (the system's unless given); tests give a manual one.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(TimeSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How often {@link #start()}'s loop ticks (every second unless given).
         *
         * @param every positive
         * @return this builder
         */
        public Builder tickEvery(Duration every) {
            if (every.isZero() || every.isNegative()) {
                throw new TriggerException("tickEvery must be positive, not " + every + "; for example Duration.ofSeconds(1)");
            }
            this.every = every;
            return this;
        }

        /**
         * How far before its checkpoint a run-end trigger reads the history again (5 minutes unless
         * given), for runs recorded late (a recorder's batch, another process's clock); the fires'
         * keys keep those read twice from firing twice.
         *
         * @param overlap zero or more
         * @return this builder
         */
        public Builder overlap(Duration overlap) {
            if (overlap.isNegative()) {
                throw new TriggerException("overlap must not be negative, not " + overlap + "; for example Duration.ofMinutes(5)");
            }
            this.overlap = overlap;
            return this;
        }

        /**
         * The name this runner writes on the fires it claims (a random one unless given).
         *
         * @param name the name
         * @return this builder
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Checks the triggers (each names known flows, datasets of the right kind, parameters that
         * fit), opens the database (creating or migrating the tables) and registers the triggers.
         *
         * @return the runner, listening to its engine's events
         * @throws TriggerException for an unknown flow or dataset, or parameters that do not fit
         */
        public TriggerRunner build() {
            if (url == null) {
                throw new IllegalStateException("TriggerRunner.builder() needs database(url)");
            }
            if (engine == null && queue == null) {
                throw new IllegalStateException("TriggerRunner.builder() needs engine(engine, flows...) or"
                        + " workQueue(queue, flows...)");
            }
            for (Trigger trigger : triggers.values()) {
                check(trigger);
            }
            RunStore.open(url).close(); // creates or migrates the tables
            TriggerTable table = TriggerTable.open(url, name);
            TriggerRunner runner;
            try {
                runner = new TriggerRunner(this, table);
                for (Trigger trigger : triggers.values()) {
                    table.register(trigger, clock.now(), runner::initialCheckpoint);
                }
            } catch (RuntimeException failed) {
                table.close();
                throw failed;
            }
            return runner;
        }

        private void check(Trigger trigger) {
            Flow<?, ?> flow = flow(trigger, trigger.flow(), "starts");
            if (trigger.kind() == Trigger.Kind.RUN_END) {
                flow(trigger, trigger.source(), "watches");
            } else {
                String dataset = trigger.source();
                if (engine == null) {
                    throw new TriggerException("trigger " + trigger.name() + " watches dataset '" + dataset
                            + "', and the runner has no engine to list it with; give it one with engine(engine)");
                }
                if (catalog == null) {
                    throw new TriggerException("trigger " + trigger.name() + " watches dataset '" + dataset
                            + "', and the runner has no catalog; give it one with catalog(catalog)");
                }
                if (!catalog.contains(dataset)) {
                    throw new TriggerException("trigger " + trigger.name() + " watches dataset '" + dataset
                            + "', which is not in the catalog: " + catalog.names()
                            + ParameterModel.closest(dataset, catalog.names()).map(c -> "; did you mean " + c + "?")
                            .orElse(""));
                }
                if (trigger.kind() == Trigger.Kind.NEW_VERSION && !catalog.isVersioned(dataset)) {
                    throw new TriggerException("trigger " + trigger.name() + " watches new versions of dataset '"
                            + dataset + "', which is not versioned; add versioned: true to it in the catalog"
                            + (catalog.isPartitioned(dataset) ? ", or use Trigger.onNewPartitions" : ""));
                }
                if (trigger.kind() == Trigger.Kind.NEW_PARTITIONS && !catalog.isPartitioned(dataset)) {
                    throw new TriggerException("trigger " + trigger.name() + " watches new partitions of dataset '"
                            + dataset + "', which is not partitioned; make it type partitioned or incremental"
                            + (catalog.isVersioned(dataset) ? ", or use Trigger.onNewVersion" : ""));
                }
            }
            try {
                ParameterModel.of(flow).bind(trigger.parameters());
            } catch (RuntimeException misfit) {
                // a function's parameters are checked when it fires; fixed ones alone may be partial then
                if (!trigger.hasFunction()) {
                    throw new TriggerException("trigger " + trigger.name() + ": its parameters " + trigger.parameters()
                            + " do not fit flow " + flow.name() + ": " + misfit.getMessage(), misfit);
                }
            }
        }

        private Flow<?, ?> flow(Trigger trigger, String name, String what) {
            Flow<?, ?> flow = flows.get(name);
            if (flow == null) {
                throw new TriggerException("trigger " + trigger.name() + " " + what + " flow '" + name
                        + "', which is not among the flows given: " + flows.keySet()
                        + ParameterModel.closest(name, flows.keySet()).map(c -> "; did you mean " + c + "?").orElse(""));
            }
            return flow;
        }
    }
}
