package io.loomflow.sql.internal;

import io.loomflow.data.spi.Storage;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.BaseStream;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;

/** Loads and saves a SQL table or query: the work behind {@code io.loomflow.sql.SqlTable}. */
public final class SqlIo {

    /** How a save writes. */
    public enum Write { APPEND, OVERWRITE, UPSERT }

    private SqlIo() {
    }

    private static JdbcStorage jdbc(Storage storage, URI location) throws IOException {
        if (storage instanceof JdbcStorage jdbc) {
            return jdbc;
        }
        throw new IOException(location + " is read with the storage " + storage + ", not the jdbc: storage of"
                + " loomflow-sql; give the jdbc: storage (SqlTable.dataSource(...) for a pool of your own)");
    }

    private static void checkUrl(URI location) {
        String url = location.toString().toLowerCase(Locale.ROOT);
        if (!url.startsWith("jdbc:")) {
            throw new IllegalArgumentException("location " + location + " is not a JDBC URL; give jdbc:postgresql://"
                    + "host/database or jdbc:h2:...");
        }
        if (url.matches(".*[?&;:]password=.*")) {
            throw new IllegalArgumentException("the JDBC URL holds a password; remove it and give it in credentials.yml"
                    + " (user and password of the entry the dataset names with credentials: NAME)");
        }
    }

    private static Connection connect(URI location, Storage storage) throws IOException {
        checkUrl(location);
        try {
            return jdbc(storage, location).connect(location);
        } catch (SQLException refused) {
            throw new IOException("could not connect (" + refused.getMessage() + "); check the URL, that the database"
                    + " runs, that its JDBC driver is on the class path, and the user and password of the dataset's"
                    + " credentials", refused);
        }
    }

    /**
     * Loads the rows of a table or query.
     *
     * @param location the JDBC URL
     * @param storage the jdbc: storage
     * @param table the table, or {@code null}
     * @param query the query, or {@code null}
     * @param record the record class, or {@code null} for maps
     * @param fetchSize rows fetched at a time
     * @param lazy {@code true} for a stream that holds the connection until it is closed
     * @return a list, or a stream
     * @throws IOException if the database fails
     */
    public static Object load(URI location, Storage storage, @Nullable String table, @Nullable String query,
                              @Nullable Class<? extends Record> record, int fetchSize, boolean lazy) throws IOException {
        Connection connection = connect(location, storage);
        boolean handedOver = false;
        try {
            String sql = table != null ? "SELECT * FROM " + Names.sqlTable(table, connection.getMetaData()) : query;
            connection.setAutoCommit(false); // PostgreSQL fetches in pieces only within a transaction
            connection.setReadOnly(true);
            ResultSet rows;
            try {
                PreparedStatement statement = connection.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY,
                        ResultSet.CONCUR_READ_ONLY);
                statement.setFetchSize(fetchSize);
                rows = statement.executeQuery();
            } catch (SQLException failed) {
                if (table != null && isMissingTable(failed)) {
                    throw new MissingTableException("table '" + table + "' does not exist in " + location
                            + "; create it, or check the name and schema");
                }
                throw failed;
            }
            ResultSetMetaData metaData = rows.getMetaData();
            RowReader reader = record == null ? RowReader.maps(metaData) : RowReader.records(metaData, record);
            if (!lazy) {
                List<Object> all = new ArrayList<>();
                long row = 0;
                while (rows.next()) {
                    all.add(reader.read(rows, ++row));
                }
                return List.copyOf(all);
            }
            handedOver = true;
            return stream(connection, rows, reader);
        } catch (SQLException failed) {
            throw new IOException(describe(failed), failed);
        } finally {
            if (!handedOver) {
                closeQuietly(connection);
            }
        }
    }

    private static Stream<Object> stream(Connection connection, ResultSet rows, RowReader reader) {
        Iterator<Object> iterator = new Iterator<>() {
            private long row;
            private @Nullable Boolean ahead;

            @Override
            public boolean hasNext() {
                if (ahead == null) {
                    try {
                        ahead = rows.next();
                    } catch (SQLException failed) {
                        throw new IllegalStateException("reading row " + (row + 1) + " failed: " + describe(failed),
                                failed);
                    }
                }
                return ahead;
            }

            @Override
            public Object next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                ahead = null;
                try {
                    return reader.read(rows, ++row);
                } catch (SQLException failed) {
                    throw new IllegalStateException("reading row " + row + " failed: " + describe(failed), failed);
                }
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator, Spliterator.ORDERED
                | Spliterator.NONNULL), false).onClose(() -> closeQuietly(connection));
    }

    private static void closeQuietly(Connection connection) {
        try {
            if (!connection.getAutoCommit()) {
                connection.rollback(); // a read-only transaction: nothing to keep
            }
        } catch (SQLException ignored) {
            // closing anyway
        }
        try {
            connection.close(); // closes its statements and results too
        } catch (SQLException ignored) {
            // nothing more to do for a connection that cannot close
        }
    }

    private static boolean isMissingTable(SQLException failed) {
        String state = String.valueOf(failed.getSQLState());
        return state.equals("42P01") || state.equals("42S02") || state.equals("42102");
    }

    private static String describe(SQLException failed) {
        return failed.getMessage() + (failed.getSQLState() == null ? "" : " (SQL state " + failed.getSQLState() + ")");
    }

    /**
     * Saves rows into a table, all in one transaction.
     *
     * @param location the JDBC URL
     * @param storage the jdbc: storage
     * @param table the table
     * @param key the key columns of an upsert
     * @param write how
     * @param batchSize rows per batch
     * @param value a list or stream of records or maps
     * @throws IOException if the database fails; the table is left as it was
     */
    public static void save(URI location, Storage storage, String table, List<String> key, Write write,
                            int batchSize, @Nullable Object value) throws IOException {
        Iterator<?> rows;
        AutoCloseable source;
        if (value instanceof Iterable<?> iterable) {
            rows = iterable.iterator();
            source = () -> { };
        } else if (value instanceof BaseStream<?, ?> stream) {
            rows = stream.iterator();
            source = stream;
        } else {
            throw new IllegalArgumentException("was given " + (value == null ? "null" : "a " + value.getClass()
                    .getName()) + "; give a List or Stream of records or of maps of column to value");
        }
        try (AutoCloseable closing = source; Connection connection = connect(location, storage)) {
            saveRows(connection, location, table, key, write, batchSize, rows);
        } catch (IOException | RuntimeException failed) {
            throw failed;
        } catch (Exception failed) {
            throw new IOException(failed.getMessage(), failed);
        }
    }

    private static void saveRows(Connection connection, URI location, String table, List<String> key, Write write,
                                 int batchSize, Iterator<?> rows) throws IOException {
        long row = 0;
        try {
            connection.setAutoCommit(false);
            String product = connection.getMetaData().getDatabaseProductName();
            String sqlTable = Names.sqlTable(table, connection.getMetaData());
            Map<String, String> columns = new LinkedHashMap<>(); // matching form -> name in the database
            Map<String, Integer> types = new LinkedHashMap<>();
            try (Statement statement = connection.createStatement();
                 ResultSet none = statement.executeQuery("SELECT * FROM " + sqlTable + " WHERE 1 = 0")) {
                ResultSetMetaData metaData = none.getMetaData();
                for (int i = 1; i <= metaData.getColumnCount(); i++) {
                    columns.put(Names.matching(metaData.getColumnName(i)), metaData.getColumnName(i));
                    types.put(metaData.getColumnName(i), metaData.getColumnType(i));
                }
            } catch (SQLException failed) {
                if (isMissingTable(failed)) {
                    throw new MissingTableException("table '" + table + "' does not exist in " + location
                            + "; create it first (a save does not create tables)");
                }
                throw failed;
            }
            List<String> keyColumns = new ArrayList<>();
            for (String part : key) {
                keyColumns.add(column(columns, part, "key column", table));
            }
            if (write == Write.OVERWRITE) {
                try (Statement statement = connection.createStatement()) {
                    statement.executeUpdate("DELETE FROM " + sqlTable);
                }
            }
            List<String> fields = null;
            List<String> targets = null;
            PreparedStatement insert = null;
            try {
                while (rows.hasNext()) {
                    Object next = rows.next();
                    row++;
                    if (fields == null) {
                        fields = fields(next);
                        targets = new ArrayList<>();
                        for (String field : fields) {
                            targets.add(column(columns, field, next instanceof Record ? "component of "
                                    + next.getClass().getSimpleName() : "key of the map", table));
                        }
                        insert = connection.prepareStatement(statement(product, sqlTable, targets, keyColumns, write));
                    }
                    List<?> values = values(next, fields, row);
                    for (int i = 0; i < values.size(); i++) {
                        bind(insert, i + 1, values.get(i), types.get(targets.get(i)));
                    }
                    insert.addBatch();
                    if (row % batchSize == 0) {
                        insert.executeBatch();
                    }
                }
                if (insert != null && row % batchSize != 0) {
                    insert.executeBatch();
                }
            } finally {
                if (insert != null) {
                    insert.close();
                }
            }
            connection.commit();
        } catch (SQLException | RuntimeException failed) {
            try {
                connection.rollback();
            } catch (SQLException ignored) {
                // the connection is closed next; the database rolls back a transaction never committed
            }
            long failedBatch = (row - 1) / batchSize; // the batch of the row reached, counted from 0
            String where = row == 0 ? "" : " in batch " + (failedBatch + 1) + " (rows " + (failedBatch * batchSize + 1)
                    + " to " + row + ")";
            if (failed instanceof RuntimeException runtime) {
                if (failed instanceof IllegalArgumentException) {
                    throw new IllegalArgumentException(failed.getMessage() + "; table '" + table + "' is left as it was",
                            failed);
                }
                throw runtime;
            }
            SQLException cause = (SQLException) failed;
            SQLException first = cause.getNextException() != null ? cause.getNextException() : cause;
            String message = "saving into table '" + table + "' failed" + where + ": " + describe(first)
                    + "; nothing was saved, the table is left as it was";
            if (String.valueOf(first.getSQLState()).startsWith("23") || String.valueOf(first.getSQLState())
                    .startsWith("22")) {
                throw new IllegalArgumentException(message + "; fix the rows", cause);
            }
            throw new IOException(message, cause);
        }
    }

    private static String column(Map<String, String> columns, String field, String what, String table) {
        String column = columns.get(Names.matching(field));
        if (column == null) {
            throw new IllegalArgumentException(what + " '" + field + "' has no column in table '" + table + "', which"
                    + " has " + String.join(", ", columns.values()) + "; add the column, or rename the " + what);
        }
        return column;
    }

    private static List<String> fields(Object row) {
        if (row instanceof Record record) {
            List<String> names = new ArrayList<>();
            for (RecordComponent part : record.getClass().getRecordComponents()) {
                names.add(part.getName());
            }
            return names;
        }
        if (row instanceof Map<?, ?> map) {
            List<String> names = new ArrayList<>();
            map.keySet().forEach(name -> names.add(String.valueOf(name)));
            return names;
        }
        throw new IllegalArgumentException("row 1 is a " + row.getClass().getName() + "; give records, or maps of"
                + " column to value");
    }

    private static List<?> values(Object row, List<String> fields, long number) {
        List<@Nullable Object> values = new ArrayList<>();
        if (row instanceof Record record) {
            for (RecordComponent part : record.getClass().getRecordComponents()) {
                try {
                    part.getAccessor().setAccessible(true);
                    values.add(part.getAccessor().invoke(record));
                } catch (ReflectiveOperationException | RuntimeException failed) {
                    throw new IllegalArgumentException("row " + number + ": component " + part.getName()
                            + " cannot be read: " + failed);
                }
            }
        } else if (row instanceof Map<?, ?> map) {
            if (map.size() != fields.size() || !fields.stream().allMatch(map::containsKey)) {
                throw new IllegalArgumentException("row " + number + " has the keys " + map.keySet() + ", but row 1 had "
                        + fields + "; give every row the same keys");
            }
            fields.forEach(field -> values.add(map.get(field)));
        } else {
            throw new IllegalArgumentException("row " + number + " is a " + (row == null ? "null" : row.getClass()
                    .getName()) + "; give records, or maps of column to value");
        }
        return values;
    }

    private static void bind(PreparedStatement statement, int index, @Nullable Object value, int sqlType)
            throws SQLException {
        switch (value) {
            case null -> statement.setNull(index, sqlType);
            case Instant instant -> statement.setObject(index, instant.atOffset(ZoneOffset.UTC));
            case byte[] bytes -> statement.setBytes(index, bytes);
            case Enum<?> constant -> statement.setString(index, constant.name());
            default -> statement.setObject(index, value);
        }
    }

    private static String statement(String product, String table, List<String> columns, List<String> key,
                                    Write write) {
        List<String> quoted = columns.stream().map(Names::quote).toList();
        String names = String.join(", ", quoted);
        String marks = String.join(", ", columns.stream().map(column -> "?").toList());
        if (write != Write.UPSERT) {
            return "INSERT INTO " + table + " (" + names + ") VALUES (" + marks + ")";
        }
        for (String part : key) {
            if (!columns.contains(part)) {
                throw new IllegalArgumentException("key column '" + part + "' is not among the values saved ("
                        + String.join(", ", columns) + "); an upsert needs every key column in every row");
            }
        }
        String keys = String.join(", ", key.stream().map(Names::quote).toList());
        return switch (product) {
            case "PostgreSQL" -> {
                List<String> updates = columns.stream().filter(column -> !key.contains(column))
                        .map(column -> Names.quote(column) + " = EXCLUDED." + Names.quote(column)).toList();
                yield "INSERT INTO " + table + " (" + names + ") VALUES (" + marks + ") ON CONFLICT (" + keys + ") DO "
                        + (updates.isEmpty() ? "NOTHING" : "UPDATE SET " + String.join(", ", updates));
            }
            case "H2" -> "MERGE INTO " + table + " (" + names + ") KEY (" + keys + ") VALUES (" + marks + ")";
            default -> throw new IllegalArgumentException("upsert is written for PostgreSQL and H2, and the database"
                    + " is " + product + "; use mode append or overwrite, or save into PostgreSQL or H2");
        };
    }
}
