package io.loomflow.workers.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.Handle;
import io.loomflow.Outcome;
import io.loomflow.ParameterException;
import io.loomflow.RunLostException;
import io.loomflow.RunOptions;
import io.loomflow.Task;
import io.loomflow.store.ResultCodec;
import io.loomflow.store.RunRecorder;
import io.loomflow.store.RunStore;
import io.loomflow.store.RunStoreException;
import io.loomflow.workers.FencedException;
import io.loomflow.workers.WorkQueueException;
import io.loomflow.workers.Worker;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The worker: registration, the claim loop, the heartbeat (with the leader's housekeeping), the
 * execution of claimed runs on the worker's engine, their guarded completion, and the hand-back at
 * close.
 *
 * <p>Threads: one virtual thread claims, one beats, one listens (unless poll-only), and one
 * virtual thread per run in flight waits for its run and completes it. The claim loop never holds
 * more runs than the concurrency: it claims only as many as are free, and a finished run wakes it.
 * All times that matter to other processes (leases, heartbeats, the leader's term) are the
 * database's; the JVM's clock only bounds this process's own waits.
 */
public final class WorkerImpl implements Worker {

    private static final System.Logger LOG = System.getLogger("io.loomflow.workers");

    private static final String REGISTER = """
            INSERT INTO lf_worker (id, name, host, pid, queues, flows, concurrency, expires, in_flight)
            VALUES (?, ?, ?, ?, ?, ?, ?, now() + ? * INTERVAL '1 millisecond', ?)""";
    private static final String CLAIM = """
            UPDATE lf_queue q SET state = 'running', owner = ?, token = q.token + 1,
                lease_until = now() + ? * INTERVAL '1 millisecond', attempts = q.attempts + 1,
                started = COALESCE(q.started, now())
            FROM (SELECT id FROM lf_queue
                  WHERE state = 'queued' AND queue = ANY (?)
                    AND ((kind = 'flow' AND flow = ANY (?)) OR (kind = 'task' AND flow = ANY (?)))
                    AND (flow_version IS NULL OR flow_version = ?) AND not_before <= now()
                    AND NOT EXISTS (SELECT 1 FROM lf_queue_limit l WHERE l.queue = lf_queue.queue)
                  ORDER BY priority DESC, not_before, created
                  LIMIT ? FOR UPDATE SKIP LOCKED) c
            WHERE q.id = c.id
            RETURNING q.id, q.flow, q.parameters, q.token, q.attempts, q.priority, q.not_before, q.created, q.kind,
                q.trace_context""";
    private static final String BEAT = """
            UPDATE lf_worker SET heartbeat = now(), expires = now() + ? * INTERVAL '1 millisecond', in_flight = ?,
                stopping = ?
            WHERE id = ?""";
    private static final String EXTEND = """
            UPDATE lf_queue SET lease_until = now() + ? * INTERVAL '1 millisecond'
            WHERE owner = ? AND state = 'running' AND id = ANY (?)
            RETURNING id, token""";
    private static final String LEAD = """
            INSERT INTO lf_leader (name, owner, until) VALUES ('queue', ?, now() + ? * INTERVAL '1 millisecond')
            ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, until = EXCLUDED.until
            WHERE lf_leader.owner = EXCLUDED.owner OR lf_leader.until < now()""";
    /**
     * The runs whose lease expired go back to the queue (fenced: {@code token + 1}), or fail once
     * they have been recovered {@code max_recoveries} times. SET sees the row as it was.
     */
    private static final String RECOVER_EXPIRED = """
            UPDATE lf_queue SET
                state = CASE WHEN recoveries < max_recoveries THEN 'queued' ELSE 'failed' END,
                owner = CASE WHEN recoveries < max_recoveries THEN NULL ELSE owner END,
                lease_until = NULL, token = token + 1, recoveries = recoveries + 1,
                ended = CASE WHEN recoveries < max_recoveries THEN NULL ELSE now() END,
                error_type = CASE WHEN recoveries < max_recoveries THEN NULL ELSE 'io.loomflow.RunLostException' END,
                error_message = CASE WHEN recoveries < max_recoveries THEN NULL ELSE
                    'queued run ' || id || ' lost its worker ' || (recoveries + 1) || ' time(s): its lease expired each'
                    || ' time (the worker died, froze or lost the database), and it may be recovered only '
                    || max_recoveries || ' time(s), so it is not queued again; if its flow brings down the JVM that'
                    || ' runs it, fix that and submit it again, otherwise allow more with Submission.withMaxRecoveries'
                    END
            WHERE state = 'running' AND lease_until < now()
            RETURNING id, queue, state""";
    /** The checkpoints of runs that failed for good. */
    private static final String FORGET_CHECKPOINTS = "DELETE FROM lf_checkpoint WHERE run_id = ANY (?)";
    /** The unfinished child runs (distributed map items) of runs that failed for good. */
    private static final String CANCEL_CHILDREN = """
            UPDATE lf_queue SET state = 'cancelled', ended = now(), lease_until = NULL, token = token + 1
            WHERE parent = ANY (?) AND state IN ('queued', 'running')
            RETURNING id""";
    /**
     * The oldest runs that ended before the kept period, at most 1,000 a heartbeat, and their
     * checkpoints if any are left. A child run goes once its parent is gone (a parent ends after
     * its children, so they go at the next beats), never while its parent is still there.
     */
    private static final String FORGET_ENDED = """
            WITH gone AS (
                DELETE FROM lf_queue WHERE id IN (
                    SELECT q.id FROM lf_queue q
                    WHERE q.ended IS NOT NULL AND q.ended < now() - ? * INTERVAL '1 millisecond'
                      AND (q.parent IS NULL OR NOT EXISTS (SELECT 1 FROM lf_queue p WHERE p.id = q.parent))
                    ORDER BY q.ended LIMIT 1000 FOR UPDATE SKIP LOCKED)
                RETURNING id)
            DELETE FROM lf_checkpoint c USING gone WHERE c.run_id = gone.id""";
    /** Dead workers stay listed for an hour, then the leader forgets them. */
    private static final String FORGET_DEAD = "DELETE FROM lf_worker WHERE expires < now() - INTERVAL '1 hour'";
    private static final String HAND_BACK = """
            UPDATE lf_queue SET state = 'queued', owner = NULL, lease_until = NULL, token = token + 1
            WHERE owner = ? AND state = 'running'
            RETURNING id, queue""";
    /** How long a busy worker with few free places waits after a claim for more to free up (see waitForPlaces). */
    static final Duration CLAIM_PAUSE = Duration.ofMillis(20);

    private enum Phase { NEW, STARTED, CLOSING, CLOSED }

    /** A claimed run, as the claim returned it; {@code traceContext} is what its submitter carried, or null. */
    private record Claim(UUID id, String flow, String parameters, long token, int attempts, boolean task,
                         @Nullable String traceContext) {

        static Claim of(ResultSet row) throws SQLException {
            return new Claim(row.getObject(1, UUID.class), row.getString(2), row.getString(3), row.getLong(4),
                    row.getInt(5), "task".equals(row.getString(9)), row.getString(10));
        }
    }

    /** A claimed run in flight here. */
    private static final class Execution {
        final Claim claim;
        /** Fences what the execution records in the run history. */
        final HistoryFence.Guard history;
        /** Counted down when the execution has ended here and forgotten its bookkeeping. */
        final CountDownLatch ended = new CountDownLatch(1);
        /**
         * Set when the execution starts. Until then it may write nothing: it waits for an earlier
         * execution of the same run on this worker (one whose lease was lost and that this worker
         * then claimed again) to end, and that execution's late writes must not pass as its own.
         */
        volatile boolean started;
        volatile @Nullable Handle<?> handle;
        /** Set once this worker no longer owns the run (handed back, or the lease was lost): write nothing. */
        volatile boolean given;
        /**
         * Set when the run has ended here and its completion is being recorded: from then on its
         * row may leave the running state at any moment, so a heartbeat that no longer finds it
         * running must not take it for a lost lease.
         */
        volatile boolean completing;

        Execution(Claim claim, HistoryFence.Guard history) {
            this.claim = claim;
            this.history = history;
        }

        void cancel() {
            given = true;
            Handle<?> running = handle;
            if (running != null) {
                running.cancel();
            }
        }
    }

    private final WorkerSettings settings;
    private final InstantSource clock;
    private final UUID id = UUID.randomUUID();
    private final String host = host();
    private final long pid = ProcessHandle.current().pid();
    private final String name;
    private final Json json = new Json();
    private final ReentrantLock lifecycle = new ReentrantLock();
    private Phase phase = Phase.NEW; // guarded by lifecycle
    private final Map<UUID, Execution> executions = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Wakes the claim loop: a notification, a freed slot, a reconnect, close. */
    private final Signal claimable = new Signal();
    /** Wakes close's wait for the runs in flight. */
    private final Signal finished = new Signal();
    /** Counted down when close starts: ends the claim loop's waits. */
    private final CountDownLatch stopping = new CountDownLatch(1);
    /** Counted down once close has handed the runs back: ends the heartbeat, which renews leases until then. */
    private final CountDownLatch stopBeating = new CountDownLatch(1);
    /** Counted down when close hands runs back: ends the back-offs of runs' checkpoints and completions. */
    private final CountDownLatch handingBack = new CountDownLatch(1);

    private @Nullable Database database;
    private @Nullable Engine engine;
    private @Nullable PgRemoteRuns remoteRuns;
    private @Nullable Completions completions;
    private @Nullable PgCheckpoints checkpoints;
    private @Nullable HistoryFence fence;
    /** The tasks' queued items run as root runs of these flows, by task name; their one child is the task. */
    private final Map<String, Flow<Object, Object>> taskFlows;
    /** Builds the classes of queued items' inputs: the context class loader of the thread that made the worker. */
    private final ClassLoader taskLoader = Objects.requireNonNullElse(Thread.currentThread().getContextClassLoader(),
            WorkerImpl.class.getClassLoader());
    private final ResultCodec codec = ResultCodec.json();
    private @Nullable Notifications notifications;
    private @Nullable Thread claimer;
    private @Nullable Thread beater;
    private volatile boolean leader;
    private @Nullable PgSharedLimits sharedLimits;
    private final QueueLimits queueLimits;
    private final TraceContext traceContext;

    /**
     * Makes an unstarted worker.
     *
     * @param settings its checked configuration
     */
    public WorkerImpl(WorkerSettings settings) {
        this(settings, InstantSource.system());
    }

    WorkerImpl(WorkerSettings settings, InstantSource clock) {
        this.settings = settings;
        this.clock = clock;
        this.name = settings.name() != null ? settings.name() : "worker-" + host + "-" + pid;
        this.queueLimits = new QueueLimits(settings.queues(), settings.heartbeat(), clock);
        this.traceContext = new TraceContext(settings.propagator(), "worker " + name);
        this.taskFlows = new HashMap<>();
        settings.tasks().forEach((taskName, task) -> taskFlows.put(taskName, taskFlow(task)));
    }

    @Override
    public UUID id() {
        return id;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public Worker start() {
        lifecycle.lock();
        try {
            if (phase != Phase.NEW) {
                throw new IllegalStateException("worker " + name + " was started before; a worker is started once,"
                        + " build another one to start again");
            }
            Engine.Builder configured = settings.engine().apply(Engine.builder());
            if (configured == null) {
                throw new IllegalStateException("the engine configuration of worker " + name + " returned null; return"
                        + " the builder it was given (Worker.Builder.engine)");
            }
            String url = settings.fullUrl();
            RunStore history;
            try {
                history = RunStore.open(url); // creates or migrates the schema, the queue's tables included
            } catch (RunStoreException failed) {
                throw Database.queueError(failed);
            }
            Database opened;
            try {
                opened = Database.open(url, "loomflow-worker-" + name, Math.min(settings.concurrency(), 16) + 4, false);
            } catch (RuntimeException failed) {
                history.close();
                throw failed;
            }
            database = opened;
            checkpoints = new PgCheckpoints(opened, this::tokenOf, settings.leaseExpiry(), clock,
                    handingBack);
            // One listening connection for the whole worker: new runs, ended child runs, freed shared slots.
            Notifications listener = settings.notifications() ? new Notifications(opened, name) : null;
            if (listener != null) {
                listener.on(opened.queuedChannel(), payload -> claimable.raise());
            }
            notifications = listener;
            remoteRuns = new PgRemoteRuns(opened, id, name, listener, traceContext);
            completions = new Completions(opened, name);
            fence = new HistoryFence(RunRecorder.to(history), System::nanoTime, name);
            Engine.Builder engineBuilder = configured.name("worker " + name).checkpoints(checkpoints)
                    .remoteRuns(remoteRuns).listener(fence);
            try {
                QueueLimits.declare(opened, name, settings.queueLimits());
                if (!settings.sharedLimits().isEmpty()) {
                    sharedLimits = new PgSharedLimits(opened, id, name, settings.sharedLimits(), settings.leaseExpiry(),
                            settings.heartbeat(), settings.pollInterval(), listener).start();
                    engineBuilder.sharedLimits(sharedLimits);
                }
            } catch (RuntimeException failed) {
                history.close();
                remoteRuns.close();
                completions.close();
                opened.close();
                throw failed;
            }
            engine = engineBuilder.build();
            try {
                register(opened);
            } catch (SQLException failed) {
                engine.close();
                remoteRuns.close();
                completions.close();
                opened.close();
                throw opened.translate(failed, "register worker " + name + " with");
            }
            if (listener != null) {
                listener.start();
            }
            beater = Thread.ofVirtual().name("loomflow-heartbeat-" + name).start(this::beat);
            claimer = Thread.ofVirtual().name("loomflow-claim-" + name).start(this::claimLoop);
            phase = Phase.STARTED;
            LOG.log(Level.INFO, "worker " + name + " (" + id + ") registered at " + opened.shown() + ": queues "
                    + settings.queues() + ", flows " + new TreeSet<>(settings.flows().keySet()) + ", concurrency "
                    + settings.concurrency());
            return this;
        } finally {
            lifecycle.unlock();
        }
    }

    private void register(Database opened) throws SQLException {
        String flows = settings.flows().keySet().stream().sorted().map(flow -> flow + "\t" + settings.version())
                .collect(Collectors.joining("\n"));
        try (Connection connection = opened.connection();
             PreparedStatement statement = connection.prepareStatement(REGISTER)) {
            statement.setObject(1, id);
            statement.setString(2, name);
            statement.setString(3, host);
            statement.setLong(4, pid);
            statement.setString(5, String.join("\n", settings.queues()));
            statement.setString(6, flows);
            statement.setInt(7, settings.concurrency());
            statement.setLong(8, settings.leaseExpiry().toMillis());
            statement.setInt(9, inFlight.get());
            statement.executeUpdate();
        }
    }

    private @Nullable Long tokenOf(UUID run) {
        Execution execution = executions.get(run);
        return execution == null || execution.given || !execution.started ? null : execution.claim.token();
    }

    // ---- claiming ----

    private void claimLoop() {
        Database db = Objects.requireNonNull(database);
        int failures = 0;
        long lastClaim = System.nanoTime() - CLAIM_PAUSE.toNanos();
        while (stopping.getCount() > 0) {
            int free = waitForPlaces(lastClaim);
            int claimed = 0;
            if (free > 0) {
                try {
                    lastClaim = System.nanoTime();
                    List<Claim> batch = claim(db, free);
                    claimed = batch.size();
                    if (failures > 0) {
                        LOG.log(Level.INFO, "worker " + name + ": reached the queue database again at " + db.shown());
                        failures = 0;
                    }
                    if (!batch.isEmpty()) {
                        LOG.log(Level.DEBUG, () -> "worker " + name + " claimed " + batch.size() + " run(s): "
                                + batch.stream().map(c -> c.flow() + " " + c.id()).toList());
                    }
                    for (Claim claim : batch) {
                        launch(claim, lastClaim);
                    }
                } catch (SQLException failed) {
                    failures++;
                    if (failures == 1) {
                        LOG.log(Level.WARNING, "worker " + name + ": cannot claim runs at " + db.shown() + " ("
                                + Notifications.firstLine(failed) + "); retrying with back-off");
                    }
                    if (awaitStop(Backoff.DATABASE.after(failures))) {
                        return;
                    }
                    continue;
                }
            }
            if (free > 0 && claimed == free) {
                continue; // there may be more
            }
            try {
                claimable.await(settings.pollInterval());
            } catch (InterruptedException interrupted) {
                return;
            }
        }
    }

    /**
     * The places free to claim into. A worker with runs in flight and fewer than a quarter of its
     * places free waits up to {@link #CLAIM_PAUSE} after its last claim for more to free up, so that
     * a busy worker claims in batches rather than one run per ended run; an idle worker, or one with
     * a quarter free, claims at once.
     */
    private int waitForPlaces(long lastClaim) {
        int batch = Math.max(1, settings.concurrency() / 4);
        long until = lastClaim + CLAIM_PAUSE.toNanos();
        while (true) {
            int free = settings.concurrency() - inFlight.get();
            long left = until - System.nanoTime();
            if (free <= 0 || free >= batch || inFlight.get() == 0 || left <= 0 || stopping.getCount() == 0) {
                return free;
            }
            try {
                claimable.await(Duration.ofNanos(left));
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return 0;
            }
        }
    }

    private List<Claim> claim(Database db, int most) throws SQLException {
        List<Claim> batch = new ArrayList<>();
        try (Connection connection = db.connection()) {
            Set<String> limited = queueLimits.limited(connection);
            if (!limited.isEmpty()) {
                most -= queueLimits.claim(connection, limited, id, settings.leaseExpiry().toMillis(),
                        settings.flows().keySet().toArray(String[]::new), settings.tasks().keySet().toArray(String[]::new),
                        settings.version(), most,
                        row -> batch.add(Claim.of(row)));
                if (most == 0 || limited.size() == settings.queues().size()) {
                    return batch;
                }
            }
            claimUnlimited(connection, most, batch);
        }
        return batch;
    }

    private void claimUnlimited(Connection connection, int most, List<Claim> batch) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(CLAIM)) {
            statement.setObject(1, id);
            statement.setLong(2, settings.leaseExpiry().toMillis());
            statement.setArray(3, connection.createArrayOf("text", settings.queues().toArray()));
            statement.setArray(4, connection.createArrayOf("text", settings.flows().keySet().toArray()));
            statement.setArray(5, connection.createArrayOf("text", settings.tasks().keySet().toArray()));
            statement.setString(6, settings.version());
            statement.setInt(7, most);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    batch.add(Claim.of(rows));
                }
            }
        }
    }

    /**
     * Starts executing a claim.
     *
     * @param claimedAt {@link System#nanoTime()} read before the claim's statement was sent: the
     *                  lease it set ends no sooner than this plus the lease expiry
     */
    private void launch(Claim claim, long claimedAt) {
        // The execution's root run in the history: the queued run's id the first time, a new one after.
        UUID root = claim.attempts() == 1 ? claim.id() : RunOptions.newRunId();
        HistoryFence.Guard guard = Objects.requireNonNull(fence).open(root, claim.id(),
                claimedAt + settings.leaseExpiry().toNanos());
        Execution execution = new Execution(claim, guard);
        Execution earlier = executions.put(claim.id(), execution);
        if (claim.attempts() == 1) {
            Objects.requireNonNull(checkpoints).firstExecution(claim.id());
        }
        inFlight.incrementAndGet();
        Thread.ofVirtual().name("loomflow-worker-run-" + claim.id()).start(() -> {
            if (earlier != null) {
                // This worker lost the run (its lease expired) and claimed it again before its
                // earlier execution ended: stop that one, and start only once it has ended.
                LOG.log(Level.INFO, "worker " + name + " claimed queued run " + claim.id() + " again while its"
                        + " earlier execution here, whose lease was lost, was still running; stopping that one first");
                earlier.cancel();
                earlier.history.lose("this worker's lease of it expired and it claimed the run again");
                try {
                    earlier.ended.await();
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            execute(execution);
        });
    }

    // ---- executing ----

    private void execute(Execution execution) {
        Claim claim = execution.claim;
        execution.started = true;
        try {
            Flow<Object, Object> flow = cast(claim.task() ? taskFlows.get(claim.flow()) : settings.flows().get(claim.flow()));
            Object params;
            try {
                params = claim.task() ? codec.decode(claim.parameters(), taskLoader)
                        : json.readParameters(flow, claim.parameters());
            } catch (JsonProcessingException | IllegalArgumentException | ParameterException unreadable) {
                complete(execution, "failed", null, null, (unreadable instanceof ParameterException
                                ? ParameterException.class : IllegalArgumentException.class).getName(),
                        "the parameters of queued run " + claim.id() + " cannot be read as the "
                                + (claim.task() ? "input of task '" : "parameters of flow '") + flow.name() + "' ("
                                + (unreadable instanceof JsonProcessingException jsonError ? jsonError.getOriginalMessage()
                                : unreadable.getMessage()) + ")");
                return;
            }
            RunOptions options = RunOptions.defaults().withCheckpoints(claim.id()).withRunId(execution.history.root());
            Engine running = Objects.requireNonNull(engine);
            // Started inside the submitter's context, if it carried one: the run's span continues its trace.
            Handle<Object> handle = traceContext.continueIn(claim.traceContext(),
                    () -> running.submit(flow, params, options));
            execution.handle = handle;
            if (execution.given) {
                handle.cancel(); // handed back while it was starting
            }
            if (claim.attempts() > 1) {
                LOG.log(Level.INFO, "worker " + name + ": queued run " + claim.id() + " (" + claim.flow() + ") runs again,"
                        + " attempt " + claim.attempts() + ", as run " + handle.runId() + " in the history");
            }
            switch (handle.outcome()) {
                case Outcome.Success<Object> success -> {
                    String result;
                    try {
                        result = claim.task() ? codec.encode(success.value())
                                : json.mapper().writeValueAsString(success.value());
                    } catch (JsonProcessingException | IllegalArgumentException unwritable) {
                        complete(execution, "failed", null, null, WorkQueueException.class.getName(), "the result of"
                                + " flow '" + flow.name() + "', of type " + success.value().getClass().getName()
                                + ", cannot be written as JSON (" + (unwritable instanceof JsonProcessingException jsonError
                                ? jsonError.getOriginalMessage() : unwritable.getMessage()) + "); return a"
                                + " record of plain values");
                        return;
                    }
                    complete(execution, "completed", result,
                            success.value() == null ? null : success.value().getClass().getName(), null, null);
                }
                case Outcome.Failure<Object> failure -> {
                    Throwable error = failure.error();
                    if (execution.given || error instanceof RunLostException) {
                        gaveUp(execution, error);
                    } else {
                        complete(execution, "failed", null, null, error.getClass().getName(), error.getMessage());
                    }
                }
                case Outcome.Cancelled<Object> cancelled -> {
                    if (!execution.given) {
                        // Only close and a lost lease cancel runs here; anything else is the engine's
                        // own shutdown, and the run is left to its lease.
                        LOG.log(Level.INFO, "worker " + name + ": queued run " + claim.id() + " was cancelled here ("
                                + cancelled.reason() + "); it runs again elsewhere once its lease expires");
                    }
                }
            }
        } catch (RuntimeException failed) {
            if (execution.given) {
                gaveUp(execution, failed);
            } else {
                LOG.log(Level.WARNING, "worker " + name + ": queued run " + claim.id() + " could not be run here ("
                        + failed + "); it runs again once its lease expires");
            }
        } finally {
            Objects.requireNonNull(checkpoints).executionEnded(claim.id());
            executions.remove(claim.id(), execution);
            // An execution that ended with its last events held and no verdict (no completion was
            // recorded) cannot prove it still held the run when it made them.
            execution.history.end("it ended here without recording its end, with its lease unconfirmed");
            execution.ended.countDown();
            inFlight.decrementAndGet();
            claimable.raise();
            finished.raise();
        }
    }

    private void gaveUp(Execution execution, Throwable why) {
        Claim claim = execution.claim;
        execution.history.lose(Notifications.firstLine(why));
        LOG.log(Level.INFO, "worker " + name + ": gave queued run " + claim.id() + " up here; another worker runs it ("
                + Notifications.firstLine(why) + ")");
    }

    /** Records how the run ended, if this worker still owns it; retries an outage for up to the lease expiry. */
    private void complete(Execution execution, String state, @Nullable String result, @Nullable String resultType,
                          @Nullable String errorType, @Nullable String errorMessage) {
        execution.completing = true;
        Claim claim = execution.claim;
        Database db = Objects.requireNonNull(database);
        Instant giveUp = clock.instant().plus(settings.leaseExpiry());
        int failures = 0;
        while (true) {
            try {
                boolean recorded = Objects.requireNonNull(completions).record(new Completions.End(claim.id(),
                        claim.token(), state, result, resultType, errorType, errorMessage));
                if (recorded) {
                    execution.history.settle();
                } else {
                    gaveUp(execution, new FencedException(claim.id(), claim.token(), "its completion"));
                }
                return;
            } catch (SQLException failed) {
                failures++;
                if (!Database.isOutage(failed) || !clock.instant().isBefore(giveUp)) {
                    LOG.log(Level.WARNING, "worker " + name + ": could not record the end of queued run " + claim.id()
                            + " (" + Notifications.firstLine(failed) + "); it runs again elsewhere once its lease"
                            + " expires, replaying its checkpoints");
                    return;
                }
                try {
                    if (handingBack.await(Backoff.DATABASE.after(failures).toMillis(), TimeUnit.MILLISECONDS)) {
                        return;
                    }
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    // ---- heartbeat and leadership ----

    private void beat() {
        Database db = Objects.requireNonNull(database);
        int failures = 0;
        while (!await(stopBeating, settings.heartbeat())) {
                try {
                    beatOnce(db, stopping.getCount() == 0);
                    if (failures > 0) {
                        LOG.log(Level.INFO, "worker " + name + ": heartbeat reaches " + db.shown() + " again");
                        failures = 0;
                    }
                } catch (SQLException failed) {
                    failures++;
                    if (failures == 1) {
                        LOG.log(Level.WARNING, "worker " + name + ": heartbeat cannot reach " + db.shown() + " ("
                                + Notifications.firstLine(failed) + "); retrying; runs whose lease expires meanwhile"
                                + " go to other workers");
                    }
                }
        }
    }

    /** One heartbeat in one transaction: the worker's row, its leases, and the leader's work. */
    private void beatOnce(Database db, boolean closing) throws SQLException {
        long beganAt = System.nanoTime(); // the leases this beat extends end no sooner than this plus the expiry
        Map<UUID, Long> held = new HashMap<>();
        executions.forEach((run, execution) -> held.put(run, execution.claim.token()));
        Map<UUID, Long> owned = new HashMap<>();
        Set<String> requeued = new TreeSet<>();
        long lease = settings.leaseExpiry().toMillis();
        try (Connection connection = db.connection()) {
            connection.setAutoCommit(false);
            try {
                int registered;
                try (PreparedStatement statement = connection.prepareStatement(BEAT)) {
                    statement.setLong(1, lease);
                    statement.setInt(2, inFlight.get());
                    statement.setBoolean(3, closing);
                    statement.setObject(4, id);
                    registered = statement.executeUpdate();
                }
                if (registered == 0) { // forgotten after a long pause: register again
                    connection.commit();
                    register(db);
                }
                try (PreparedStatement statement = connection.prepareStatement(EXTEND)) {
                    statement.setLong(1, lease);
                    statement.setObject(2, id);
                    // Only the runs executing here: a run whose end could not be recorded is left to expire.
                    statement.setArray(3, connection.createArrayOf("uuid", held.keySet().toArray()));
                    try (ResultSet rows = statement.executeQuery()) {
                        while (rows.next()) {
                            owned.put(rows.getObject(1, UUID.class), rows.getLong(2));
                        }
                    }
                }
                boolean leading;
                try (PreparedStatement statement = connection.prepareStatement(LEAD)) {
                    statement.setObject(1, id);
                    statement.setLong(2, lease);
                    leading = statement.executeUpdate() == 1;
                }
                if (leading != leader) {
                    leader = leading;
                    LOG.log(Level.INFO, "worker " + name + (leading ? " leads" : " no longer leads")
                            + " the queue's housekeeping");
                }
                if (leading) {
                    recoverExpired(connection, db, requeued);
                    try (PreparedStatement statement = connection.prepareStatement(FORGET_DEAD)) {
                        statement.executeUpdate();
                    }
                    try (PreparedStatement statement = connection.prepareStatement(FORGET_ENDED)) {
                        statement.setLong(1, settings.keepEndedRuns().toMillis());
                        statement.executeUpdate();
                    }
                }
                connection.commit();
            } catch (SQLException | RuntimeException failed) {
                connection.rollback();
                throw failed;
            }
        }
        // The runs this worker held before the heartbeat but no longer owns were taken away: stop them here.
        long confirmedUntil = beganAt + settings.leaseExpiry().toNanos();
        held.forEach((run, token) -> {
            Execution execution = executions.get(run);
            if (execution == null || execution.claim.token() != token) {
                return;
            }
            if (token.equals(owned.get(run))) {
                execution.history.confirm(confirmedUntil);
            } else if (!execution.given && !execution.completing) {
                LOG.log(Level.WARNING, "worker " + name + " lost the lease of queued run " + run
                        + " (another worker owns it now); stopping it here");
                execution.cancel();
                execution.history.lose("its heartbeat found it re-queued or another worker's");
            }
        });
    }

    /** The leader's part: re-queues the runs whose lease expired, or fails those recovered too often. */
    private void recoverExpired(Connection connection, Database db, Set<String> requeued) throws SQLException {
        List<UUID> runs = new ArrayList<>();
        List<UUID> failed = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(RECOVER_EXPIRED);
             ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                UUID run = rows.getObject(1, UUID.class);
                if ("failed".equals(rows.getString(3))) {
                    failed.add(run);
                } else {
                    runs.add(run);
                    requeued.add(rows.getString(2));
                }
            }
        }
        if (!runs.isEmpty()) {
            LOG.log(Level.INFO, "worker " + name + " re-queued " + runs.size() + " run(s) whose lease expired: " + runs);
        }
        notify(connection, db.queuedChannel(), requeued);
        if (failed.isEmpty()) {
            return;
        }
        LOG.log(Level.WARNING, "worker " + name + " failed " + failed.size() + " run(s) that lost their worker more often"
                + " than their submission allows (Submission.withMaxRecoveries); they are not queued again: " + failed);
        Set<String> ended = new TreeSet<>();
        failed.forEach(run -> ended.add(run.toString()));
        try (PreparedStatement statement = connection.prepareStatement(FORGET_CHECKPOINTS)) {
            statement.setArray(1, connection.createArrayOf("uuid", failed.toArray()));
            statement.executeUpdate();
        }
        try (PreparedStatement statement = connection.prepareStatement(CANCEL_CHILDREN)) {
            statement.setArray(1, connection.createArrayOf("uuid", failed.toArray()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    ended.add(rows.getObject(1, UUID.class).toString());
                }
            }
        }
        for (String payload : Doorbell.payloads(ended)) {
            notify(connection, db.endedChannel(), Set.of(payload));
        }
    }

    private static void notify(Connection connection, String channel, Set<String> queues) throws SQLException {
        if (queues.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
            for (String queue : queues) {
                statement.setString(1, channel);
                statement.setString(2, queue);
                statement.executeQuery().close();
            }
        }
    }

    private boolean awaitStop(Duration most) {
        return await(stopping, most);
    }

    private static boolean await(CountDownLatch latch, Duration most) {
        try {
            return latch.await(most.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    // ---- closing ----

    @Override
    public void close() {
        close(settings.gracePeriod());
    }

    @Override
    public void close(Duration grace) {
        Objects.requireNonNull(grace, "grace must not be null; pass Duration.ZERO to hand runs back at once");
        lifecycle.lock();
        try {
            if (phase == Phase.NEW) {
                phase = Phase.CLOSED;
                return;
            }
            if (phase != Phase.STARTED) {
                return;
            }
            phase = Phase.CLOSING;
        } finally {
            lifecycle.unlock();
        }
        Database db = Objects.requireNonNull(database);
        stopping.countDown();
        claimable.raise();
        join(claimer);
        try {
            beatOnce(db, true); // tells the others this worker is stopping
        } catch (SQLException failed) {
            LOG.log(Level.WARNING, "worker " + name + ": could not mark itself stopping at " + db.shown() + " ("
                    + Notifications.firstLine(failed) + ")");
        }
        Instant deadline = clock.instant().plus(grace);
        try {
            while (inFlight.get() > 0 && clock.instant().isBefore(deadline)) {
                finished.await(Duration.between(clock.instant(), deadline));
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        handBack(db);
        stopBeating.countDown();
        join(beater);
        if (notifications != null) {
            notifications.close();
        }
        Objects.requireNonNull(engine).close(); // writes the history, then closes the store
        if (sharedLimits != null) {
            sharedLimits.close(); // the runs gave their permits back as they ended
        }
        Objects.requireNonNull(remoteRuns).close();
        Objects.requireNonNull(completions).close();
        deregister(db);
        db.close();
        lifecycle.lock();
        try {
            phase = Phase.CLOSED;
        } finally {
            lifecycle.unlock();
        }
        LOG.log(Level.INFO, "worker " + name + " closed");
    }

    /** Hands the runs still in flight back to the queue, fenced, and stops them here. */
    private void handBack(Database db) {
        List<Execution> remaining = List.copyOf(executions.values());
        remaining.forEach(execution -> execution.given = true);
        handingBack.countDown();
        Set<UUID> runs = new HashSet<>();
        if (!remaining.isEmpty()) {
            Set<String> queues = new TreeSet<>();
            try (Connection connection = db.connection()) {
                connection.setAutoCommit(false);
                try (PreparedStatement statement = connection.prepareStatement(HAND_BACK)) {
                    statement.setObject(1, id);
                    try (ResultSet rows = statement.executeQuery()) {
                        while (rows.next()) {
                            runs.add(rows.getObject(1, UUID.class));
                            queues.add(rows.getString(2));
                        }
                    }
                    notify(connection, db.queuedChannel(), queues);
                    connection.commit();
                } catch (SQLException failed) {
                    connection.rollback();
                    throw failed;
                }
                LOG.log(Level.INFO, "worker " + name + " handed " + runs.size() + " run(s) back to the queue: " + runs);
            } catch (SQLException failed) {
                LOG.log(Level.WARNING, "worker " + name + ": could not hand its runs back at " + db.shown() + " ("
                        + Notifications.firstLine(failed) + "); they go to other workers when their lease expires");
            }
        }
        for (Execution execution : remaining) {
            if (runs.contains(execution.claim.id())) {
                execution.history.settle(); // it was still this worker's: its cancellation is its own to record
            } else {
                execution.history.lose("it was no longer this worker's when the worker handed its runs back");
            }
            execution.cancel();
        }
        try {
            Instant deadline = clock.instant().plus(Duration.ofSeconds(10));
            while (inFlight.get() > 0 && clock.instant().isBefore(deadline)) {
                finished.await(Duration.between(clock.instant(), deadline));
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void deregister(Database db) {
        try (Connection connection = db.connection();
             PreparedStatement statement = connection.prepareStatement("DELETE FROM lf_worker WHERE id = ?")) {
            statement.setObject(1, id);
            statement.executeUpdate();
        } catch (SQLException failed) {
            LOG.log(Level.WARNING, "worker " + name + ": could not deregister at " + db.shown() + " ("
                    + Notifications.firstLine(failed) + "); it shows as dead once its heartbeat expires");
        }
    }

    private static void join(@Nullable Thread thread) {
        if (thread == null) {
            return;
        }
        try {
            thread.join(Duration.ofSeconds(30));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @SuppressWarnings("unchecked")
    private static Flow<Object, Object> cast(@Nullable Flow<?, ?> flow) {
        return (Flow<Object, Object>) Objects.requireNonNull(flow, "a claimed run's flow is one this worker advertises");
    }

    /** The flow a task's queued items run as: a durable root run named like the task, whose one child is the task. */
    @SuppressWarnings("unchecked")
    private static Flow<Object, Object> taskFlow(Task<?, ?> task) {
        Task<Object, Object> called = (Task<Object, Object>) task;
        return Flow.named(task.name(), called::call);
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException unknown) {
            return "localhost";
        }
    }

    @Override
    public String toString() {
        return "Worker[" + name + ", " + id + "]";
    }
}
