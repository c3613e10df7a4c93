package io.loomflow.workers.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.Handle;
import io.loomflow.Outcome;
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
            RETURNING q.id, q.flow, q.parameters, q.token, q.attempts, q.priority, q.not_before, q.created, q.kind""";
    private static final String BEAT = """
            UPDATE lf_worker SET heartbeat = now(), expires = now() + ? * INTERVAL '1 millisecond', in_flight = ?,
                stopping = ?
            WHERE id = ?""";
    private static final String EXTEND = """
            UPDATE lf_queue SET lease_until = now() + ? * INTERVAL '1 millisecond'
            WHERE owner = ? AND state = 'running'
            RETURNING id, token""";
    private static final String LEAD = """
            INSERT INTO lf_leader (name, owner, until) VALUES ('queue', ?, now() + ? * INTERVAL '1 millisecond')
            ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, until = EXCLUDED.until
            WHERE lf_leader.owner = EXCLUDED.owner OR lf_leader.until < now()""";
    private static final String REQUEUE_EXPIRED = """
            UPDATE lf_queue SET state = 'queued', owner = NULL, lease_until = NULL, token = token + 1
            WHERE state = 'running' AND lease_until < now()
            RETURNING id, queue""";
    /** Dead workers stay listed for an hour, then the leader forgets them. */
    private static final String FORGET_DEAD = "DELETE FROM lf_worker WHERE expires < now() - INTERVAL '1 hour'";
    private static final String HAND_BACK = """
            UPDATE lf_queue SET state = 'queued', owner = NULL, lease_until = NULL, token = token + 1
            WHERE owner = ? AND state = 'running'
            RETURNING id, queue""";
    /** How long a busy worker with few free places waits after a claim for more to free up (see waitForPlaces). */
    static final Duration CLAIM_PAUSE = Duration.ofMillis(20);

    private enum Phase { NEW, STARTED, CLOSING, CLOSED }

    /** A claimed run, as the claim returned it. */
    private record Claim(UUID id, String flow, String parameters, long token, int attempts, boolean task) {
    }

    /** A claimed run in flight here. */
    private static final class Execution {
        final Claim claim;
        volatile @Nullable Handle<?> handle;
        /** Set once this worker no longer owns the run (handed back, or the lease was lost): write nothing. */
        volatile boolean given;
        /**
         * Set when the run has ended here and its completion is being recorded: from then on its
         * row may leave the running state at any moment, so a heartbeat that no longer finds it
         * running must not take it for a lost lease.
         */
        volatile boolean completing;

        Execution(Claim claim) {
            this.claim = claim;
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
            remoteRuns = new PgRemoteRuns(opened, id, name, listener);
            completions = new Completions(opened, name);
            Engine.Builder engineBuilder = Engine.builder().name("worker " + name).checkpoints(checkpoints)
                    .remoteRuns(remoteRuns).listener(RunRecorder.to(history));
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
        return execution == null || execution.given ? null : execution.claim.token();
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
                        launch(claim);
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
                        row -> batch.add(new Claim(row.getObject(1, UUID.class), row.getString(2), row.getString(3),
                                row.getLong(4), row.getInt(5), "task".equals(row.getString(9)))));
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
                    batch.add(new Claim(rows.getObject(1, UUID.class), rows.getString(2), rows.getString(3),
                            rows.getLong(4), rows.getInt(5), "task".equals(rows.getString(9))));
                }
            }
        }
    }

    private void launch(Claim claim) {
        Execution execution = new Execution(claim);
        executions.put(claim.id(), execution);
        if (claim.attempts() == 1) {
            Objects.requireNonNull(checkpoints).firstExecution(claim.id());
        }
        inFlight.incrementAndGet();
        Thread.ofVirtual().name("loomflow-worker-run-" + claim.id()).start(() -> execute(execution));
    }

    // ---- executing ----

    private void execute(Execution execution) {
        Claim claim = execution.claim;
        try {
            Flow<Object, Object> flow = cast(claim.task() ? taskFlows.get(claim.flow()) : settings.flows().get(claim.flow()));
            Object params;
            try {
                params = claim.task() ? codec.decode(claim.parameters(), taskLoader)
                        : json.readParameters(flow, claim.parameters());
            } catch (JsonProcessingException | IllegalArgumentException unreadable) {
                complete(execution, "failed", null, null, IllegalArgumentException.class.getName(),
                        "the parameters of queued run " + claim.id() + " cannot be read as the "
                                + (claim.task() ? "input of task '" : "parameters of flow '") + flow.name() + "' ("
                                + (unreadable instanceof JsonProcessingException jsonError ? jsonError.getOriginalMessage()
                                : unreadable.getMessage()) + ")");
                return;
            }
            RunOptions options = RunOptions.defaults().withCheckpoints(claim.id());
            if (claim.attempts() == 1) {
                options = options.withRunId(claim.id());
            }
            Handle<Object> handle = Objects.requireNonNull(engine).submit(flow, params, options);
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
                        gaveUp(claim, error);
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
                gaveUp(claim, failed);
            } else {
                LOG.log(Level.WARNING, "worker " + name + ": queued run " + claim.id() + " could not be run here ("
                        + failed + "); it runs again once its lease expires");
            }
        } finally {
            Objects.requireNonNull(checkpoints).executionEnded(claim.id());
            executions.remove(claim.id());
            inFlight.decrementAndGet();
            claimable.raise();
            finished.raise();
        }
    }

    private void gaveUp(Claim claim, Throwable why) {
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
                if (!recorded) {
                    gaveUp(claim, new FencedException(claim.id(), claim.token(), "its completion"));
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
                    try (PreparedStatement statement = connection.prepareStatement(REQUEUE_EXPIRED);
                         ResultSet rows = statement.executeQuery()) {
                        List<UUID> runs = new ArrayList<>();
                        while (rows.next()) {
                            runs.add(rows.getObject(1, UUID.class));
                            requeued.add(rows.getString(2));
                        }
                        if (!runs.isEmpty()) {
                            LOG.log(Level.INFO, "worker " + name + " re-queued " + runs.size() + " run(s) whose lease"
                                    + " expired: " + runs);
                        }
                    }
                    notify(connection, db.queuedChannel(), requeued);
                    try (PreparedStatement statement = connection.prepareStatement(FORGET_DEAD)) {
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
        held.forEach((run, token) -> {
            if (!token.equals(owned.get(run))) {
                Execution execution = executions.get(run);
                if (execution != null && execution.claim.token() == token && !execution.given && !execution.completing) {
                    LOG.log(Level.WARNING, "worker " + name + " lost the lease of queued run " + run
                            + " (another worker owns it now); stopping it here");
                    execution.cancel();
                }
            }
        });
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
        if (!remaining.isEmpty()) {
            Set<String> queues = new TreeSet<>();
            List<UUID> runs = new ArrayList<>();
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
        remaining.forEach(Execution::cancel);
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
