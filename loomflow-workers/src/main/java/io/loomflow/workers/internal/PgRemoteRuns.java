package io.loomflow.workers.internal;

import io.loomflow.spi.RemoteRuns;
import io.loomflow.store.ResultCodec;
import io.loomflow.workers.QueuedRunFailedException;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The items of distributed maps as {@code lf_queue} rows of kind {@code task}, for a worker's
 * engine: submitted in batches, awaited through the completion channel with a poll as the
 * fallback, and cancelled in batches.
 *
 * <p><b>Submitting.</b> Items' threads only add their request to a queue and get a future; one
 * virtual thread writes up to {@link #BATCH} requests in one statement ({@code INSERT ... SELECT
 * FROM unnest(arrays) ON CONFLICT (idempotency_key) DO NOTHING}), reads back the ids of the rows
 * that existed already under the same keys (a parent executed again re-attaches to them), and
 * notifies the workers' channel once per queue, in one transaction. So 100,000 items cost about
 * 100 transactions, not 100,000.
 *
 * <p><b>Waiting.</b> One virtual thread reads the ended rows among those awaited: those named by the
 * completion channel's notifications as they come (in batches), every awaited row every
 * {@link #POLL} in case a notification was lost, and the rows just submitted (which may have ended
 * already). A completed row's result is decoded with {@link ResultCodec#json()} and the task's
 * class loader; a failed one completes the future with {@link QueuedRunFailedException}.
 *
 * <p><b>Cancelling.</b> A cancelled future queues its row for cancellation: rows still queued or
 * running are set {@code cancelled} (a running one's worker sees at its next heartbeat that it no
 * longer holds it and stops it; its completion is refused), but only while the parent row is
 * running and owned by this worker, or has ended (the cancel is written after the parent's code
 * went on, and its children would otherwise be orphans). A parent handed back or lost keeps its
 * children, so that its next execution re-attaches to them.
 *
 * <p>Thread-safe. {@link #close()} ends both threads; futures still waiting are left incomplete (the
 * engine has cancelled their items by then).
 */
final class PgRemoteRuns implements RemoteRuns, AutoCloseable {

    private static final System.Logger LOG = System.getLogger("io.loomflow.workers");
    /** The most requests written, or rows read or cancelled, in one statement. */
    static final int BATCH = 1000;
    /** How often every awaited row is looked at, whatever the notifications said. */
    static final long POLL = 1000;

    private static final String SUBMIT = """
            WITH input AS (
                SELECT * FROM unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::uuid[], ?::text[])
                    AS t(id, task, parameters, queue, idempotency_key, parent, trace_context)),
            inserted AS (
                INSERT INTO lf_queue (id, kind, flow, parameters, queue, not_before, idempotency_key, state, parent,
                    trace_context)
                SELECT id, 'task', task, parameters, queue, now(), idempotency_key, 'queued', parent, trace_context
                FROM input
                ON CONFLICT (idempotency_key) DO NOTHING
                RETURNING id, idempotency_key)
            SELECT input.idempotency_key, COALESCE(inserted.id, existing.id) FROM input
            LEFT JOIN inserted ON inserted.idempotency_key = input.idempotency_key
            LEFT JOIN lf_queue existing ON existing.idempotency_key = input.idempotency_key""";
    private static final String SAME_KEYS = "SELECT idempotency_key, id FROM lf_queue WHERE idempotency_key = ANY (?)";
    private static final String NOTIFY = "SELECT pg_notify(?, queue) FROM unnest(?::text[]) AS q(queue)";
    private static final String ENDED = """
            SELECT id, flow, state, result, error_type, error_message FROM lf_queue
            WHERE id = ANY (?) AND state IN ('completed', 'failed', 'cancelled')""";
    private static final String CANCEL = """
            UPDATE lf_queue c SET state = 'cancelled', ended = now(), lease_until = NULL, token = c.token + 1
            WHERE c.id = ANY (?) AND c.state IN ('queued', 'running')
              AND EXISTS (SELECT 1 FROM lf_queue p WHERE p.id = c.parent
                  AND (p.state IN ('completed', 'failed', 'cancelled') OR (p.state = 'running' AND p.owner = ?)))""";

    /** An item submitted or about to be: its request, its future, and its row once known. */
    private static final class Pending {
        final Request request;
        final String key;
        /** The context current in the item's run when it was submitted, to carry to its worker; null for none. */
        final @Nullable String traceContext;
        final CompletableFuture<Object> future = new CompletableFuture<>();
        volatile @Nullable UUID row;

        Pending(Request request, @Nullable String traceContext) {
            this.request = request;
            this.key = PgCheckpoints.stored(request.idempotencyKey());
            this.traceContext = traceContext;
        }
    }

    private final Database database;
    private final UUID owner;
    private final String name;
    private final ResultCodec codec = ResultCodec.json();
    private final TraceContext traceContext;
    private final ConcurrentLinkedQueue<Pending> toSubmit = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Pending> toCancel = new ConcurrentLinkedQueue<>();
    private final Map<UUID, Pending> waiting = new ConcurrentHashMap<>();
    /** Rows to look at soon: notified as ended, or just submitted. */
    private final Set<UUID> toCheck = ConcurrentHashMap.newKeySet();
    private final Signal submitted = new Signal();
    private final Signal ended = new Signal();
    private final Thread submitter;
    private final Thread watcher;
    private volatile boolean closed;

    /**
     * @param owner the worker whose engine submits: children are cancelled only while it owns their parent
     * @param notifications the worker's listener, not yet started, to follow the completion channel on;
     *     {@code null} to poll only
     * @param traceContext what carries the items' context to the workers that run them
     */
    PgRemoteRuns(Database database, UUID owner, String name, @Nullable Notifications notifications,
                 TraceContext traceContext) {
        this.database = database;
        this.traceContext = traceContext;
        this.owner = owner;
        this.name = name;
        if (notifications != null) {
            notifications.on(database.endedChannel(), this::notified);
        }
        this.submitter = Thread.ofVirtual().name("loomflow-remote-submit-" + name).start(this::submitLoop);
        this.watcher = Thread.ofVirtual().name("loomflow-remote-watch-" + name).start(this::watchLoop);
    }

    @Override
    public CompletableFuture<Object> submit(Request request) {
        Pending pending = new Pending(request, traceContext.inject()); // on the item's thread, inside its run
        if (closed) {
            pending.future.completeExceptionally(new IllegalStateException("worker " + name + " is closing; the"
                    + " item of task '" + request.task() + "' was not submitted"));
            return pending.future;
        }
        pending.future.whenComplete((value, failure) -> {
            if (failure instanceof CancellationException) {
                toCancel.add(pending);
                submitted.raise();
            }
        });
        toSubmit.add(pending);
        submitted.raise();
        return pending.future;
    }

    /** A notification of the completion channel: its payload is the ids of rows that ended; null after a reconnect. */
    private void notified(@Nullable String payload) {
        Set<UUID> named = Doorbell.awaitedIn(payload, waiting.keySet());
        if (named == null) {
            toCheck.addAll(waiting.keySet());
        } else if (named.isEmpty()) {
            return;
        } else {
            toCheck.addAll(named);
        }
        ended.raise();
    }

    // ---- submitting and cancelling ----

    private void submitLoop() {
        int failures = 0;
        while (!closed) {
            try {
                if (toSubmit.isEmpty() && toCancel.isEmpty()) {
                    submitted.await(java.time.Duration.ofMillis(POLL));
                    continue;
                }
                cancelBatch();
                submitBatch();
                failures = 0;
            } catch (InterruptedException interrupted) {
                return;
            } catch (SQLException failed) {
                failures++;
                if (failures == 1) {
                    LOG.log(Level.WARNING, "worker " + name + ": cannot submit or cancel the items of distributed maps"
                            + " at " + database.shown() + " (" + Notifications.firstLine(failed) + "); retrying");
                }
                try {
                    TimeUnit.MILLISECONDS.sleep(Backoff.DATABASE.after(failures).toMillis());
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private void submitBatch() throws SQLException {
        List<Pending> batch = new ArrayList<>();
        for (Pending next : toSubmit) {
            if (batch.size() == BATCH) {
                break;
            }
            batch.add(next);
        }
        List<Pending> live = batch.stream().filter(pending -> !pending.future.isDone()).toList();
        if (!live.isEmpty()) {
            write(live);
        }
        batch.forEach(toSubmit::remove);
    }

    /** Inserts the rows of a batch (or finds those of the same keys) and notifies the workers, in one transaction. */
    private void write(List<Pending> batch) throws SQLException {
        Map<String, Pending> byKey = new HashMap<>();
        List<Pending> unwritable = new ArrayList<>();
        List<Object> ids = new ArrayList<>();
        List<String> tasks = new ArrayList<>();
        List<String> parameters = new ArrayList<>();
        List<String> queues = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<Object> parents = new ArrayList<>();
        List<@Nullable String> contexts = new ArrayList<>();
        for (Pending pending : batch) {
            Request request = pending.request;
            String input;
            try {
                input = codec.encode(request.input());
            } catch (IllegalArgumentException failed) {
                pending.future.completeExceptionally(new IllegalArgumentException("the input of an item of task '"
                        + request.task() + "' (" + (request.input() == null ? "null" : request.input().getClass()
                        .getName()) + ") cannot be queued: " + failed.getMessage() + "; a worker in another JVM reads"
                        + " it from JSON, so pass records of plain values", failed));
                unwritable.add(pending);
                continue;
            }
            byKey.put(pending.key, pending);
            ids.add(UUID.randomUUID());
            tasks.add(request.task());
            parameters.add(input);
            queues.add(request.queue());
            keys.add(pending.key);
            parents.add(request.scope());
            contexts.add(pending.traceContext);
        }
        if (byKey.isEmpty()) {
            return;
        }
        Map<String, UUID> found = new HashMap<>();
        try (Connection connection = database.connection()) {
            connection.setAutoCommit(false);
            try {
                try (PreparedStatement statement = connection.prepareStatement(SUBMIT)) {
                    statement.setArray(1, connection.createArrayOf("uuid", ids.toArray()));
                    statement.setArray(2, connection.createArrayOf("text", tasks.toArray()));
                    statement.setArray(3, connection.createArrayOf("text", parameters.toArray()));
                    statement.setArray(4, connection.createArrayOf("text", queues.toArray()));
                    statement.setArray(5, connection.createArrayOf("text", keys.toArray()));
                    statement.setArray(6, connection.createArrayOf("uuid", parents.toArray()));
                    statement.setArray(7, connection.createArrayOf("text", contexts.toArray()));
                    read(statement, found);
                }
                List<String> missing = keys.stream().filter(key -> found.get(key) == null).toList();
                if (!missing.isEmpty()) { // inserted meanwhile by another transaction, committed after our snapshot
                    try (PreparedStatement statement = connection.prepareStatement(SAME_KEYS)) {
                        statement.setArray(1, connection.createArrayOf("text", missing.toArray()));
                        read(statement, found);
                    }
                }
                try (PreparedStatement statement = connection.prepareStatement(NOTIFY)) {
                    statement.setString(1, database.queuedChannel());
                    statement.setArray(2, connection.createArrayOf("text", new LinkedHashSet<>(queues).toArray()));
                    statement.executeQuery().close();
                }
                connection.commit();
            } catch (SQLException | RuntimeException failed) {
                connection.rollback();
                throw failed;
            }
        }
        byKey.forEach((key, pending) -> {
            UUID row = found.get(key);
            if (row == null) {
                pending.future.completeExceptionally(new IllegalStateException("the queued run of key '" + key
                        + "' was neither inserted nor found; this is a Loomflow bug, please report it"));
                return;
            }
            pending.row = row;
            waiting.put(row, pending);
            toCheck.add(row);
            if (pending.future.isCancelled()) {
                toCancel.add(pending);
            }
        });
        ended.raise();
    }

    private static void read(PreparedStatement statement, Map<String, UUID> found) throws SQLException {
        try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                UUID id = rows.getObject(2, UUID.class);
                if (id != null) {
                    found.put(rows.getString(1), id);
                }
            }
        }
    }

    private void cancelBatch() throws SQLException {
        List<Pending> batch = new ArrayList<>();
        Pending next;
        while (batch.size() < BATCH && (next = toCancel.poll()) != null) {
            batch.add(next);
        }
        List<UUID> rows = new ArrayList<>();
        for (Pending pending : batch) {
            UUID row = pending.row;
            if (row != null) { // else not written yet: write() cancels it once it has its row
                rows.add(row);
                waiting.remove(row);
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        try (Connection connection = database.connection();
             PreparedStatement statement = connection.prepareStatement(CANCEL)) {
            statement.setArray(1, connection.createArrayOf("uuid", rows.toArray()));
            statement.setObject(2, owner);
            int cancelled = statement.executeUpdate();
            LOG.log(Level.DEBUG, () -> "worker " + name + " cancelled " + cancelled + " of " + rows.size()
                    + " queued child run(s)");
        }
    }

    // ---- waiting ----

    private void watchLoop() {
        long lastPoll = System.nanoTime();
        int failures = 0;
        while (!closed) {
            try {
                ended.await(java.time.Duration.ofMillis(POLL));
            } catch (InterruptedException interrupted) {
                return;
            }
            Set<UUID> rows = new HashSet<>();
            if (System.nanoTime() - lastPoll >= TimeUnit.MILLISECONDS.toNanos(POLL)) {
                rows.addAll(waiting.keySet());
                lastPoll = System.nanoTime();
            }
            for (UUID row : toCheck) {
                toCheck.remove(row);
                rows.add(row);
            }
            if (rows.isEmpty()) {
                continue;
            }
            try {
                settle(new ArrayList<>(rows));
                failures = 0;
            } catch (SQLException failed) {
                toCheck.addAll(rows);
                failures++;
                if (failures == 1) {
                    LOG.log(Level.WARNING, "worker " + name + ": cannot read the ended child runs of distributed maps"
                            + " at " + database.shown() + " (" + Notifications.firstLine(failed) + "); retrying");
                }
            }
        }
    }

    /** Completes the futures of the rows among {@code rows} that ended, reading them {@link #BATCH} at a time. */
    private void settle(List<UUID> rows) throws SQLException {
        try (Connection connection = database.connection();
             PreparedStatement statement = connection.prepareStatement(ENDED)) {
            for (int from = 0; from < rows.size(); from += BATCH) {
                List<UUID> chunk = rows.subList(from, Math.min(rows.size(), from + BATCH));
                statement.setArray(1, connection.createArrayOf("uuid", chunk.toArray()));
                try (ResultSet ended = statement.executeQuery()) {
                    while (ended.next()) {
                        UUID id = ended.getObject(1, UUID.class);
                        Pending pending = waiting.remove(id);
                        if (pending != null) {
                            complete(pending, id, ended.getString(2), ended.getString(3), ended.getString(4),
                                    ended.getString(5), ended.getString(6));
                        }
                    }
                }
            }
        }
    }

    private void complete(Pending pending, UUID id, String task, String state, @Nullable String result,
                          @Nullable String errorType, @Nullable String errorMessage) {
        switch (state) {
            case "completed" -> {
                try {
                    pending.future.complete(result == null ? null : codec.decode(result, pending.request.loader()));
                } catch (IllegalArgumentException unreadable) {
                    pending.future.completeExceptionally(new IllegalStateException("the result of queued run " + id
                            + " of task '" + task + "' cannot be read back (" + unreadable.getMessage() + "); was the"
                            + " task's result type changed since?", unreadable));
                }
            }
            case "cancelled" -> pending.future.completeExceptionally(new CancellationException("queued run " + id
                    + " of task '" + task + "' was cancelled"));
            default -> pending.future.completeExceptionally(new QueuedRunFailedException(id, task,
                    errorType == null ? "an unknown error" : errorType, errorMessage));
        }
    }

    @Override
    public void close() {
        closed = true;
        submitted.raise();
        ended.raise();
        try {
            submitter.join(java.time.Duration.ofSeconds(10));
            watcher.join(java.time.Duration.ofSeconds(10));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "PgRemoteRuns[" + name + "]";
    }
}
