package io.loomflow.workers.internal;

import io.loomflow.workers.WorkQueueException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Queues with a cluster-wide maximum of runs in flight ({@code lf_queue_limit}), and the part of
 * the claim that takes runs from them without exceeding it.
 *
 * <p>How: the claim of a limited queue runs in a transaction that first takes a transaction-scoped
 * advisory lock of the queue ({@code pg_advisory_xact_lock}), then counts the queue's running runs
 * and claims at most the difference in one statement; the lock serialises the claims of that queue
 * across workers, and each statement of a {@code READ COMMITTED} transaction sees what the claims
 * before it committed. The claim of the other queues is the worker's usual single statement, which
 * skips every queue that has a row in {@code lf_queue_limit}; so a worker that has not yet learnt
 * of a new limit leaves that queue alone rather than exceed it. Which of its queues are limited a
 * worker reads again every {@code refresh}.
 *
 * <p>Thread-safety: used by the worker's claim loop only (one thread); not thread-safe.
 */
final class QueueLimits {

    private static final String DECLARE = """
            INSERT INTO lf_queue_limit (queue, max_running) VALUES (?, ?) ON CONFLICT (queue) DO NOTHING""";
    private static final String MAXIMUM = "SELECT max_running FROM lf_queue_limit WHERE queue = ?";
    private static final String LIMITED = "SELECT queue FROM lf_queue_limit WHERE queue = ANY (?)";
    private static final String LOCK = "SELECT pg_advisory_xact_lock(hashtext('lf_queue_limit:' || current_schema()), hashtext(?))";
    /** The worker's claim, for one limited queue, with at most its free places. */
    private static final String CLAIM = """
            UPDATE lf_queue q SET state = 'running', owner = ?, token = q.token + 1,
                lease_until = now() + ? * INTERVAL '1 millisecond', attempts = q.attempts + 1,
                started = COALESCE(q.started, now())
            FROM (SELECT id FROM lf_queue
                  WHERE state = 'queued' AND queue = ?
                    AND ((kind = 'flow' AND flow = ANY (?)) OR (kind = 'task' AND flow = ANY (?)))
                    AND (flow_version IS NULL OR flow_version = ?) AND not_before <= now()
                  ORDER BY priority DESC, not_before, created
                  LIMIT LEAST(?, GREATEST(0, (SELECT max_running FROM lf_queue_limit WHERE queue = ?)
                      - (SELECT count(*) FROM lf_queue WHERE queue = ? AND state = 'running')))
                  FOR UPDATE SKIP LOCKED) c
            WHERE q.id = c.id
            RETURNING q.id, q.flow, q.parameters, q.token, q.attempts, q.priority, q.not_before, q.created, q.kind,
                q.trace_context""";

    /** Reads one claimed row. */
    @FunctionalInterface
    interface RowReader {
        void read(ResultSet row) throws SQLException;
    }

    private final List<String> queues;
    private final Duration refresh;
    private final InstantSource clock;
    private Set<String> limited = Set.of();
    private Instant nextRefresh = Instant.MIN;

    /**
     * @param queues the worker's queues
     * @param refresh how often to read again which of them are limited
     * @param clock the JVM's clock, for that alone
     */
    QueueLimits(List<String> queues, Duration refresh, InstantSource clock) {
        this.queues = List.copyOf(queues);
        this.refresh = refresh;
        this.clock = clock;
    }

    /**
     * Records the worker's queue limits, refusing one recorded with another maximum.
     *
     * @throws WorkQueueException naming both maximums, or when the database fails
     */
    static void declare(Database database, String worker, Map<String, Integer> maximums) {
        try (Connection connection = database.connection()) {
            for (Map.Entry<String, Integer> limit : new TreeMap<>(maximums).entrySet()) {
                try (PreparedStatement statement = connection.prepareStatement(DECLARE)) {
                    statement.setString(1, limit.getKey());
                    statement.setInt(2, limit.getValue());
                    statement.executeUpdate();
                }
                try (PreparedStatement statement = connection.prepareStatement(MAXIMUM)) {
                    statement.setString(1, limit.getKey());
                    try (ResultSet rows = statement.executeQuery()) {
                        rows.next();
                        int recorded = rows.getInt(1);
                        if (recorded != limit.getValue()) {
                            throw new WorkQueueException("queue '" + limit.getKey() + "' allows " + recorded
                                    + " runs in flight at " + database.shown() + ", but worker " + worker
                                    + " declares " + limit.getValue() + "; give every worker of the queue the same"
                                    + " maximum, or, to change it, update max_running in lf_queue_limit", null, false);
                        }
                    }
                }
            }
        } catch (SQLException failed) {
            throw database.translate(failed, "declare the queue limits " + new TreeMap<>(maximums) + " of");
        }
    }

    /** Which of the worker's queues are limited, read again when the last reading is older than the refresh. */
    Set<String> limited(Connection connection) throws SQLException {
        Instant now = clock.instant();
        if (now.isBefore(nextRefresh)) {
            return limited;
        }
        Set<String> found = new TreeSet<>();
        try (PreparedStatement statement = connection.prepareStatement(LIMITED)) {
            statement.setArray(1, connection.createArrayOf("text", queues.toArray()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    found.add(rows.getString(1));
                }
            }
        }
        limited = Set.copyOf(found);
        nextRefresh = now.plus(refresh);
        return limited;
    }

    /**
     * Claims up to {@code most} runs from the limited queues, each within its maximum, in one
     * transaction on {@code connection} (committed, or rolled back on failure).
     *
     * @return how many runs were claimed
     */
    int claim(Connection connection, Set<String> limitedQueues, UUID worker, long leaseMillis, String[] flows,
              String[] tasks, String version, int most, RowReader reader) throws SQLException {
        int claimed = 0;
        connection.setAutoCommit(false);
        try {
            for (String queue : new TreeSet<>(limitedQueues)) { // one lock order for every worker
                if (claimed >= most) {
                    break;
                }
                try (PreparedStatement statement = connection.prepareStatement(LOCK)) {
                    statement.setString(1, queue);
                    statement.executeQuery().close();
                }
                try (PreparedStatement statement = connection.prepareStatement(CLAIM)) {
                    statement.setObject(1, worker);
                    statement.setLong(2, leaseMillis);
                    statement.setString(3, queue);
                    statement.setArray(4, connection.createArrayOf("text", flows));
                    statement.setArray(5, connection.createArrayOf("text", tasks));
                    statement.setString(6, version);
                    statement.setInt(7, most - claimed);
                    statement.setString(8, queue);
                    statement.setString(9, queue);
                    try (ResultSet rows = statement.executeQuery()) {
                        while (rows.next()) {
                            reader.read(rows);
                            claimed++;
                        }
                    }
                }
            }
            connection.commit();
            return claimed;
        } catch (SQLException | RuntimeException failed) {
            connection.rollback();
            throw failed;
        } finally {
            connection.setAutoCommit(true);
        }
    }
}
