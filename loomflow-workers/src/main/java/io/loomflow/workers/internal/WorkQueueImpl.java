package io.loomflow.workers.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.loomflow.Flow;
import io.loomflow.ParameterModel;
import io.loomflow.RunCancelledException;
import io.loomflow.spi.ContextPropagator;
import io.loomflow.workers.QueueStats;
import io.loomflow.workers.QueuedRun;
import io.loomflow.workers.QueuedRunFailedException;
import io.loomflow.workers.Submission;
import io.loomflow.workers.WorkQueue;
import io.loomflow.workers.WorkQueueException;
import io.loomflow.workers.WorkerInfo;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * The client of the queue: submissions (one statement: insert, or find the run of the same
 * idempotency key, and {@code NOTIFY} the workers from the same transaction), and the futures of
 * submitted runs, completed by one watcher thread that reads the ended runs among those awaited
 * whenever the completion channel says a run ended, and every {@link #POLL} in any case.
 */
public final class WorkQueueImpl implements WorkQueue {

    private static final System.Logger LOG = System.getLogger("io.loomflow.workers");
    /** How often the watcher looks at every awaited run while it cannot listen for notifications. */
    static final Duration POLL = Duration.ofMillis(500);
    /** How often it looks at every awaited run while listening, in case a notification was lost. */
    static final Duration SWEEP = Duration.ofSeconds(5);
    /** How long a reading of the live workers answers submissions of flows it shows advertised. */
    static final Duration LIVE_WORKERS_FOR = Duration.ofSeconds(1);
    /** The most awaited runs read in one statement. */
    private static final int BATCH = 1_000;

    private static final String SUBMIT = """
            WITH queued AS (
                INSERT INTO lf_queue (id, flow, flow_version, parameters, queue, priority, not_before, idempotency_key,
                    max_recoveries, trace_context, state)
                VALUES (?, ?, ?, ?, ?, ?, COALESCE(?, now()), ?, ?, ?, 'queued')
                ON CONFLICT (idempotency_key) DO NOTHING
                RETURNING id, queue)
            SELECT id, CASE WHEN ? THEN pg_notify(?, queue) END FROM queued""";
    private static final String SAME_KEY = "SELECT id, flow FROM lf_queue WHERE idempotency_key = ?";
    private static final String LIVE_WORKERS = "SELECT name, queues, flows FROM lf_worker WHERE expires > now() AND NOT stopping";
    private static final String ENDED = """
            SELECT id, flow, state, result, result_type, error_type, error_message FROM lf_queue
            WHERE id = ANY (?) AND state IN ('completed', 'failed', 'cancelled')""";

    /** The live workers' rows as last read: name, queues, flows; and when, in {@link System#nanoTime()}. */
    private record LiveWorkers(List<String[]> rows, long readAt) {
    }

    /** A future waiting for a run, with how to turn the run's JSON result into the caller's value. */
    private record Waiter(CompletableFuture<Object> future, BiFunction<String, @Nullable String, @Nullable Object> decoder) {
    }

    private final Database database;
    private final TraceContext traceContext;
    private final Json json = new Json();
    private final Map<UUID, List<Waiter>> waiting = new ConcurrentHashMap<>();
    private final Signal ended = new Signal();
    /** Awaited runs notified as ended, to read soon. */
    private final Set<UUID> toCheck = ConcurrentHashMap.newKeySet();
    /** Set when every awaited run must be read: after a reconnect, or a notification that named no runs. */
    private volatile boolean sweepNow;
    private volatile @Nullable LiveWorkers liveWorkers;
    private final Notifications notifications;
    private final Thread watcher;
    private volatile boolean closed;

    private WorkQueueImpl(Database database, @Nullable ContextPropagator propagator) {
        this.database = database;
        this.traceContext = new TraceContext(propagator, "work queue at " + database.shown());
        this.notifications = new Notifications(database, "work-queue").on(database.endedChannel(), this::notified)
                .start();
        this.watcher = Thread.ofVirtual().name("loomflow-queue-watcher").start(this::watch);
    }

    /**
     * Connects to the queue database, creating or migrating its tables.
     *
     * @param url a PostgreSQL URL
     * @param propagator carries the submitter's context with each run; {@code null} for none
     * @return the open queue
     */
    public static WorkQueueImpl open(String url, @Nullable ContextPropagator propagator) {
        return new WorkQueueImpl(Database.open(url, "loomflow-queue", 10, true), propagator);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <P extends @Nullable Object, R extends @Nullable Object> QueuedRun<R> runAsync(Flow<P, R> flow, P params,
                                                                                         Submission submission) {
        Objects.requireNonNull(flow, "flow must not be null");
        Objects.requireNonNull(submission, "submission must not be null; pass Submission.defaults()");
        ((ParameterModel<P>) ParameterModel.of(flow)).check(params); // refused here, not on a worker later
        String parameters = json.writeParameters(flow, params);
        ClassLoader loader = Objects.requireNonNullElse(Thread.currentThread().getContextClassLoader(),
                WorkQueueImpl.class.getClassLoader());
        return submit(flow.name(), parameters, submission, (result, type) -> typed(result, type, loader));
    }

    @Override
    public <P extends @Nullable Object, R extends @Nullable Object> R run(Flow<P, R> flow, P params, Submission submission) {
        CompletableFuture<R> result = runAsync(flow, params, submission).result();
        try {
            return result.get();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new RunCancelledException("the wait for a queued run of flow '" + flow.name() + "' was interrupted;"
                    + " the run goes on in the queue");
        } catch (ExecutionException failed) {
            if (failed.getCause() instanceof RuntimeException unchecked) {
                throw unchecked;
            }
            throw new WorkQueueException("the queued run of flow '" + flow.name() + "' failed: " + failed.getCause(),
                    failed.getCause(), false);
        }
    }

    @Override
    public QueuedRun<String> runAsync(String flowName, String parametersJson, Submission submission) {
        Objects.requireNonNull(flowName, "flow name must not be null");
        Objects.requireNonNull(submission, "submission must not be null; pass Submission.defaults()");
        String parameters = Objects.requireNonNull(parametersJson,
                "parameters must not be null; pass the JSON text \"null\" for none");
        try {
            json.mapper().readTree(parameters);
        } catch (JsonProcessingException notJson) {
            throw new IllegalArgumentException("the parameters of flow '" + flowName + "' are not JSON ("
                    + notJson.getOriginalMessage() + "): " + abbreviate(parameters) + "; pass one JSON value, such"
                    + " as {\"name\": \"value\"}", notJson);
        }
        return submit(flowName, parameters, submission, (result, type) -> result);
    }

    @Override
    public QueuedRun<String> runAsync(String flowName, Map<String, String> parameters, Submission submission) {
        Objects.requireNonNull(parameters, "parameters must not be null; pass Map.of() for none");
        try {
            return runAsync(flowName, json.mapper().writeValueAsString(parameters), submission);
        } catch (JsonProcessingException impossible) {
            throw new IllegalArgumentException("the parameters of flow '" + flowName + "' cannot be written as JSON",
                    impossible);
        }
    }

    private <R> QueuedRun<R> submit(String flow, String parameters, Submission submission,
                                    BiFunction<String, @Nullable String, @Nullable Object> decoder) {
        requireOpen();
        requireAdvertised(flow, submission);
        String carried = traceContext.inject();
        UUID id = UUID.randomUUID();
        // Awaited before it exists: a worker may end the run before this method returns.
        Waiter waiter = new Waiter(new CompletableFuture<>(), decoder);
        await(id, waiter);
        boolean created;
        boolean inline = database.doorbell().tryInline();
        try (Connection connection = database.connection()) {
            try (PreparedStatement statement = connection.prepareStatement(SUBMIT)) {
                statement.setObject(1, id);
                statement.setString(2, flow);
                statement.setString(3, submission.flowVersion());
                statement.setString(4, parameters);
                statement.setString(5, submission.queue());
                statement.setInt(6, submission.priority());
                statement.setObject(7, submission.notBefore() == null ? null
                        : OffsetDateTime.ofInstant(submission.notBefore(), ZoneOffset.UTC));
                statement.setString(8, submission.idempotencyKey());
                statement.setInt(9, submission.maxRecoveries());
                statement.setString(10, carried);
                statement.setBoolean(11, inline);
                statement.setString(12, database.queuedChannel());
                try (ResultSet rows = statement.executeQuery()) {
                    created = rows.next();
                }
            } finally {
                if (inline) {
                    database.doorbell().inlineDone();
                }
            }
            if (created && !inline) {
                database.doorbell().ring(database.queuedChannel(), submission.queue());
            }
            if (!created) {
                UUID existing = sameKey(connection, flow, Objects.requireNonNull(submission.idempotencyKey()));
                unawait(id, waiter);
                id = existing;
                await(id, waiter);
                toCheck.add(id); // it may have ended long ago
                ended.raise();
            }
        } catch (SQLException failed) {
            unawait(id, waiter);
            throw database.translate(failed, "queue a run of flow '" + flow + "' in");
        } catch (RuntimeException failed) {
            unawait(id, waiter);
            throw failed;
        }
        return new Queued<>(id, created, cast(waiter.future()));
    }

    private void await(UUID id, Waiter waiter) {
        waiting.computeIfAbsent(id, run -> new CopyOnWriteArrayList<>()).add(waiter);
    }

    private void unawait(UUID id, Waiter waiter) {
        waiting.computeIfPresent(id, (run, waiters) -> {
            waiters.remove(waiter);
            return waiters.isEmpty() ? null : waiters;
        });
    }

    /** A notification of the completion channel: the ids of runs that ended; null after a reconnect. */
    private void notified(@Nullable String payload) {
        Set<UUID> named = Doorbell.awaitedIn(payload, waiting.keySet());
        if (named == null) {
            sweepNow = true;
        } else if (named.isEmpty()) {
            return;
        } else {
            toCheck.addAll(named);
        }
        ended.raise();
    }

    private static UUID sameKey(Connection connection, String flow, String key) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(SAME_KEY)) {
            statement.setString(1, key);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    throw new SQLException("the run of idempotency key '" + key + "' vanished", "40001");
                }
                if (!rows.getString(2).equals(flow)) {
                    throw new IllegalArgumentException("idempotency key '" + key + "' was used for a run of flow '"
                            + rows.getString(2) + "' (" + rows.getObject(1, UUID.class) + "), not of flow '" + flow
                            + "'; pass a key of its own for each distinct run");
                }
                return rows.getObject(1, UUID.class);
            }
        }
    }

    /**
     * Refuses a flow that no live worker advertises on the submission's queue, listing those that are.
     * A reading of the live workers younger than {@link #LIVE_WORKERS_FOR} answers for a flow it shows
     * advertised (so a stream of submissions does not read them each time); a refusal is always made
     * on a fresh reading, so a worker that has just started is found.
     */
    private void requireAdvertised(String flow, Submission submission) {
        LiveWorkers recent = liveWorkers;
        if (recent != null && System.nanoTime() - recent.readAt() < LIVE_WORKERS_FOR.toNanos()
                && advertised(recent, flow, submission, null)) {
            return;
        }
        LiveWorkers fresh = readLiveWorkers();
        liveWorkers = fresh;
        TreeSet<String> known = new TreeSet<>();
        if (advertised(fresh, flow, submission, known)) {
            return;
        }
        String wanted = "flow '" + flow + "'" + (submission.flowVersion() == null ? "" : " version "
                + submission.flowVersion()) + " on queue '" + submission.queue() + "'";
        throw new IllegalArgumentException(known.isEmpty()
                ? "no live worker is registered at " + database.shown() + " to run " + wanted + "; start a worker with"
                        + " that flow (Worker.builder().flows(...)) before submitting"
                : "no live worker runs " + wanted + "; the live workers run: " + String.join(", ", known)
                        + ". Check the flow's name and queue, or start a worker that runs it");
    }

    private LiveWorkers readLiveWorkers() {
        List<String[]> rows = new ArrayList<>();
        long readAt = System.nanoTime();
        try (Connection connection = database.connection();
             PreparedStatement statement = connection.prepareStatement(LIVE_WORKERS);
             ResultSet result = statement.executeQuery()) {
            while (result.next()) {
                rows.add(new String[] {result.getString(1), result.getString(2), result.getString(3)});
            }
        } catch (SQLException failed) {
            throw database.translate(failed, "read the workers of");
        }
        return new LiveWorkers(rows, readAt);
    }

    /** Whether a live worker runs the flow on the submission's queue; if not, adds what they run to {@code known}. */
    private static boolean advertised(LiveWorkers live, String flow, Submission submission,
                                      @Nullable TreeSet<String> known) {
        for (String[] row : live.rows()) {
            List<String> queues = Arrays.asList(row[1].split("\n"));
            for (String line : row[2].split("\n")) {
                String[] parts = line.split("\t", -1);
                String version = parts.length > 1 ? parts[1] : "";
                if (parts[0].equals(flow) && queues.contains(submission.queue())
                        && (submission.flowVersion() == null || submission.flowVersion().equals(version))) {
                    return true;
                }
                if (known != null) {
                    for (String queue : queues) {
                        known.add(parts[0] + (version.isEmpty() ? "" : "@" + version) + " (queue " + queue + ")");
                    }
                }
            }
        }
        return false;
    }

    private void watch() {
        int failures = 0;
        long lastSweep = System.nanoTime();
        while (!closed) {
            try {
                ended.await(notifications.listening() ? SWEEP : POLL);
            } catch (InterruptedException interrupted) {
                return;
            }
            if (closed) {
                continue;
            }
            List<UUID> runs;
            long every = (notifications.listening() ? SWEEP : POLL).toNanos();
            if (sweepNow || System.nanoTime() - lastSweep >= every) {
                sweepNow = false;
                lastSweep = System.nanoTime();
                toCheck.clear();
                runs = new ArrayList<>(waiting.keySet());
            } else {
                runs = new ArrayList<>(toCheck);
                runs.forEach(toCheck::remove);
            }
            if (runs.isEmpty()) {
                continue;
            }
            try {
                settle(runs);
                failures = 0;
            } catch (SQLException | RuntimeException failed) {
                // Whatever reading fails with, the watcher goes on: if it ended, no awaited run's future would
                // ever complete.
                toCheck.addAll(runs);
                failures++;
                if (failures == 1) {
                    LOG.log(Level.WARNING, "the work queue cannot read ended runs at " + database.shown() + " ("
                            + Notifications.firstLine(failed) + "); retrying");
                }
            }
        }
    }

    /** Completes the futures of the runs among {@code runs} that ended, reading them {@link #BATCH} at a time. */
    private void settle(List<UUID> runs) throws SQLException {
        try (Connection connection = database.connection();
             PreparedStatement statement = connection.prepareStatement(ENDED)) {
            for (int from = 0; from < runs.size(); from += BATCH) {
                List<UUID> chunk = runs.subList(from, Math.min(runs.size(), from + BATCH));
                statement.setArray(1, connection.createArrayOf("uuid", chunk.toArray()));
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        settle(rows);
                    }
                }
            }
        }
    }

    private void settle(ResultSet rows) throws SQLException {
        UUID id = rows.getObject(1, UUID.class);
        List<Waiter> waiters = waiting.remove(id);
        if (waiters == null) {
            return;
        }
        String state = rows.getString(3);
        String result = rows.getString(4);
        String resultType = rows.getString(5);
        for (Waiter waiter : waiters) {
            if (state.equals("completed")) {
                try {
                    waiter.future().complete(waiter.decoder().apply(result, resultType));
                } catch (RuntimeException unreadable) {
                    waiter.future().completeExceptionally(unreadable);
                }
            } else {
                waiter.future().completeExceptionally(new QueuedRunFailedException(id, rows.getString(2),
                        Objects.requireNonNullElse(rows.getString(6), "cancelled"), rows.getString(7)));
            }
        }
    }

    private @Nullable Object typed(String result, @Nullable String type, ClassLoader loader) {
        try {
            Class<?> target = Object.class;
            if (type != null) {
                try {
                    target = Class.forName(type, false, loader);
                } catch (ClassNotFoundException unknown) {
                    target = Object.class; // read as plain JSON values
                }
            }
            return json.mapper().readValue(result, target);
        } catch (JsonProcessingException unreadable) {
            throw new WorkQueueException("the result of a queued run cannot be read as " + type + " ("
                    + unreadable.getOriginalMessage() + ")", unreadable, false);
        }
    }

    @Override
    public List<WorkerInfo> workers() {
        requireOpen();
        List<WorkerInfo> workers = new ArrayList<>();
        try (Connection connection = database.connection();
             PreparedStatement statement = connection.prepareStatement("""
                     SELECT id, name, host, pid, queues, flows, concurrency, started, heartbeat, in_flight, stopping,
                         expires > now() AS alive
                     FROM lf_worker ORDER BY alive DESC, name, id""");
             ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                List<String> flows = new ArrayList<>();
                for (String line : rows.getString(6).split("\n")) {
                    String[] parts = line.split("\t", -1);
                    flows.add(parts.length > 1 && !parts[1].isEmpty() ? parts[0] + "@" + parts[1] : parts[0]);
                }
                workers.add(new WorkerInfo(rows.getObject(1, UUID.class), rows.getString(2), rows.getString(3),
                        rows.getLong(4), List.of(rows.getString(5).split("\n")), flows, rows.getInt(7),
                        rows.getObject(8, OffsetDateTime.class).toInstant(),
                        rows.getObject(9, OffsetDateTime.class).toInstant(), rows.getInt(10), rows.getBoolean(11),
                        rows.getBoolean(12)));
            }
        } catch (SQLException failed) {
            throw database.translate(failed, "list the workers of");
        }
        return workers;
    }

    @Override
    public List<QueueStats> queues() {
        requireOpen();
        List<QueueStats> queues = new ArrayList<>();
        try (Connection connection = database.connection();
             PreparedStatement statement = connection.prepareStatement("""
                     SELECT queue, COUNT(*) FILTER (WHERE state = 'queued'), COUNT(*) FILTER (WHERE state = 'running'),
                         COALESCE(EXTRACT(EPOCH FROM now() - MIN(not_before)
                             FILTER (WHERE state = 'queued' AND not_before <= now())) * 1000000, 0)::bigint
                     FROM lf_queue WHERE state IN ('queued', 'running') GROUP BY queue ORDER BY queue""");
             ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                queues.add(new QueueStats(rows.getString(1), rows.getLong(2), rows.getLong(3),
                        Duration.ofNanos(Math.max(0, rows.getLong(4)) * 1000)));
            }
        } catch (SQLException failed) {
            throw database.translate(failed, "count the runs of");
        }
        return queues;
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the work queue at " + database.shown() + " is closed; connect again");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ended.raise();
        try {
            watcher.join(Duration.ofSeconds(10));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        notifications.close();
        waiting.forEach((id, waiters) -> waiters.forEach(waiter -> waiter.future().completeExceptionally(
                new WorkQueueException("the work queue was closed before queued run " + id + " ended; the run goes on,"
                        + " connect again to wait for it", null, false))));
        waiting.clear();
        database.close();
    }

    @Override
    public String toString() {
        return "work queue at " + database.shown();
    }

    private static String abbreviate(String text) {
        return text.length() <= 100 ? text : text.substring(0, 100) + "...";
    }

    @SuppressWarnings("unchecked")
    private static <R> CompletableFuture<R> cast(CompletableFuture<Object> future) {
        return (CompletableFuture<R>) (CompletableFuture<?>) future;
    }

    /** A submitted run. */
    private record Queued<R extends @Nullable Object>(UUID id, boolean created, CompletableFuture<R> result)
            implements QueuedRun<R> {
    }
}
