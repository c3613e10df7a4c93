package io.loomflow.workers.reliability;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The tables in which the reliability flow's tasks record what they did, in the queue's own
 * schema, and the queries that check them.
 *
 * <ul>
 *   <li>{@code rel_execution}: one row each time a task's body starts (no key): how often each task
 *       of each run was executed, by which process, when;</li>
 *   <li>{@code rel_effect}: the task's effect, written once under the task's
 *       {@link io.loomflow.RunContext#idempotencyKey() idempotency key} ({@code ON CONFLICT DO
 *       NOTHING}); {@code UNIQUE (run_id, task)} besides, so that a key that changed between two
 *       executions of one task would fail the task instead of writing a second effect;</li>
 *   <li>{@code rel_conflict}: one row each time an execution found its effect already written (it
 *       ran again after a kill, or late after a take-over).</li>
 * </ul>
 *
 * <p>Thread-safe (a small connection pool); {@link #close()} releases it.
 */
public final class Ledger implements AutoCloseable {

    /** One execution of one task. */
    public record Execution(long pid, Instant at) {
    }

    /** A task of a run that was executed more than once, with every execution in order. */
    public record Repeated(UUID run, int task, List<Execution> executions) {
    }

    private final HikariDataSource pool;

    private Ledger(HikariDataSource pool) {
        this.pool = pool;
    }

    /**
     * Opens a pool on the queue's database.
     *
     * @param url the PostgreSQL URL, with its schema
     * @param connections the pool's size
     * @return the ledger
     */
    public static Ledger open(String url, int connections) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setPoolName("reliability-ledger");
        config.setMaximumPoolSize(connections);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(5_000);
        // Started while the database may be down (a restarted worker): connect on first use.
        config.setInitializationFailTimeout(-1);
        return new Ledger(new HikariDataSource(config));
    }

    /**
     * Creates the tables, before any worker starts.
     *
     * @throws SQLException if the database refuses
     */
    public void create() throws SQLException {
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("""
                    CREATE TABLE IF NOT EXISTS rel_execution (run_id uuid NOT NULL, task int NOT NULL,
                        pid bigint NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())""");
            statement.execute("""
                    CREATE TABLE IF NOT EXISTS rel_effect (idempotency_key text PRIMARY KEY, run_id uuid NOT NULL,
                        task int NOT NULL, pid bigint NOT NULL, UNIQUE (run_id, task))""");
            statement.execute("""
                    CREATE TABLE IF NOT EXISTS rel_inside (id bigserial PRIMARY KEY, pid bigint NOT NULL,
                        entered timestamptz NOT NULL DEFAULT clock_timestamp(), left_at timestamptz)""");
            statement.execute("""
                    CREATE TABLE IF NOT EXISTS rel_conflict (idempotency_key text NOT NULL, run_id uuid NOT NULL,
                        task int NOT NULL, pid bigint NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())""");
        }
    }

    /**
     * Records that a task entered the part of its body that holds the shared limit.
     *
     * @param pid this process
     * @return the stay's id, for {@link #leave}
     * @throws SQLException if the database refuses
     */
    long enter(long pid) throws SQLException {
        try (Connection connection = pool.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "INSERT INTO rel_inside (pid) VALUES (?) RETURNING id")) {
            statement.setLong(1, pid);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /**
     * Records that a task left the part of its body that holds the shared limit.
     *
     * @param stay the id {@link #enter} returned
     * @throws SQLException if the database refuses
     */
    void leave(long stay) throws SQLException {
        try (Connection connection = pool.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "UPDATE rel_inside SET left_at = clock_timestamp() WHERE id = ?")) {
            statement.setLong(1, stay);
            statement.executeUpdate();
        }
    }

    /**
     * The most tasks inside the shared limit at once, from their stays: a stay of a killed process
     * that never left ends at its process's kill.
     *
     * @param killedAt when each killed process was killed, by pid, on the database's clock
     * @return the most at once, 0 if none entered
     * @throws SQLException if the database refuses
     */
    public int mostInside(Map<Long, Instant> killedAt) throws SQLException {
        List<long[]> edges = new ArrayList<>(); // {time in micros, +1 or -1}
        try (Connection connection = pool.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT pid, entered, left_at FROM rel_inside")) {
            while (rows.next()) {
                long pid = rows.getLong(1);
                Instant entered = rows.getObject(2, OffsetDateTime.class).toInstant();
                OffsetDateTime left = rows.getObject(3, OffsetDateTime.class);
                Instant end = left != null ? left.toInstant() : killedAt.get(pid);
                if (end == null) {
                    throw new IllegalStateException("a task of process " + pid + ", which was not killed, never left the"
                            + " limit");
                }
                edges.add(new long[] {micros(entered), 1});
                edges.add(new long[] {micros(end), -1});
            }
        }
        // At equal times a leave goes first: a permit given back and taken in the same microsecond is not two at once.
        edges.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int inside = 0;
        int most = 0;
        for (long[] edge : edges) {
            inside += (int) edge[1];
            most = Math.max(most, inside);
        }
        return most;
    }

    private static long micros(Instant at) {
        return at.getEpochSecond() * 1_000_000 + at.getNano() / 1_000;
    }

    /**
     * The database's clock.
     *
     * @return {@code clock_timestamp()}
     * @throws SQLException if the database refuses
     */
    public Instant now() throws SQLException {
        try (Connection connection = pool.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT clock_timestamp()")) {
            rows.next();
            return rows.getObject(1, OffsetDateTime.class).toInstant();
        }
    }

    /**
     * Records that a task's body started.
     *
     * @param run the queued run
     * @param task the task's number
     * @param pid this process
     * @throws SQLException if the database refuses
     */
    void executed(UUID run, int task, long pid) throws SQLException {
        try (Connection connection = pool.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "INSERT INTO rel_execution (run_id, task, pid) VALUES (?, ?, ?)")) {
            statement.setObject(1, run);
            statement.setInt(2, task);
            statement.setLong(3, pid);
            statement.executeUpdate();
        }
    }

    /**
     * Writes a task's effect once under its idempotency key; an execution that finds it written
     * records a conflict instead.
     *
     * @param key the task's idempotency key
     * @param run the queued run
     * @param task the task's number
     * @param pid this process
     * @return {@code true} if this execution wrote the effect
     * @throws SQLException if the database refuses, also when the same (run, task) comes with another key
     */
    boolean effect(String key, UUID run, int task, long pid) throws SQLException {
        try (Connection connection = pool.getConnection()) {
            int written;
            try (PreparedStatement statement = connection.prepareStatement("""
                    INSERT INTO rel_effect (idempotency_key, run_id, task, pid) VALUES (?, ?, ?, ?)
                    ON CONFLICT (idempotency_key) DO NOTHING""")) {
                statement.setString(1, key);
                statement.setObject(2, run);
                statement.setInt(3, task);
                statement.setLong(4, pid);
                written = statement.executeUpdate();
            }
            if (written == 0) {
                try (PreparedStatement statement = connection.prepareStatement(
                        "INSERT INTO rel_conflict (idempotency_key, run_id, task, pid) VALUES (?, ?, ?, ?)")) {
                    statement.setString(1, key);
                    statement.setObject(2, run);
                    statement.setInt(3, task);
                    statement.setLong(4, pid);
                    statement.executeUpdate();
                }
            }
            return written == 1;
        }
    }

    /**
     * How many effects each run has.
     *
     * @return effects by queued run
     * @throws SQLException if the database refuses
     */
    public Map<UUID, Integer> effectsByRun() throws SQLException {
        Map<UUID, Integer> effects = new LinkedHashMap<>();
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT run_id, count(*) FROM rel_effect GROUP BY run_id")) {
            while (rows.next()) {
                effects.put(rows.getObject(1, UUID.class), rows.getInt(2));
            }
        }
        return effects;
    }

    /**
     * The tasks executed more than once, with their executions in order.
     *
     * @return the repeated tasks
     * @throws SQLException if the database refuses
     */
    public List<Repeated> repeated() throws SQLException {
        Map<String, Repeated> repeated = new LinkedHashMap<>();
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("""
                     SELECT e.run_id, e.task, e.pid, e.at FROM rel_execution e
                     JOIN (SELECT run_id, task FROM rel_execution GROUP BY run_id, task HAVING count(*) > 1) r
                       ON r.run_id = e.run_id AND r.task = e.task
                     ORDER BY e.run_id, e.task, e.at""")) {
            while (rows.next()) {
                UUID run = rows.getObject(1, UUID.class);
                int task = rows.getInt(2);
                repeated.computeIfAbsent(run + "/" + task, key -> new Repeated(run, task, new ArrayList<>()))
                        .executions().add(new Execution(rows.getLong(3), rows.getObject(4, OffsetDateTime.class).toInstant()));
            }
        }
        return List.copyOf(repeated.values());
    }

    /**
     * Whether a process started a later task of the run: it had gone past {@code task}, whose
     * checkpoint the engine saves before the flow goes on.
     *
     * @param run the queued run
     * @param task the task's number
     * @param pid the process
     * @return {@code true} if it started a task with a higher number in that run
     * @throws SQLException if the database refuses
     */
    public boolean wentPast(UUID run, int task, long pid) throws SQLException {
        try (Connection connection = pool.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT EXISTS (SELECT 1 FROM rel_execution WHERE run_id = ? AND pid = ? AND task > ?)")) {
            statement.setObject(1, run);
            statement.setLong(2, pid);
            statement.setInt(3, task);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getBoolean(1);
            }
        }
    }

    /**
     * How many executions found their effect already written.
     *
     * @return the conflicts
     * @throws SQLException if the database refuses
     */
    public int conflicts() throws SQLException {
        return count("SELECT count(*) FROM rel_conflict");
    }

    /**
     * The process that wrote each conflict of a run's task.
     *
     * @param run the queued run
     * @param task the task's number
     * @return the processes, in order
     * @throws SQLException if the database refuses
     */
    public List<Long> conflictsOf(UUID run, int task) throws SQLException {
        List<Long> pids = new ArrayList<>();
        try (Connection connection = pool.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT pid FROM rel_conflict WHERE run_id = ? AND task = ? ORDER BY at")) {
            statement.setObject(1, run);
            statement.setInt(2, task);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    pids.add(rows.getLong(1));
                }
            }
        }
        return pids;
    }

    /**
     * The queue's runs by state.
     *
     * @return how many runs are in each state
     * @throws SQLException if the database refuses
     */
    public Map<String, Integer> queueStates() throws SQLException {
        Map<String, Integer> states = new LinkedHashMap<>();
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT state, count(*) FROM lf_queue GROUP BY state ORDER BY 1")) {
            while (rows.next()) {
                states.put(rows.getString(1), rows.getInt(2));
            }
        }
        return states;
    }

    /**
     * The runs a worker holds (state running, owned by it).
     *
     * @param worker the worker's id
     * @return the runs
     * @throws SQLException if the database refuses
     */
    public List<UUID> heldBy(UUID worker) throws SQLException {
        List<UUID> runs = new ArrayList<>();
        try (Connection connection = pool.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT id FROM lf_queue WHERE owner = ? AND state = 'running'")) {
            statement.setObject(1, worker);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    runs.add(rows.getObject(1, UUID.class));
                }
            }
        }
        return runs;
    }

    /**
     * Of these runs, those that run on another worker than {@code lost} now, or have completed.
     *
     * @param runs the runs a dead worker held
     * @param lost the dead worker
     * @return the runs taken over
     * @throws SQLException if the database refuses
     */
    public List<UUID> takenOver(List<UUID> runs, UUID lost) throws SQLException {
        List<UUID> taken = new ArrayList<>();
        try (Connection connection = pool.getConnection();
             PreparedStatement statement = connection.prepareStatement("""
                     SELECT id FROM lf_queue WHERE id = ANY (?)
                       AND (state = 'completed' OR (state = 'running' AND owner <> ?))""")) {
            statement.setArray(1, connection.createArrayOf("uuid", runs.toArray()));
            statement.setObject(2, lost);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    taken.add(rows.getObject(1, UUID.class));
                }
            }
        }
        return taken;
    }

    /**
     * A queued run's row: state, owner, result.
     *
     * @param run the queued run
     * @return the state, owner and result text, in that order
     * @throws SQLException if the database refuses
     */
    public List<Object> queueRow(UUID run) throws SQLException {
        try (Connection connection = pool.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT state, owner, result FROM lf_queue WHERE id = ?")) {
            statement.setObject(1, run);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    return List.of();
                }
                List<Object> row = new ArrayList<>();
                row.add(rows.getString(1));
                row.add(rows.getObject(2, UUID.class));
                row.add(rows.getString(3));
                return row;
            }
        }
    }

    /**
     * How many checkpoints a run has (none once it completed).
     *
     * @param run the queued run
     * @return the checkpoints
     * @throws SQLException if the database refuses
     */
    public int checkpoints(UUID run) throws SQLException {
        try (Connection connection = pool.getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM lf_checkpoint WHERE run_id = ?")) {
            statement.setObject(1, run);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    /**
     * The schema the ledger works in.
     *
     * @return {@code current_schema()}
     * @throws SQLException if the database refuses
     */
    public String schema() throws SQLException {
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT current_schema()")) {
            rows.next();
            return rows.getString(1);
        }
    }

    private int count(String query) throws SQLException {
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(query)) {
            rows.next();
            return rows.getInt(1);
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
