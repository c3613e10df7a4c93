package io.loomflow.store.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.loomflow.Event;
import io.loomflow.ItemHistory;
import io.loomflow.RunInfo;
import io.loomflow.State;
import io.loomflow.store.DatasetAccessRecord;
import io.loomflow.store.Durability;
import io.loomflow.store.ErrorRecord;
import io.loomflow.store.LogRecord;
import io.loomflow.store.MapSummary;
import io.loomflow.store.Page;
import io.loomflow.store.PageQuery;
import io.loomflow.store.Prune;
import io.loomflow.store.PruneResult;
import io.loomflow.store.RunIdPrefix;
import io.loomflow.store.RunQuery;
import io.loomflow.store.RunRecord;
import io.loomflow.store.RunStore;
import io.loomflow.store.RunStoreException;
import io.loomflow.store.RunSummary;
import io.loomflow.store.StateRecord;
import io.loomflow.store.TreeNode;
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
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The run history in a SQL database: H2 in a file (the embedded store) or PostgreSQL.
 *
 * <p>One row per run holds its identity, latest state, timings and error, and its state history
 * only when the columns do not tell it ({@link RunRows}); one row per map counts its items; one row
 * per log line; one row per dataset a run read or wrote, by the root of its tree. A batch of events becomes one transaction in which each run is touched once: a run
 * whose events all fall in one batch costs one insert, however many states it went through, and
 * each map it touches one update. Runs left unfinished by a process that died are marked Crashed by
 * {@link Owners} when a store is opened.
 */
public final class SqlRunStore implements RunStore {

    /** H2 keeps texts up to this length inline; longer values are cut, with a marker. */
    private static final int MOST_CHARS = 1_000_000;
    /** How long a writer waits for a reader that holds the embedded file open read-only. */
    private static final Duration READER_HOLDS_AT_MOST = Duration.ofSeconds(10);
    private static final Duration LOCK_RETRY_PAUSE = Duration.ofMillis(50);
    private static final int H2_DATABASE_IN_USE = 90020;

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

    /** What a batch does to one run: the states it went through, and what they carry. */
    private static final class Change {
        final RunInfo info;
        final boolean scheduledHere;
        final List<StateRecord> entries = new ArrayList<>();
        final Instant createdAt;
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
            entries.add(Records.state(change));
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

        State.Kind state() {
            return entries.getLast().kind().orElseThrow();
        }
    }

    /** A run's columns after a batch: what is inserted, or updated, for it. */
    private record Written(Change change, RunRows.Row before, State.Kind state, long created, Long started, Long ended,
                           String history, ErrorRecord error, UUID owner) {
    }

    @Override
    public void write(List<Event> events) {
        refuseIfReadOnly();
        Map<UUID, Change> changes = new LinkedHashMap<>();
        List<LogRecord> lines = new ArrayList<>();
        List<Event.DatasetAccess> accesses = new ArrayList<>();
        for (Event event : events) {
            switch (event) {
                case Event.StateChange change ->
                        changes.computeIfAbsent(change.run().id(), id -> new Change(change)).add(change);
                case Event.LogLine line -> lines.add(Records.log(line));
                case Event.DatasetAccess access -> accesses.add(access);
            }
        }
        UUID owner = changes.isEmpty() ? null : owners.register();
        try (Connection connection = data.getConnection()) {
            connection.setAutoCommit(false);
            try {
                write(connection, changes, lines, owner);
                insertLineage(connection, accesses);
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

    /**
     * Writes a batch in the caller's transaction: each run is read (if a batch before saw it),
     * changed in memory, and written once; its map's row is updated with it. An item of a map
     * that keeps {@linkplain ItemHistory#FAILURES failures only} that ends other than Failed is
     * counted in its map, then deleted with everything below it (a mapped subflow's own runs and
     * maps) and its log lines; a Crashed item is kept, as crash recovery never deletes.
     */
    private static void write(Connection connection, Map<UUID, Change> changes, List<LogRecord> lines, UUID owner)
            throws SQLException {
        List<UUID> seenBefore = changes.values().stream().filter(change -> !change.scheduledHere)
                .map(change -> change.info.id()).toList();
        Map<UUID, RunRows.Row> rows = RunRows.rows(connection, seenBefore);
        RunRows.MapChanges maps = new RunRows.MapChanges();
        List<Written> inserts = new ArrayList<>();
        List<Written> updates = new ArrayList<>();
        List<UUID> forgotten = new ArrayList<>();
        for (Change change : changes.values()) {
            RunRows.Row before = rows.get(change.info.id());
            List<StateRecord> history = before == null ? new ArrayList<>() : before.fullHistory();
            history.addAll(change.entries);
            State.Kind state = change.state();
            long created = before == null ? RunRows.nanos(change.createdAt) : before.created();
            Long started = before != null && before.started() != null ? before.started() : RunRows.nanos(change.startedAt);
            Long ended = change.endedAt != null ? RunRows.nanos(change.endedAt) : before == null ? null : before.ended();
            ErrorRecord error = before != null && before.errorType() != null
                    ? new ErrorRecord(before.errorType(), before.errorMessage(), "") : change.error;
            String text = RunRows.historyText(history, state, created, started, ended, error);
            UUID runOwner = state.isFinal() ? null : before == null ? owner : before.owner();
            Written written = new Written(change, before, state, created, started, ended, text, change.error, runOwner);
            RunInfo.MapItem item = change.info.mapItem();
            if (item != null) {
                State.Kind from = before == null ? null : before.kind();
                boolean ends = state.isFinal() && (from == null || !from.isFinal());
                maps.moved(item.mapId(), change.info, item.index(), from, state,
                        ends && started != null && ended != null ? ended - started : null);
                if (item.history() == ItemHistory.FAILURES && state.isFinal() && state != State.Kind.FAILED
                        && state != State.Kind.CRASHED) {
                    forgotten.add(change.info.id());
                    continue;
                }
            }
            (before == null ? inserts : updates).add(written);
        }
        update(connection, updates);
        insert(connection, inserts);
        maps.write(connection);
        java.util.Set<UUID> gone = new java.util.HashSet<>(forgotten);
        insertLogs(connection, lines.stream().filter(line -> !gone.contains(line.runId())).toList());
        RunRows.deleteTrees(connection, forgotten);
    }

    private static void update(Connection connection, List<Written> updates) throws SQLException {
        if (updates.isEmpty()) {
            return;
        }
        try (PreparedStatement update = connection.prepareStatement("UPDATE lf_run SET state = ?, started = ?,"
                + " ended = ?, history = ?, error_type = COALESCE(error_type, ?),"
                + " error_message = COALESCE(error_message, ?), error_stack = COALESCE(error_stack, ?),"
                + " result = COALESCE(result, ?), owner_id = ? WHERE id = ?")) {
            for (Written run : updates) {
                update.setInt(1, RunRows.code(run.state()));
                update.setObject(2, run.started());
                update.setObject(3, run.ended());
                update.setString(4, run.history());
                setError(update, 5, run.error());
                update.setString(8, fit(run.change().result));
                update.setObject(9, run.owner());
                update.setObject(10, run.change().info.id());
                update.addBatch();
            }
            update.executeBatch();
        }
    }

    private static void insert(Connection connection, List<Written> inserts) throws SQLException {
        if (inserts.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO lf_run (id, parent_id, root_id, name,"
                + " kind, parameters, state, history, error_type, error_message, error_stack, result, created, started,"
                + " ended, owner_id, root_at, map_id, map_index) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                + " ?, ?, ?)")) {
            for (Written run : inserts) {
                RunInfo info = run.change().info;
                RunInfo.MapItem item = info.mapItem();
                boolean shared = item != null; // an item's parent, root, name and kind are its map's
                insert.setObject(1, info.id());
                insert.setObject(2, shared ? null : info.parentId());
                insert.setObject(3, shared ? null : info.rootId());
                insert.setString(4, shared ? null : fit(info.name()));
                insert.setString(5, shared ? null : info.kind().name());
                insert.setString(6, fit(Records.parameters(info.input())));
                insert.setInt(7, RunRows.code(run.state()));
                insert.setString(8, run.history());
                setError(insert, 9, run.error());
                insert.setString(12, fit(run.change().result));
                insert.setLong(13, run.created());
                insert.setObject(14, run.started());
                insert.setObject(15, run.ended());
                insert.setObject(16, run.owner());
                insert.setObject(17, info.parentId() == null && !shared ? run.created() : null);
                insert.setObject(18, shared ? item.mapId() : null);
                insert.setObject(19, shared ? item.index() : null);
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

    /**
     * Inserts a batch's dataset accesses, by the root of their run's tree. Those of an item that a
     * map keeping failures only forgets are kept: the data was read and written all the same.
     */
    private static void insertLineage(Connection connection, List<Event.DatasetAccess> accesses) throws SQLException {
        if (accesses.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO lf_lineage (root_id, seq, run_id,"
                + " parent_id, at, access, run_name, dataset, version, location) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Event.DatasetAccess access : accesses) {
                RunInfo run = access.run();
                insert.setObject(1, run.rootId());
                insert.setLong(2, access.sequence());
                insert.setObject(3, run.id());
                insert.setObject(4, run.parentId());
                insert.setLong(5, RunRows.nanos(access.at()));
                insert.setInt(6, access.access().ordinal());
                insert.setString(7, fit(run.name(), 1000));
                insert.setString(8, fit(access.dataset(), 1000));
                insert.setString(9, fit(access.version(), 1000));
                insert.setString(10, fit(access.location(), 10_000));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /**
     * Deletes the deliveries that expired, then inserts this one: the primary key lets one claim of a
     * delivery win, in this process or another sharing the database (a duplicate is SQLState 23505 on both
     * H2 and PostgreSQL). Each statement commits on its own, so a lost race leaves nothing to roll back.
     */
    @Override
    public boolean claimDelivery(String scope, String deliveryId, Instant now, Instant expiresAt) {
        refuseIfReadOnly();
        Records.checkDelivery(scope, deliveryId);
        return read("remember a webhook delivery in", connection -> {
            try (PreparedStatement expired = connection.prepareStatement(
                    "DELETE FROM lf_webhook_delivery WHERE expires_at < ?")) {
                expired.setLong(1, now.toEpochMilli());
                expired.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO lf_webhook_delivery (scope, delivery_id, expires_at) VALUES (?, ?, ?)")) {
                insert.setString(1, scope);
                insert.setString(2, deliveryId);
                insert.setLong(3, expiresAt.toEpochMilli());
                insert.executeUpdate();
                return true;
            } catch (SQLException duplicate) {
                if ("23505".equals(duplicate.getSQLState())) {
                    return false;
                }
                throw duplicate;
            }
        });
    }

    @Override
    public void releaseDelivery(String scope, String deliveryId) {
        refuseIfReadOnly();
        Records.checkDelivery(scope, deliveryId);
        read("forget a webhook delivery in", connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM lf_webhook_delivery WHERE scope = ? AND delivery_id = ?")) {
                delete.setString(1, scope);
                delete.setString(2, deliveryId);
                return delete.executeUpdate();
            }
        });
    }

    private void refuseIfReadOnly() {
        if (readOnly) {
            throw new RunStoreException("the run history at " + where + " was opened for reading only; open it with"
                    + " RunStore.embedded or RunStore.open to record runs", null);
        }
    }

    @Override
    public Optional<RunRecord> run(UUID id) {
        return query(RunRows.SELECT + " WHERE r.id = ?", "read run " + id + " from", List.of(id), 1).stream()
                .findFirst();
    }

    @Override
    public List<RunRecord> runs(RunQuery query) {
        StringBuilder sql = new StringBuilder(RunRows.SELECT);
        List<Object> values = new ArrayList<>();
        // Roots are read through the indexes over root_at; other runs are read whole.
        sql.append(query.rootsOnly() ? " WHERE r.root_at IS NOT NULL" : " WHERE 1 = 1");
        if (query.state() != null) {
            sql.append(" AND r.state = ?");
            values.add(RunRows.code(query.state()));
        }
        if (query.name() != null) {
            sql.append(query.rootsOnly() ? " AND r.name = ?" : " AND COALESCE(r.name, m.name) = ?");
            values.add(query.name());
        }
        sql.append(query.rootsOnly() ? " ORDER BY r.root_at DESC, r.id DESC" : " ORDER BY r.created DESC, r.id DESC")
                .append(" LIMIT ").append(query.limit()).append(" OFFSET ").append(query.offset());
        return query(sql.toString(), "list runs of", values, query.limit());
    }

    @Override
    public List<RunRecord> runsByIdPrefix(String prefix, boolean rootsOnly, int limit) {
        RunIdPrefix range = RunIdPrefix.of(prefix);
        if (limit < 1) {
            throw new IllegalArgumentException("a prefix query's limit was " + limit + "; pass 1 or more");
        }
        // One range of the primary key's index: UUIDs compare as unsigned bytes in PostgreSQL and H2.
        return query(RunRows.SELECT + " WHERE r.id BETWEEN ? AND ?" + (rootsOnly ? " AND r.root_at IS NOT NULL" : "")
                        + " ORDER BY r.id LIMIT " + limit, "find the runs whose id starts with " + range.text() + " in",
                List.of(range.lowest(), range.highest()), limit);
    }

    @Override
    public List<RunRecord> children(UUID parentId) {
        return query(RunRows.SELECT + " WHERE r.parent_id = ? UNION ALL " + RunRows.SELECT.replace("LEFT JOIN", "JOIN")
                        + " WHERE m.parent_id = ? ORDER BY 8, 1",
                "list the children of run " + parentId + " in", List.of(parentId, parentId), Integer.MAX_VALUE);
    }

    @Override
    public Optional<RunSummary> summary(UUID runId) {
        Optional<RunRecord> run = run(runId);
        if (run.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(read("summarise run " + runId + " in", connection -> {
            EnumMap<State.Kind, Long> counts = new EnumMap<>(State.Kind.class);
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT state, COUNT(*) FROM lf_run WHERE parent_id = ? GROUP BY state")) {
                select.setObject(1, runId);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        State.Kind kind = RunRows.kind(rows.getInt(1));
                        if (kind != null) {
                            counts.merge(kind, rows.getLong(2), Long::sum);
                        }
                    }
                }
            }
            StringBuilder sums = new StringBuilder("SELECT COUNT(*)");
            for (State.Kind kind : State.Kind.values()) {
                sums.append(", SUM(").append(RunRows.countColumn(kind)).append(')');
            }
            int mapCount;
            try (PreparedStatement select = connection.prepareStatement(sums + " FROM lf_map WHERE parent_id = ?")) {
                select.setObject(1, runId);
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    mapCount = row.getInt(1);
                    for (State.Kind kind : State.Kind.values()) {
                        counts.merge(kind, row.getLong(2 + kind.ordinal()), Long::sum);
                    }
                }
            }
            List<MapSummary> maps = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(RunRows.SELECT_MAP
                    + " WHERE parent_id = ? ORDER BY parent_id, created, id LIMIT " + RunSummary.MAPS_SHOWN)) {
                select.setObject(1, runId);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        maps.add(RunRows.mapSummary(connection, rows));
                    }
                }
            }
            return new RunSummary(run.get(), counts, maps, mapCount);
        }));
    }

    @Override
    public Page<TreeNode> children(UUID parentId, PageQuery query) {
        Cursors.Position after = query.after() == null ? null : Cursors.position(query.after());
        if (empty) {
            return new Page<>(List.of(), null);
        }
        // Each branch reads its index (parent_id, created[, id]) in order from the cursor and stops at the
        // page's end: ordering by the index's own columns, parent_id first, is what lets H2 use it sorted.
        String keyset = after == null ? "" : " AND created >= ? AND (created > ? OR id > ?)";
        String branchPage = " ORDER BY parent_id, created, id LIMIT " + (query.limit() + 1);
        String runs = "(SELECT 0 AS node, id, created FROM lf_run WHERE parent_id = ?"
                + (query.state() == null ? "" : " AND state = " + RunRows.code(query.state())) + keyset + branchPage + ")";
        String maps = "(SELECT 1 AS node, id, created FROM lf_map WHERE parent_id = ?"
                + (query.state() == null ? "" : " AND " + RunRows.countColumn(query.state()) + " > 0") + keyset
                + branchPage + ")";
        List<Object> values = new ArrayList<>();
        for (int branch = 0; branch < 2; branch++) {
            values.add(parentId);
            if (after != null) {
                long at = RunRows.nanos(after.createdAt());
                values.addAll(List.of(at, at, after.id()));
            }
        }
        return read("list the children of run " + parentId + " in", connection -> {
            List<Object[]> nodes = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT node, id, created FROM (" + runs
                    + " UNION ALL " + maps + ") nodes ORDER BY created, id LIMIT " + (query.limit() + 1))) {
                RunRows.set(select, 1, values);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        nodes.add(new Object[] {rows.getInt(1), rows.getObject(2, UUID.class), rows.getLong(3)});
                    }
                }
            }
            boolean more = nodes.size() > query.limit();
            List<Object[]> shown = more ? nodes.subList(0, query.limit()) : nodes;
            List<TreeNode> page = new ArrayList<>();
            for (Object[] node : shown) {
                UUID id = (UUID) node[1];
                page.add((Integer) node[0] == 0 ? run(id).orElseThrow() : mapSummary(connection, id).orElseThrow());
            }
            Object[] last = shown.isEmpty() ? null : shown.getLast();
            return new Page<>(page, more ? Cursors.after(RunRows.instant((Long) last[2]), (UUID) last[1]) : null);
        });
    }

    @Override
    public Optional<MapSummary> map(UUID mapId) {
        if (empty) {
            return Optional.empty();
        }
        return read("read map " + mapId + " from", connection -> mapSummary(connection, mapId));
    }

    private static Optional<MapSummary> mapSummary(Connection connection, UUID mapId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(RunRows.SELECT_MAP + " WHERE id = ?")) {
            select.setObject(1, mapId);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(RunRows.mapSummary(connection, row)) : Optional.empty();
            }
        }
    }

    @Override
    public Page<RunRecord> items(UUID mapId, PageQuery query) {
        int after = query.after() == null ? -1 : Cursors.index(query.after());
        List<Object> values = new ArrayList<>(List.of(mapId, after));
        String state = "";
        if (query.state() != null) {
            state = " AND r.state = ?";
            values.add(RunRows.code(query.state()));
        }
        List<RunRecord> items = query(RunRows.SELECT + " WHERE r.map_id = ? AND r.map_index > ?" + state
                + " ORDER BY r.map_id, r.map_index LIMIT " + (query.limit() + 1), "list the items of map " + mapId + " in",
                values, query.limit() + 1);
        if (items.size() <= query.limit()) {
            return new Page<>(items, null);
        }
        List<RunRecord> page = items.subList(0, query.limit());
        return new Page<>(page, Cursors.afterIndex(page.getLast().mapItem().index()));
    }

    /**
     * Prunes root by root, newest first, each root's tree in one transaction. The roots are read
     * a page at a time through the index over root_at; their trees are deleted a few hundred runs
     * per statement, so that no statement holds the tables for long.
     */
    @Override
    public PruneResult prune(Prune request) {
        refuseIfReadOnly();
        List<UUID> selected = new ArrayList<>();
        long keptUnfinished = 0;
        long rank = 0;
        RunRecord last = null;
        while (true) {
            List<Object> values = new ArrayList<>();
            String keyset = "";
            if (last != null) {
                long at = rootAt(last.id()); // the column, not the history: a migrated run's may be less precise
                keyset = " AND (r.root_at < ? OR r.root_at = ? AND r.id < ?)";
                values.addAll(List.of(at, at, last.id()));
            }
            List<RunRecord> roots = query(RunRows.SELECT + " WHERE r.root_at IS NOT NULL" + keyset
                    + " ORDER BY r.root_at DESC, r.id DESC LIMIT " + RunRows.CHUNK, "list the runs to prune in", values,
                    RunRows.CHUNK);
            for (RunRecord root : roots) {
                if (request.selects(root, rank++)) {
                    if (root.isFinal()) {
                        selected.add(root.id());
                    } else {
                        keptUnfinished++;
                    }
                }
            }
            if (roots.size() < RunRows.CHUNK) {
                break;
            }
            last = roots.getLast();
        }
        long runs = 0;
        for (UUID root : selected) {
            runs += transaction("prune run " + root + " from", connection -> {
                long deleted = RunRows.deleteTrees(connection, List.of(root));
                RunRows.deleteLineage(connection, root);
                return deleted;
            });
        }
        return new PruneResult(selected.size(), runs, keptUnfinished);
    }

    private long rootAt(UUID root) {
        return read("read run " + root + " from", connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT root_at FROM lf_run WHERE id = ?")) {
                select.setObject(1, root);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        throw new RunStoreException("run " + root + " was deleted while it was being pruned from " + where
                                + "; prune again", null);
                    }
                    return row.getLong(1);
                }
            }
        });
    }

    /** Something done with a connection. */
    @FunctionalInterface
    private interface Work<T> {
        T on(Connection connection) throws SQLException;
    }

    private <T> T read(String action, Work<T> work) {
        try (Connection connection = data.getConnection()) {
            return work.on(connection);
        } catch (SQLException failed) {
            throw SqlErrors.translate(failed, where, action);
        }
    }

    private <T> T transaction(String action, Work<T> work) {
        try (Connection connection = data.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T done = work.on(connection);
                connection.commit();
                return done;
            } catch (SQLException | RuntimeException failed) {
                try {
                    connection.rollback();
                } catch (SQLException rollbackFailed) {
                    failed.addSuppressed(rollbackFailed);
                }
                throw failed;
            }
        } catch (SQLException failed) {
            throw SqlErrors.translate(failed, where, action);
        }
    }

    @Override
    public List<LogRecord> logs(UUID runId) {
        return logs(runId, -1);
    }

    /**
     * Reads one range of an index from the cursor on: a root's tree, by the primary key (root,
     * sequence); a run below a root, its own rows (by run) and its children's (by parent), merged.
     * The names of the accesses' parents (the nodes) are read after, by id, a few per page.
     */
    @Override
    public Page<DatasetAccessRecord> lineage(UUID runId, PageQuery query) {
        long after = Cursors.lineageAfter(query);
        Optional<RunRecord> run = run(runId);
        if (run.isEmpty()) {
            return new Page<>(List.of(), null);
        }
        String columns = "SELECT seq, run_id, run_name, parent_id, at, access, dataset, version, location FROM lf_lineage";
        String limit = " LIMIT " + (query.limit() + 1);
        String sql;
        List<Object> values;
        if (run.get().parentId() == null) {
            sql = columns + " WHERE root_id = ? AND seq > ? ORDER BY root_id, seq, run_id" + limit;
            values = List.of(runId, after);
        } else { // its own rows and its children's, each read in order through its index, then merged
            sql = "SELECT * FROM ((" + columns + " WHERE run_id = ? AND seq > ? ORDER BY run_id, seq" + limit + ")"
                    + " UNION ALL (" + columns + " WHERE parent_id = ? AND seq > ? ORDER BY parent_id, seq" + limit
                    + ")) accesses ORDER BY seq, run_id" + limit;
            values = List.of(runId, after, runId, after);
        }
        return read("read the lineage of run " + runId + " from", connection -> {
            List<Object[]> rows = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                RunRows.set(select, 1, values);
                try (ResultSet found = select.executeQuery()) {
                    while (found.next()) {
                        rows.add(new Object[] {found.getLong(1), found.getObject(2, UUID.class), found.getString(3),
                                found.getObject(4, UUID.class), found.getLong(5), found.getInt(6), found.getString(7),
                                found.getString(8), found.getString(9)});
                    }
                }
            }
            boolean more = rows.size() > query.limit();
            List<Object[]> shown = more ? rows.subList(0, query.limit()) : rows;
            Map<UUID, String> names = RunRows.names(connection,
                    shown.stream().map(row -> (UUID) row[3]).filter(java.util.Objects::nonNull).distinct().toList());
            List<DatasetAccessRecord> page = new ArrayList<>();
            for (Object[] row : shown) {
                page.add(new DatasetAccessRecord((UUID) row[1], (String) row[2], (UUID) row[3], names.get((UUID) row[3]),
                        (Long) row[0], RunRows.instant((Long) row[4]), Event.DatasetAccess.Access.values()[(Integer) row[5]],
                        (String) row[6], (String) row[7], (String) row[8]));
            }
            return new Page<>(page, more ? Cursors.afterSequence(page.getLast().sequence()) : null);
        });
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
            RunRows.set(select, 1, values);
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

    /** A run from a row of {@link RunRows#SELECT}. */
    private static RunRecord record(ResultSet row, Map<UUID, Owners.Owner> deadOwners) throws SQLException {
        String errorType = row.getString(12);
        ErrorRecord error = errorType == null ? null : new ErrorRecord(errorType, row.getString(13), row.getString(14));
        UUID id = row.getObject(1, UUID.class);
        State.Kind state = RunRows.kind(row.getInt(7));
        String text = row.getString(11);
        List<StateRecord> history = text != null ? RunRows.parseHistory(text)
                : RunRows.usual(state, row.getLong(8), RunRows.longOrNull(row, 9), RunRows.longOrNull(row, 10), errorType,
                row.getString(13));
        if (state == null) { // a label an older version kept, which this one does not know
            String label = history.isEmpty() ? "?" : history.getLast().state();
            throw new RunStoreException("run " + id + " has the state '" + label + "', which is no state this version"
                    + " of Loomflow knows (" + String.join(", ", State.Kind.labels()) + "); read it with the version"
                    + " that wrote it", null);
        }
        UUID ownerId = row.getObject(16, UUID.class);
        Owners.Owner owner = ownerId == null ? null : deadOwners.get(ownerId);
        if (owner != null && !state.isFinal()) {
            state = State.Kind.CRASHED;
            history.add(new StateRecord(state, owner.crashedAt(history.getLast().at()), owner.crashReason()));
        }
        UUID mapId = row.getObject(17, UUID.class);
        RunInfo.MapItem item = mapId == null ? null : new RunInfo.MapItem(mapId, row.getInt(18), row.getInt(19),
                ItemHistory.values()[row.getInt(20)]);
        return new RunRecord(id, row.getObject(2, UUID.class), row.getObject(3, UUID.class),
                row.getString(4), RunInfo.Kind.valueOf(row.getString(5)), row.getString(6), state, history, error,
                row.getString(15), item);
    }

    static OffsetDateTime time(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    static String fit(String text) {
        return fit(text, MOST_CHARS);
    }

    static String fit(String text, int most) {
        if (text == null || text.length() <= most) {
            return text;
        }
        String marker = "... [cut: " + text.length() + " characters]";
        return text.substring(0, most - marker.length()) + marker;
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
