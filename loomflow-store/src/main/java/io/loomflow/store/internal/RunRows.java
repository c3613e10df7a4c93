package io.loomflow.store.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.loomflow.ItemHistory;
import io.loomflow.RunInfo;
import io.loomflow.State;
import io.loomflow.store.ErrorRecord;
import io.loomflow.store.ItemFailure;
import io.loomflow.store.MapSummary;
import io.loomflow.store.StateRecord;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * How runs and maps are laid out in the SQL tables (schema version 4), shared by the writer, the
 * readers and crash recovery so that they agree.
 *
 * <p>A run keeps its usual life as columns: times as epoch nanoseconds, its state as a small code
 * ({@link State.Kind#ordinal()}, -1 for a label this version does not know). Its history text is
 * kept only when the history is not the one the columns rebuild ({@link #usual}): Scheduled, then
 * Running on attempt 1, then a final state without detail (or, for Failed, the error). A map's item
 * keeps its map and index; what the items share, and what is counted of them, is the map's row
 * ({@link MapChanges}).
 */
final class RunRows {

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    /** The state codes of the final kinds as an SQL list: {@code (4, 5, 6, 7, 8)}. */
    static final String FINAL_CODES = State.Kind.finals().stream().map(kind -> Integer.toString(code(kind)))
            .collect(java.util.stream.Collectors.joining(", ", "(", ")"));
    /** The count column of each kind of state in {@code lf_map}, by ordinal. */
    private static final String[] COUNT_COLUMNS = {"scheduled", "pending", "running", "retrying", "completed", "cached",
            "failed", "cancelled", "crashed"};
    /** How many runs one statement names at most. */
    static final int CHUNK = 500;

    /** What a reader selects of a run: its row, and what its map holds for its items. */
    static final String SELECT = "SELECT r.id, COALESCE(r.parent_id, m.parent_id), COALESCE(r.root_id, m.root_id),"
            + " COALESCE(r.name, m.name), COALESCE(r.kind, m.kind), r.parameters, r.state, r.created, r.started,"
            + " r.ended, r.history, r.error_type, r.error_message, r.error_stack, r.result, r.owner_id, r.map_id,"
            + " r.map_index, m.size, m.keeps FROM lf_run r LEFT JOIN lf_map m ON m.id = r.map_id";
    /** What a map's summary selects. */
    static final String SELECT_MAP = "SELECT id, parent_id, name, size, keeps, created, scheduled, pending, running,"
            + " retrying, completed, cached, failed, cancelled, crashed, failures, durations, longest FROM lf_map";

    private RunRows() {
    }

    static int code(State.Kind kind) {
        return kind.ordinal();
    }

    static State.Kind kind(int code) {
        return code >= 0 && code < State.Kind.values().length ? State.Kind.values()[code] : null;
    }

    /** The column of {@code lf_map} that counts a kind of state. */
    static String countColumn(State.Kind kind) {
        return COUNT_COLUMNS[kind.ordinal()];
    }

    static Long nanos(Instant at) {
        return at == null ? null : at.getEpochSecond() * 1_000_000_000L + at.getNano();
    }

    static Instant instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }

    static Long longOrNull(ResultSet row, int column) throws SQLException {
        long value = row.getLong(column);
        return row.wasNull() ? null : value;
    }

    /** The history the columns stand for when a run's history text is not kept. */
    static List<StateRecord> usual(State.Kind state, long created, Long started, Long ended, String errorType,
                                   String errorMessage) {
        List<StateRecord> history = new ArrayList<>(3);
        history.add(new StateRecord(State.Kind.SCHEDULED, instant(created), ""));
        if (started != null) {
            history.add(new StateRecord(State.Kind.RUNNING, instant(started), "attempt 1"));
        }
        if (state != null && state.isFinal() && ended != null) {
            String detail = state == State.Kind.FAILED && errorType != null
                    ? errorType + (errorMessage == null || errorMessage.isEmpty() ? "" : ": " + errorMessage) : "";
            history.add(new StateRecord(state, instant(ended), detail));
        }
        return history;
    }

    /** The text to keep for a history: none if the columns rebuild it exactly. */
    static String historyText(List<StateRecord> history, State.Kind state, long created, Long started, Long ended,
                              ErrorRecord error) {
        if (history.equals(usual(state, created, started, ended, error == null ? null : error.type(),
                error == null ? null : error.message()))) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        history.forEach(entry -> text.append(historyLine(entry)));
        return text.toString();
    }

    /** One history entry as a line of JSON: {@code ["Running","2026-...Z","attempt 1"]}. */
    static String historyLine(StateRecord entry) {
        try {
            return JSON.writeValueAsString(List.of(entry.state(), entry.at().toString(),
                    SqlRunStore.fit(entry.detail(), 10_000))) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    static List<StateRecord> parseHistory(String lines) {
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

    /** A run's row as the writer and crash recovery read it before changing it. */
    record Row(UUID id, int state, long created, Long started, Long ended, String history, String errorType,
               String errorMessage, UUID mapId, Integer mapIndex, UUID owner) {

        static final String COLUMNS = "id, state, created, started, ended, history, error_type, error_message, map_id,"
                + " map_index, owner_id";

        static Row read(ResultSet row) throws SQLException {
            int index = row.getInt(10);
            return new Row(row.getObject(1, UUID.class), row.getInt(2), row.getLong(3), longOrNull(row, 4),
                    longOrNull(row, 5), row.getString(6), row.getString(7), row.getString(8),
                    row.getObject(9, UUID.class), row.wasNull() ? null : index, row.getObject(11, UUID.class));
        }

        State.Kind kind() {
            return RunRows.kind(state);
        }

        boolean isFinal() {
            State.Kind kind = kind();
            return kind != null && kind.isFinal();
        }

        List<StateRecord> fullHistory() {
            return history != null ? parseHistory(history)
                    : usual(kind(), created, started, ended, errorType, errorMessage);
        }
    }

    /** Reads the rows of the given runs, locking them for this transaction. */
    static Map<UUID, Row> rows(Connection connection, List<UUID> ids) throws SQLException {
        Map<UUID, Row> rows = new HashMap<>();
        for (int from = 0; from < ids.size(); from += CHUNK) {
            List<UUID> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
            try (PreparedStatement select = connection.prepareStatement("SELECT " + Row.COLUMNS
                    + " FROM lf_run WHERE id IN " + marks(chunk.size()) + " FOR UPDATE")) {
                set(select, 1, chunk);
                try (ResultSet found = select.executeQuery()) {
                    while (found.next()) {
                        Row row = Row.read(found);
                        rows.put(row.id(), row);
                    }
                }
            }
        }
        return rows;
    }

    /** The names of the given runs (an item's is its map's), by id; a run the store no longer has is left out. */
    static Map<UUID, String> names(Connection connection, List<UUID> ids) throws SQLException {
        Map<UUID, String> names = new HashMap<>();
        for (int from = 0; from < ids.size(); from += CHUNK) {
            List<UUID> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
            try (PreparedStatement select = connection.prepareStatement("SELECT r.id, COALESCE(r.name, m.name)"
                    + " FROM lf_run r LEFT JOIN lf_map m ON m.id = r.map_id WHERE r.id IN " + marks(chunk.size()))) {
                set(select, 1, chunk);
                try (ResultSet found = select.executeQuery()) {
                    while (found.next()) {
                        names.put(found.getObject(1, UUID.class), found.getString(2));
                    }
                }
            }
        }
        return names;
    }

    /** {@code (?, ?, ?)} with {@code count} marks. */
    static String marks(int count) {
        return "(" + String.join(", ", java.util.Collections.nCopies(count, "?")) + ")";
    }

    static int set(PreparedStatement statement, int first, List<?> values) throws SQLException {
        for (int i = 0; i < values.size(); i++) {
            statement.setObject(first + i, values.get(i));
        }
        return first + values.size();
    }

    /**
     * What a transaction changes of the maps it touches: per map, the items moved between states,
     * the durations of items that ended, and the items that failed, written to {@code lf_map} in
     * the same transaction ({@link #write}).
     */
    static final class MapChanges {

        private static final class Change {
            final RunInfo first;
            final long[] moved = new long[State.Kind.values().length];
            final List<Long> durations = new ArrayList<>();
            final List<Integer> failed = new ArrayList<>();

            Change(RunInfo first) {
                this.first = first;
            }
        }

        private final Map<UUID, Change> changes = new LinkedHashMap<>();

        /**
         * Counts an item's move from one state to another.
         *
         * @param mapId the item's map
         * @param info the item's description, to create the map's row if it has none; {@code null}
         *     when the item is known to be recorded already
         * @param index the item's index
         * @param from its state before, or {@code null} for a new item
         * @param to its state now
         * @param ranNanos how long it ran, if it has just ended after running; else {@code null}
         */
        void moved(UUID mapId, RunInfo info, int index, State.Kind from, State.Kind to, Long ranNanos) {
            Change change = changes.computeIfAbsent(mapId, id -> new Change(info));
            if (from != null) {
                change.moved[from.ordinal()]--;
            }
            change.moved[to.ordinal()]++;
            if (ranNanos != null) {
                change.durations.add(ranNanos);
            }
            if (to == State.Kind.FAILED && (from == null || !from.isFinal())) {
                change.failed.add(index);
            }
        }

        /** Creates the maps seen first now, and adds the changes to every map's row. */
        void write(Connection connection) throws SQLException {
            if (changes.isEmpty()) {
                return;
            }
            List<UUID> ids = new ArrayList<>(changes.keySet());
            Map<UUID, Object[]> known = new HashMap<>();
            for (int from = 0; from < ids.size(); from += CHUNK) {
                List<UUID> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
                try (PreparedStatement select = connection.prepareStatement("SELECT id, failures, durations, longest"
                        + " FROM lf_map WHERE id IN " + marks(chunk.size()) + " FOR UPDATE")) {
                    set(select, 1, chunk);
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            known.put(rows.getObject(1, UUID.class),
                                    new Object[] {rows.getString(2), rows.getBytes(3), rows.getLong(4)});
                        }
                    }
                }
            }
            insertNew(connection, known);
            StringBuilder sql = new StringBuilder("UPDATE lf_map SET ");
            for (String column : COUNT_COLUMNS) {
                sql.append(column).append(" = ").append(column).append(" + ?, ");
            }
            sql.append("failures = ?, durations = ?, longest = ? WHERE id = ?");
            try (PreparedStatement update = connection.prepareStatement(sql.toString())) {
                for (Map.Entry<UUID, Change> entry : changes.entrySet()) {
                    Change change = entry.getValue();
                    Object[] before = known.getOrDefault(entry.getKey(), new Object[] {"", null, 0L});
                    int column = 1;
                    for (long moved : change.moved) {
                        update.setLong(column++, moved);
                    }
                    update.setString(column++, failures((String) before[0], change.failed));
                    DurationHistogram histogram = new DurationHistogram(decode((byte[]) before[1]), (Long) before[2]);
                    change.durations.forEach(histogram::add);
                    update.setBytes(column++, encode(histogram.counts()));
                    update.setLong(column++, histogram.max());
                    update.setObject(column, entry.getKey());
                    update.addBatch();
                }
                update.executeBatch();
            }
        }

        private void insertNew(Connection connection, Map<UUID, Object[]> known) throws SQLException {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO lf_map (id, parent_id, root_id,"
                    + " name, kind, size, keeps, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                int added = 0;
                for (Map.Entry<UUID, Change> entry : changes.entrySet()) {
                    RunInfo first = entry.getValue().first;
                    if (known.containsKey(entry.getKey()) || first == null) {
                        continue;
                    }
                    insert.setObject(1, entry.getKey());
                    insert.setObject(2, first.parentId());
                    insert.setObject(3, first.rootId());
                    insert.setString(4, SqlRunStore.fit(first.name()));
                    insert.setString(5, first.kind().name());
                    insert.setInt(6, first.mapItem().size());
                    insert.setInt(7, first.mapItem().history().ordinal());
                    insert.setLong(8, nanos(first.createdAt()));
                    insert.addBatch();
                    added++;
                }
                if (added > 0) {
                    insert.executeBatch();
                }
            }
        }

        private static String failures(String before, List<Integer> failed) {
            StringBuilder text = new StringBuilder(before);
            int kept = before.isEmpty() ? 0 : before.split(",").length;
            for (Integer index : failed) {
                if (kept == MapSummary.FAILURES_KEPT) {
                    break;
                }
                text.append(kept++ == 0 ? "" : ",").append(index);
            }
            return text.toString();
        }
    }

    /** A histogram's counts as (bucket, count) pairs of variable-length numbers, leaving out empty buckets. */
    static byte[] encode(long[] counts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int bucket = 0; bucket < counts.length; bucket++) {
            if (counts[bucket] != 0) {
                varint(out, bucket);
                varint(out, counts[bucket]);
            }
        }
        return out.toByteArray();
    }

    static long[] decode(byte[] bytes) {
        long[] counts = new long[DurationHistogram.BUCKETS];
        if (bytes == null) {
            return counts;
        }
        int[] at = {0};
        while (at[0] < bytes.length) {
            int bucket = (int) readVarint(bytes, at);
            counts[bucket] = readVarint(bytes, at);
        }
        return counts;
    }

    private static void varint(ByteArrayOutputStream out, long value) {
        long rest = value;
        while ((rest & ~0x7FL) != 0) {
            out.write((int) ((rest & 0x7F) | 0x80));
            rest >>>= 7;
        }
        out.write((int) rest);
    }

    private static long readVarint(byte[] bytes, int[] at) {
        long value = 0;
        int shift = 0;
        while (true) {
            byte next = bytes[at[0]++];
            value |= (long) (next & 0x7F) << shift;
            if ((next & 0x80) == 0) {
                return value;
            }
            shift += 7;
        }
    }

    /** A map's row as its summary; its first failures are read from their runs. */
    static MapSummary mapSummary(Connection connection, ResultSet row) throws SQLException {
        UUID id = row.getObject(1, UUID.class);
        EnumMap<State.Kind, Long> counts = new EnumMap<>(State.Kind.class);
        for (State.Kind kind : State.Kind.values()) {
            counts.put(kind, row.getLong(7 + kind.ordinal()));
        }
        String failureText = row.getString(16);
        List<ItemFailure> failures = new ArrayList<>();
        if (!failureText.isEmpty()) {
            List<Integer> indexes = java.util.Arrays.stream(failureText.split(",")).map(Integer::valueOf).toList();
            Map<Integer, ItemFailure> found = new HashMap<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT map_index, id, error_type, error_message,"
                    + " error_stack FROM lf_run WHERE map_id = ? AND map_index IN " + marks(indexes.size()))) {
                select.setObject(1, id);
                set(select, 2, indexes);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        found.put(rows.getInt(1), new ItemFailure(rows.getInt(1), rows.getObject(2, UUID.class),
                                new ErrorRecord(String.valueOf(rows.getString(3)), String.valueOf(rows.getString(4)),
                                        String.valueOf(rows.getString(5)))));
                    }
                }
            }
            indexes.stream().map(found::get).filter(java.util.Objects::nonNull).forEach(failures::add);
        }
        DurationHistogram durations = new DurationHistogram(decode(row.getBytes(17)), row.getLong(18));
        return new MapSummary(id, row.getObject(2, UUID.class), row.getString(3), row.getInt(4),
                ItemHistory.values()[row.getInt(5)], instant(row.getLong(6)), counts, failures, durations.durations());
    }

    /**
     * Deletes runs with everything below them (their children, the maps they started with their
     * items) and the log lines of each, a few hundred runs per statement.
     *
     * @return how many runs were deleted
     */
    static long deleteTrees(Connection connection, List<UUID> ids) throws SQLException {
        long deleted = 0;
        for (int from = 0; from < ids.size(); from += CHUNK) {
            List<UUID> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
            deleted += deleteTrees(connection, ids("SELECT id FROM lf_run WHERE parent_id IN " + marks(chunk.size()),
                    connection, chunk));
            for (UUID map : ids("SELECT id FROM lf_map WHERE parent_id IN " + marks(chunk.size()), connection, chunk)) {
                deleted += deleteMap(connection, map);
            }
            deleted += delete(connection, chunk);
        }
        return deleted;
    }

    /** Deletes the lineage of a root's tree: one range of the primary key of {@code lf_lineage}. */
    static void deleteLineage(Connection connection, UUID root) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM lf_lineage WHERE root_id = ?")) {
            delete.setObject(1, root);
            delete.executeUpdate();
        }
    }

    private static long deleteMap(Connection connection, UUID map) throws SQLException {
        long deleted = 0;
        int after = -1;
        try (PreparedStatement select = connection.prepareStatement("SELECT id, map_index FROM lf_run WHERE map_id = ?"
                + " AND map_index > ? ORDER BY map_id, map_index LIMIT " + CHUNK)) {
            while (true) {
                select.setObject(1, map);
                select.setInt(2, after);
                List<UUID> items = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        items.add(rows.getObject(1, UUID.class));
                        after = rows.getInt(2);
                    }
                }
                if (items.isEmpty()) {
                    break;
                }
                deleted += deleteTrees(connection, items);
            }
        }
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM lf_map WHERE id = ?")) {
            delete.setObject(1, map);
            delete.executeUpdate();
        }
        return deleted;
    }

    private static long delete(Connection connection, List<UUID> chunk) throws SQLException {
        try (PreparedStatement logs = connection.prepareStatement("DELETE FROM lf_log WHERE run_id IN "
                + marks(chunk.size()));
             PreparedStatement runs = connection.prepareStatement("DELETE FROM lf_run WHERE id IN " + marks(chunk.size()))) {
            set(logs, 1, chunk);
            logs.executeUpdate();
            set(runs, 1, chunk);
            return runs.executeUpdate();
        }
    }

    private static List<UUID> ids(String sql, Connection connection, List<UUID> values) throws SQLException {
        List<UUID> ids = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            set(select, 1, values);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getObject(1, UUID.class));
                }
            }
        }
        return ids;
    }
}
