package io.loomflow.workers.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jspecify.annotations.Nullable;

/**
 * A worker's guarded completions, written together: one virtual thread takes every completion
 * waiting when it wakes (at most {@link #BATCH}) and records them in one statement, the way a
 * database groups commits. An idle worker's completion goes alone, at once; a busy worker's share a
 * transaction, which is what kept completions from costing a commit each.
 *
 * <p>Each completion is accepted only while the run is still this claim's ({@code id}, fencing
 * token, {@code running}); the run's checkpoints go with it, and the clients are notified through the
 * {@link Doorbell}: inside the statement when no notification is in flight, otherwise rung after the
 * commit. Thread-safe.
 */
final class Completions implements AutoCloseable {

    /** The most completions in one statement; their ids fit one notification's payload. */
    static final int BATCH = Doorbell.MOST_PAYLOAD / 37;

    private static final String COMPLETE = """
            WITH input AS (
                SELECT * FROM unnest(?::uuid[], ?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
                    AS i(id, token, state, result, result_type, error_type, error_message)),
            ended AS (
                UPDATE lf_queue q SET state = i.state, result = i.result, result_type = i.result_type,
                    error_type = i.error_type, error_message = i.error_message, ended = now(), lease_until = NULL
                FROM input i
                WHERE q.id = i.id AND q.token = i.token AND q.state = 'running'
                RETURNING q.id),
            forgotten AS (DELETE FROM lf_checkpoint WHERE run_id IN (SELECT id FROM ended)),
            notified AS (SELECT pg_notify(?, string_agg(id::text, ',')) FROM ended WHERE ? HAVING count(*) > 0)
            SELECT id, (SELECT count(*) FROM notified) FROM ended""";

    /** How a run ended, to record. */
    record End(UUID id, long token, String state, @Nullable String result, @Nullable String resultType,
               @Nullable String errorType, @Nullable String errorMessage) {
    }

    private record Pending(End end, CompletableFuture<Boolean> recorded) {
    }

    private final Database database;
    private final ConcurrentLinkedQueue<Pending> pending = new ConcurrentLinkedQueue<>();
    private final Signal added = new Signal();
    private final Thread writer;
    private volatile boolean closed;

    Completions(Database database, String owner) {
        this.database = database;
        this.writer = Thread.ofVirtual().name("loomflow-complete-" + owner).start(this::writeLoop);
    }

    /**
     * Records how a run ended, with the completions waiting beside it; blocks until written.
     *
     * @return whether the run was still this claim's, so that its end was recorded
     * @throws SQLException if the statement failed (the caller decides whether to try again)
     */
    boolean record(End end) throws SQLException {
        if (closed) {
            throw new SQLException("the worker's completions are closed", "57P01");
        }
        Pending waiting = new Pending(end, new CompletableFuture<>());
        pending.add(waiting);
        if (closed && pending.remove(waiting)) { // the writer may have stopped before it was added
            throw new SQLException("the worker's completions are closed", "57P01");
        }
        added.raise();
        try {
            return waiting.recorded().join();
        } catch (CompletionException failed) {
            if (failed.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw failed;
        }
    }

    private void writeLoop() {
        while (!closed || !pending.isEmpty()) {
            List<Pending> batch = new ArrayList<>();
            for (Pending next; batch.size() < BATCH && (next = pending.poll()) != null; ) {
                batch.add(next);
            }
            if (batch.isEmpty()) {
                try {
                    added.await(Duration.ofSeconds(1));
                } catch (InterruptedException interrupted) {
                    break;
                }
                continue;
            }
            try {
                Set<UUID> recorded = write(batch);
                batch.forEach(each -> each.recorded().complete(recorded.contains(each.end().id())));
            } catch (SQLException | RuntimeException failed) {
                batch.forEach(each -> each.recorded().completeExceptionally(failed));
            }
        }
        SQLException gone = new SQLException("the worker's completions are closed", "57P01");
        for (Pending left; (left = pending.poll()) != null; ) {
            left.recorded().completeExceptionally(gone);
        }
    }

    private Set<UUID> write(List<Pending> batch) throws SQLException {
        int size = batch.size();
        Object[] ids = new Object[size];
        Object[] tokens = new Object[size];
        Object[] states = new Object[size];
        Object[] results = new Object[size];
        Object[] resultTypes = new Object[size];
        Object[] errorTypes = new Object[size];
        Object[] errorMessages = new Object[size];
        for (int i = 0; i < size; i++) {
            End end = batch.get(i).end();
            ids[i] = end.id();
            tokens[i] = end.token();
            states[i] = end.state();
            results[i] = end.result();
            resultTypes[i] = end.resultType();
            errorTypes[i] = end.errorType();
            errorMessages[i] = end.errorMessage();
        }
        Set<UUID> recorded = new HashSet<>();
        Doorbell doorbell = database.doorbell();
        boolean inline = doorbell.tryInline();
        try (Connection connection = database.connection();
             PreparedStatement statement = connection.prepareStatement(COMPLETE)) {
            statement.setArray(1, connection.createArrayOf("uuid", ids));
            statement.setArray(2, connection.createArrayOf("bigint", tokens));
            statement.setArray(3, connection.createArrayOf("text", states));
            statement.setArray(4, connection.createArrayOf("text", results));
            statement.setArray(5, connection.createArrayOf("text", resultTypes));
            statement.setArray(6, connection.createArrayOf("text", errorTypes));
            statement.setArray(7, connection.createArrayOf("text", errorMessages));
            statement.setString(8, database.endedChannel());
            statement.setBoolean(9, inline);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    recorded.add(rows.getObject(1, UUID.class));
                }
            }
        } finally {
            if (inline) {
                doorbell.inlineDone();
            }
        }
        if (!inline) {
            recorded.forEach(id -> doorbell.ring(database.endedChannel(), id.toString()));
        }
        return recorded;
    }

    /** Writes what is waiting, then stops. */
    @Override
    public void close() {
        closed = true;
        added.raise();
        try {
            writer.join(Duration.ofSeconds(10));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
