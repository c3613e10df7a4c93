package io.loomflow.store.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.loomflow.Event;
import io.loomflow.RunInfo;
import io.loomflow.State;
import io.loomflow.store.Durability;
import io.loomflow.store.ErrorRecord;
import io.loomflow.store.LogRecord;
import io.loomflow.store.RunQuery;
import io.loomflow.store.RunRecord;
import io.loomflow.store.RunStore;
import io.loomflow.store.RunStoreException;
import io.loomflow.store.StateRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The run history in a SQL database: H2 in a file (the embedded store) or PostgreSQL.
 *
 * <p>One row per run holds its identity, latest state, timings, error, and its state history as
 * appended JSON lines; one row per log line. A batch of events becomes one transaction in which
 * each run is touched once: a run whose events all fall in one batch costs one insert, however many
 * states it went through. Runs left unfinished by a process that died are marked Crashed by
 * {@link Owners} when a store is opened.
 */
public final class SqlRunStore implements RunStore {

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    /** H2 keeps texts up to this length inline; longer values are cut, with a marker. */
    private static final int MOST_CHARS = 1_000_000;
    private static final String COLUMNS = "id, parent_id, root_id, name, kind, parameters, state, history,"
            + " error_type, error_message, error_stack, result";
    /** What a reader selects: the columns, and the owner, to show a dead process's runs Crashed. */
    private static final String READ_COLUMNS = COLUMNS + ", owner_id";
    /** How long a writer waits for a reader that holds the embedded file open read-only. */
    private static final Duration READER_HOLDS_AT_MOST = Duration.ofSeconds(10);
    private static final Duration LOCK_RETRY_PAUSE = Duration.ofMillis(50);
    private static final int H2_DATABASE_IN_USE = 90020;
    /** The labels of the final kinds as an SQL list, derived from the one vocabulary: {@code ('Completed', ...)}. */
    private static final String FINAL_STATES = State.Kind.finals().stream().map(kind -> "'" + kind.label() + "'")
            .collect(java.util.stream.Collectors.joining(", ", "(", ")"));

    private final HikariDataSource data;
    private final String where;
    private final Owners owners;
    private final boolean readOnly;
    /** A reader's view of a database without our tables: nothing recorded yet. */
    private final boolean empty;

    private SqlRunStore(HikariDataSource data, String where, InstantSource clock, boolean readOnly, boolean empty) {
        this.data = data;
        this.where = where;
        this.owners = new Owners(data, where, clock);
        this.readOnly = readOnly;
        this.empty = empty;
    }

    /**
     * Opens the store at a JDBC URL, migrating its schema, and marks Crashed the runs a dead
     * process left unfinished.
     *
     * @param url a {@code jdbc:h2:} or {@code jdbc:postgresql:} URL
     * @param durability when a written batch is safe
     * @return the open store
     */
    public static SqlRunStore open(String url, Durability durability) {
        return open(url, durability, SqlErrors.shown(url));
    }

    /**
     * Opens the store at a JDBC URL; messages name it as {@code where}.
     *
     * @param url a {@code jdbc:h2:} or {@code jdbc:postgresql:} URL
     * @param durability when a written batch is safe
     * @param where how messages name the store, such as the embedded store's directory
     * @return the open store
     */
    public static SqlRunStore open(String url, Durability durability, String where) {
        return open(url, durability, where, InstantSource.system());
    }

    /**
     * Opens the store at a JDBC URL to write to it, with the clock that dates heartbeats and crashes.
     *
     * @param url a {@code jdbc:h2:} or {@code jdbc:postgresql:} URL
     * @param durability when a written batch is safe
     * @param where how messages name the store, such as the embedded store's directory
     * @param clock what dates this process's heartbeats and the Crashed states it records
     * @return the open store
     */
    public static SqlRunStore open(String url, Durability durability, String where, InstantSource clock) {
        SqlDialect dialect = SqlDialect.of(url, where);
        Instant giveUp = clock.instant().plus(READER_HOLDS_AT_MOST);
        while (true) {
            try {
                return open(url, dialect, durability, where, clock, false);
            } catch (RunStoreException failed) {
                // A reader holds the embedded file open read-only, briefly (a reader never serves
                // others, so there is no server to connect to): wait for it to let go.
                if (dialect != SqlDialect.H2 || !heldByAReader(failed) || clock.instant().isAfter(giveUp)) {
                    throw failed;
                }
                pause();
            }
        }
    }

    /**
     * Opens the store at a JDBC URL to read it only; messages name it by its URL without password.
     *
     * @param url a {@code jdbc:h2:} or {@code jdbc:postgresql:} URL
     * @return the open store, whose {@link #write} refuses
     */
    public static SqlRunStore openReadOnly(String url) {
        return openReadOnly(url, SqlErrors.shown(url));
    }

    /**
     * Opens the store at a JDBC URL to read it only: nothing is created, migrated or written, and
     * the runs of processes that died are shown Crashed without being recorded so.
     *
     * @param url a {@code jdbc:h2:} or {@code jdbc:postgresql:} URL
     * @param where how messages name the store
     * @return the open store, whose {@link #write} refuses
     */
    public static SqlRunStore openReadOnly(String url, String where) {
        return open(url, SqlDialect.of(url, where), Durability.STRICT, where, InstantSource.system(), true);
    }

    /**
     * Refuses, leaving it as it is, an embedded store file that H2 would open for writing as a new,
     * empty store: one cut short (its header names a last chunk beyond the file's end) or without a
     * readable header. The cheap header check only picks the suspects; a read-only open decides, so
     * a healthy file is never refused.
     *
     * @throws RunStoreException naming the file, if it is damaged
     */
    public static void refuseIfCutShort(Path directory) {
        Path file = directory.resolve("history.mv.db");
        long size;
        String header;
        try {
            if (!Files.isRegularFile(file)) {
                return; // a new store
            }
            size = Files.size(file);
            byte[] first = new byte[(int) Math.min(size, 4096)];
            try (java.io.InputStream in = Files.newInputStream(file)) {
                header = new String(first, 0, in.readNBytes(first, 0, first.length), StandardCharsets.ISO_8859_1);
            }
        } catch (IOException unreadable) {
            return; // H2 reports it, naming the file
        }
        java.util.regex.Matcher block = java.util.regex.Pattern.compile("^H:2,block:([0-9a-f]{1,15}),").matcher(header);
        if (block.find() && (Long.parseLong(block.group(1), 16) + 1) * 4096 <= size) {
            return;
        }
        openEmbeddedReadOnly(directory).close(); // throws, naming the file, if it is damaged
    }

    /**
     * Opens the embedded store in {@code directory} (which holds {@code history.mv.db}) to read it
     * only. When no process has it open (no {@code history.lock.db}), H2 opens the file read-only,
     * so a store on a read-only file or mount can be read, and a damaged file is refused as it is
     * (H2 would otherwise replace it by an empty store); when a process has it open, this one
     * reads through that process's server ({@code AUTO_SERVER}), as writers do.
     *
     * @param directory the store's directory, absolute
     * @return the open store, whose {@link #write} refuses
     */
    public static SqlRunStore openEmbeddedReadOnly(Path directory) {
        String url = "jdbc:h2:file:" + directory.resolve("history") + ";IFEXISTS=TRUE";
        String where = directory.toString();
        if (!Files.exists(directory.resolve("history.lock.db"))) {
            try {
                return openReadOnly(url + ";ACCESS_MODE_DATA=r", where);
            } catch (RunStoreException failed) {
                if (!h2Error(failed, H2_DATABASE_IN_USE)) {
                    throw failed;
                }
                // a process opened it meanwhile: read through its server
            }
        }
        return openReadOnly(url + ";AUTO_SERVER=TRUE", where);
    }

    private static SqlRunStore open(String url, SqlDialect dialect, Durability durability, String where,
                                    InstantSource clock, boolean readOnly) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("loomflow-store");
        config.setMaximumPoolSize(readOnly ? 2 : 4);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(5_000);
        config.setReadOnly(readOnly);
        config.setExceptionOverride(new SqlErrors.BrokenConnections());
        switch (dialect) {
            case H2 -> {
                config.setJdbcUrl(durability == Durability.STRICT && !readOnly ? url + ";WRITE_DELAY=0" : url);
                if (!url.toUpperCase(java.util.Locale.ROOT).contains(";USER=")) {
                    config.setUsername("sa");
                }
            }
            case POSTGRESQL -> {
                config.setJdbcUrl(url);
                if (durability == Durability.RELAXED) {
                    config.setConnectionInitSql("SET synchronous_commit = off");
                }
            }
        }
        HikariDataSource data;
        try {
            data = new HikariDataSource(config);
        } catch (RuntimeException failed) {
            throw unwrap(failed, where, readOnly);
        }
        try {
            if (readOnly) {
                boolean empty = Schema.requireReadable(data, where);
                return new SqlRunStore(data, where, clock, true, empty);
            }
            Schema.migrate(data, dialect, where);
            SqlRunStore store = new SqlRunStore(data, where, clock, false, false);
            store.owners.markDeadOwnersCrashed();
            return store;
        } catch (RuntimeException failed) {
            data.close();
            throw failed;
        }
    }

    private static boolean heldByAReader(RunStoreException failed) {
        for (Throwable cause = failed; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getErrorCode() == H2_DATABASE_IN_USE) {
                return sql.getMessage() == null || !sql.getMessage().contains("Lock file exists");
            }
        }
        return false;
    }

    private static boolean h2Error(Throwable failed, int code) {
        for (Throwable cause = failed; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getErrorCode() == code) {
                return true;
            }
        }
        return false;
    }

    private static void pause() {
        try {
            Thread.sleep(LOCK_RETRY_PAUSE); // waiting for another process to close a file: no run's timing depends on it
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new RunStoreException("interrupted while waiting for a reader to close the run history", interrupted);
        }
    }

    private static RunStoreException unwrap(RuntimeException failed, String where, boolean readOnly) {
        for (Throwable cause = failed; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                return readOnly ? SqlErrors.translateOpenForReading(sql, where) : SqlErrors.translate(sql, where, "open");
            }
        }
        return new RunStoreException("could not open the run history at " + where + ": " + failed.getMessage(), failed);
    }

    /** What a batch does to one run: insert it, or update it, with the states it went through. */
    private static final class Change {
        final RunInfo info;
        final boolean scheduledHere;
        final StringBuilder history = new StringBuilder();
        Instant createdAt;
        String state;
        Instant startedAt;
        Instant endedAt;
        ErrorRecord error;
        String result;

        Change(Event.StateChange first) {
            this.info = first.run();
            this.scheduledHere = first.state() instanceof State.Scheduled;
            this.createdAt = scheduledHere ? first.at() : info.createdAt();
        }

        void add(Event.StateChange change) {
            StateRecord entry = Records.state(change);
            history.append(historyLine(entry));
            state = entry.state();
            if (change.state() instanceof State.Running && startedAt == null) {
                startedAt = change.at();
            }
            if (change.state().isFinal()) {
                endedAt = change.at();
            }
            if (error == null) {
                error = Records.error(change.state());
            }
            if (result == null) {
                result = Records.result(change);
            }
        }
    }

    @Override
    public void write(List<Event> events) {
        if (readOnly) {
            throw new RunStoreException("the run history at " + where + " was opened for reading only; open it with"
                    + " RunStore.embedded or RunStore.open to record runs", null);
        }
        Map<UUID, Change> changes = new LinkedHashMap<>();
        List<LogRecord> lines = new ArrayList<>();
        for (Event event : events) {
            switch (event) {
                case Event.StateChange change ->
                        changes.computeIfAbsent(change.run().id(), id -> new Change(change)).add(change);
                case Event.LogLine line -> lines.add(Records.log(line));
            }
        }
        UUID owner = changes.isEmpty() ? null : owners.register();
        try (Connection connection = data.getConnection()) {
            connection.setAutoCommit(false);
            try {
                List<Change> inserts = new ArrayList<>();
                List<Change> updates = new ArrayList<>();
                for (Change change : changes.values()) {
                    (change.scheduledHere ? inserts : updates).add(change);
                }
                int[] updated = update(connection, updates);
                for (int i = 0; i < updated.length; i++) {
                    if (updated[i] == 0) {
                        inserts.add(updates.get(i)); // a run whose Scheduled event this store never saw
                    }
                }
                insert(connection, inserts, owner);
                insertLogs(connection, lines);
                connection.commit();
            } catch (SQLException | RuntimeException failed) {
                try {
                    connection.rollback();
                } catch (SQLException rollbackFailed) { // the connection is gone: the first error says why
                    failed.addSuppressed(rollbackFailed);
                }
                throw failed;
            }
        } catch (SQLException failed) {
            throw SqlErrors.translate(failed, where, "write " + events.size() + " events to");
        }
    }

    private static int[] update(Connection connection, List<Change> updates) throws SQLException {
        if (updates.isEmpty()) {
            return new int[0];
        }
        try (PreparedStatement update = connection.prepareStatement("UPDATE lf_run SET state = ?,"
                + " started_at = COALESCE(started_at, ?), ended_at = COALESCE(?, ended_at), history = history || ?,"
                + " error_type = COALESCE(error_type, ?), error_message = COALESCE(error_message, ?),"
                + " error_stack = COALESCE(error_stack, ?), result = COALESCE(result, ?) WHERE id = ?")) {
            for (Change change : updates) {
                update.setString(1, change.state);
                update.setObject(2, time(change.startedAt));
                update.setObject(3, time(change.endedAt));
                update.setString(4, change.history.toString());
                setError(update, 5, change.error);
                update.setString(8, fit(change.result));
                update.setObject(9, change.info.id());
                update.addBatch();
            }
            return update.executeBatch();
        }
    }

    private static void insert(Connection connection, List<Change> inserts, UUID owner) throws SQLException {
        if (inserts.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO lf_run (" + COLUMNS
                + ", created_at, started_at, ended_at, owner_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Change change : inserts) {
                RunInfo info = change.info;
                insert.setObject(1, info.id());
                insert.setObject(2, info.parentId());
                insert.setObject(3, info.rootId());
                insert.setString(4, fit(info.name()));
                insert.setString(5, info.kind().name());
                insert.setString(6, fit(Records.parameters(info.input())));
                insert.setString(7, change.state);
                insert.setString(8, change.history.toString());
                setError(insert, 9, change.error);
                insert.setString(12, fit(change.result));
                insert.setObject(13, time(change.createdAt));
                insert.setObject(14, time(change.startedAt));
                insert.setObject(15, time(change.endedAt));
                insert.setObject(16, owner);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static void setError(PreparedStatement statement, int first, ErrorRecord error) throws SQLException {
        statement.setString(first, error == null ? null : fit(error.type()));
        statement.setString(first + 1, error == null ? null : fit(error.message()));
        statement.setString(first + 2, error == null ? null : fit(error.stackTrace()));
    }

    private static void insertLogs(Connection connection, List<LogRecord> lines) throws SQLException {
        if (lines.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO lf_log (run_id, seq, at, level, message, error) VALUES (?, ?, ?, ?, ?, ?)")) {
            for (LogRecord line : lines) {
                insert.setObject(1, line.runId());
                insert.setLong(2, line.sequence());
                insert.setObject(3, time(line.at()));
                insert.setString(4, line.level());
                insert.setString(5, fit(line.message()));
                insert.setString(6, fit(line.error()));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    @Override
    public Optional<RunRecord> run(UUID id) {
        List<RunRecord> found = query("SELECT " + READ_COLUMNS + " FROM lf_run WHERE id = ?", "read run " + id + " from",
                List.of(id), 1);
        return found.stream().findFirst();
    }

    @Override
    public List<RunRecord> runs(RunQuery query) {
        StringBuilder sql = new StringBuilder("SELECT " + READ_COLUMNS + " FROM lf_run WHERE 1 = 1");
        List<Object> values = new ArrayList<>();
        if (query.state() != null) {
            sql.append(" AND state = ?");
            values.add(query.state().label());
        }
        if (query.name() != null) {
            sql.append(" AND name = ?");
            values.add(query.name());
        }
        if (query.rootsOnly()) {
            sql.append(" AND parent_id IS NULL");
        }
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT ").append(query.limit()).append(" OFFSET ").append(query.offset());
        return query(sql.toString(), "list runs of", values, query.limit());
    }

    @Override
    public List<RunRecord> children(UUID parentId) {
        return query("SELECT " + READ_COLUMNS + " FROM lf_run WHERE parent_id = ? ORDER BY created_at, id",
                "list the children of run " + parentId + " in", List.of(parentId), Integer.MAX_VALUE);
    }

    @Override
    public Optional<io.loomflow.store.RunSummary> summary(UUID runId) {
        throw new UnsupportedOperationException("not yet on SQL stores");
    }

    @Override
    public io.loomflow.store.Page<io.loomflow.store.TreeNode> children(UUID parentId, io.loomflow.store.PageQuery query) {
        throw new UnsupportedOperationException("not yet on SQL stores");
    }

    @Override
    public Optional<io.loomflow.store.MapSummary> map(UUID mapId) {
        throw new UnsupportedOperationException("not yet on SQL stores");
    }

    @Override
    public io.loomflow.store.Page<RunRecord> items(UUID mapId, io.loomflow.store.PageQuery query) {
        throw new UnsupportedOperationException("not yet on SQL stores");
    }

    @Override
    public io.loomflow.store.PruneResult prune(io.loomflow.store.Prune request) {
        throw new UnsupportedOperationException("not yet on SQL stores");
    }

    @Override
    public List<LogRecord> logs(UUID runId) {
        return logs(runId, -1);
    }

    @Override
    public List<LogRecord> logs(UUID runId, long afterSequence) {
        if (empty) {
            return List.of();
        }
        try (Connection connection = data.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT seq, at, level, message, error FROM lf_log"
                     + " WHERE run_id = ? AND seq > ? ORDER BY seq")) {
            select.setObject(1, runId);
            select.setLong(2, afterSequence);
            List<LogRecord> lines = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    lines.add(new LogRecord(runId, rows.getLong(1), rows.getObject(2, OffsetDateTime.class).toInstant(),
                            rows.getString(3), rows.getString(4), rows.getString(5)));
                }
            }
            return lines;
        } catch (SQLException failed) {
            throw SqlErrors.translate(failed, where, "read the log lines of run " + runId + " from");
        }
    }

    private List<RunRecord> query(String sql, String action, List<Object> values, int most) {
        if (empty) {
            return List.of();
        }
        // A reader records nothing: it shows the unfinished runs of dead processes as they will be recorded.
        Map<UUID, Owners.Owner> dead = readOnly ? owners.deadOwners() : Map.of();
        try (Connection connection = data.getConnection(); PreparedStatement select = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.size(); i++) {
                select.setObject(i + 1, values.get(i));
            }
            List<RunRecord> runs = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next() && runs.size() < most) {
                    runs.add(record(rows, dead));
                }
            }
            return runs;
        } catch (SQLException failed) {
            throw SqlErrors.translate(failed, where, action);
        }
    }

    private static RunRecord record(ResultSet row, Map<UUID, Owners.Owner> deadOwners) throws SQLException {
        String errorType = row.getString(9);
        ErrorRecord error = errorType == null ? null : new ErrorRecord(errorType, row.getString(10), row.getString(11));
        UUID id = row.getObject(1, UUID.class);
        String label = row.getString(7);
        State.Kind state = State.Kind.ofLabel(label).orElseThrow(() -> new RunStoreException("run " + id
                + " has the state '" + label + "', which is no state this version of Loomflow knows ("
                + String.join(", ", State.Kind.labels()) + "); read it with the version that wrote it", null));
        List<StateRecord> history = history(row.getString(8));
        UUID ownerId = row.getObject(13, UUID.class);
        Owners.Owner owner = ownerId == null ? null : deadOwners.get(ownerId);
        if (owner != null && !state.isFinal()) {
            state = State.Kind.CRASHED;
            history.add(new StateRecord(state, owner.crashedAt(history.getLast().at()), owner.crashReason()));
        }
        return new RunRecord(id, row.getObject(2, UUID.class), row.getObject(3, UUID.class),
                row.getString(4), RunInfo.Kind.valueOf(row.getString(5)), row.getString(6), state, history, error,
                row.getString(12), null);
    }

    /** The time of the last state in a history column, as the Crashed state appended after it must not precede it. */
    static Instant lastStateAt(String lines) {
        List<StateRecord> history = history(lines);
        return history.isEmpty() ? Instant.EPOCH : history.getLast().at();
    }

    /** One history entry as a line of JSON: {@code ["Running","2026-...Z","attempt 1"]}. */
    static String historyLine(StateRecord entry) {
        try {
            return JSON.writeValueAsString(List.of(entry.state(), entry.at().toString(), fit(entry.detail(), 10_000)))
                    + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static List<StateRecord> history(String lines) {
        List<StateRecord> history = new ArrayList<>();
        for (String line : lines.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            try {
                JsonNode entry = JSON.readTree(line);
                history.add(new StateRecord(entry.get(0).asText(), Instant.parse(entry.get(1).asText()),
                        entry.get(2).asText()));
            } catch (com.fasterxml.jackson.core.JsonProcessingException corrupt) {
                history.add(new StateRecord("Unreadable", Instant.EPOCH, line));
            }
        }
        return history;
    }

    static OffsetDateTime time(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static String fit(String text) {
        return fit(text, MOST_CHARS);
    }

    private static String fit(String text, int most) {
        if (text == null || text.length() <= most) {
            return text;
        }
        String marker = "... [cut: " + text.length() + " characters]";
        return text.substring(0, most - marker.length()) + marker;
    }

    static String finalStates() {
        return FINAL_STATES;
    }

    /** Marks this process's unfinished runs Crashed, forgets this process, and closes the pool. */
    @Override
    public void close() {
        if (data.isClosed()) {
            return;
        }
        try {
            owners.close();
        } finally {
            data.close();
        }
    }

    @Override
    public String toString() {
        return "SqlRunStore[" + where + "]";
    }
}
