package io.loomflow.sql;

import io.loomflow.Resource;
import io.loomflow.data.spi.DirectFormat;
import io.loomflow.data.spi.Storage;
import io.loomflow.sql.internal.JdbcStorage;
import io.loomflow.sql.internal.Names;
import io.loomflow.sql.internal.SqlIo;
import java.io.IOException;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A SQL table or query as a dataset, through JDBC: the catalog's {@code type: sql}. The dataset's
 * location is the JDBC URL ({@code jdbc:postgresql://host/db}, {@code jdbc:h2:...}); its user and
 * password come from the {@code jdbc:} storage's options, which a catalog takes from {@code
 * credentials.yml} (never from the catalog file itself).
 *
 * <p>Loading runs {@code SELECT * FROM table} or the query and turns each row into a record (columns
 * matched to components by name, case and {@code _} ignored, so {@code birth_date} fills {@code
 * birthDate}) or a map of column to value. The result's columns are checked against the record
 * before any row is read. Saving writes the rows in batches of {@link #batchSize(int)}, all in one
 * transaction: a failing row leaves the table as it was.
 * {@snippet :
 * Dataset<List<Person>> people = Dataset.of("people", URI.create("jdbc:h2:mem:app"),
 *         SqlTable.of(Person.class).table("people").key("id"),
 *         Storages.resource(new StorageOptions("jdbc", Map.of("user", "sa"))));
 * }
 * Immutable and thread-safe.
 *
 * @param <T> the dataset's value: a list or stream of records or maps
 */
public final class SqlTable<T> implements DirectFormat<T> {

    /** How a save writes into the table. */
    public enum Mode {
        /** Inserts the rows beside those there. */
        APPEND,
        /** Deletes the rows there, then inserts, in one transaction. */
        OVERWRITE,
        /** Inserts, or updates the row of the same key ({@link #key(String...)}). */
        UPSERT
    }

    private static final int DEFAULT_BATCH = 1000;

    private final @Nullable Class<? extends Record> record;
    private final boolean lazy;
    private final @Nullable String table;
    private final @Nullable String query;
    private final List<String> key;
    private final @Nullable Mode mode;
    private final int batchSize;

    private SqlTable(@Nullable Class<? extends Record> record, boolean lazy, @Nullable String table,
                     @Nullable String query, List<String> key, @Nullable Mode mode, int batchSize) {
        this.record = record;
        this.lazy = lazy;
        this.table = table;
        this.query = query;
        this.key = key;
        this.mode = mode;
        this.batchSize = batchSize;
    }

    /**
     * Rows as a list of records.
     *
     * @param record the record class
     * @param <R> its type
     * @return the format, without a table or query yet
     */
    public static <R extends Record> SqlTable<List<R>> of(Class<R> record) {
        return new SqlTable<>(Objects.requireNonNull(record, "record"), false, null, null, List.of(), null, DEFAULT_BATCH);
    }

    /**
     * Rows as a list of maps of column (as the database names it) to value.
     *
     * @return the format, without a table or query yet
     */
    public static SqlTable<List<Map<String, Object>>> rows() {
        return new SqlTable<>(null, false, null, null, List.of(), null, DEFAULT_BATCH);
    }

    /**
     * Rows as a lazy stream of records, fetched {@link #batchSize(int)} at a time; the connection is
     * held until the stream is closed (a pipeline closes its nodes' input streams).
     *
     * @param record the record class
     * @param <R> its type
     * @return the format, without a table or query yet
     */
    public static <R extends Record> SqlTable<Stream<R>> stream(Class<R> record) {
        return new SqlTable<>(Objects.requireNonNull(record, "record"), true, null, null, List.of(), null, DEFAULT_BATCH);
    }

    /**
     * Rows as a lazy stream of maps; see {@link #stream(Class)}.
     *
     * @return the format, without a table or query yet
     */
    public static SqlTable<Stream<Map<String, Object>>> rowStream() {
        return new SqlTable<>(null, true, null, null, List.of(), null, DEFAULT_BATCH);
    }

    /**
     * A data source (such as a connection pool) as the {@code jdbc:} storage, for {@code
     * Catalog.withStorage("jdbc", ...)} or {@code Dataset.of}: connections come from it, whatever the
     * dataset's URL says.
     *
     * @param dataSource the data source
     * @return the storage, as an engine resource
     */
    public static Resource<Storage> dataSource(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        return Resource.named("storage jdbc: (data source)", () -> JdbcStorage.of(dataSource));
    }

    /**
     * The same, on a table: loads {@code SELECT * FROM table}, saves into it.
     *
     * @param table {@code name} or {@code schema.name}: letters, digits and {@code _}; folded to the
     *     database's case as an unquoted name is
     * @return the changed copy
     * @throws IllegalArgumentException if it is not a plain name, or a query was given
     */
    public SqlTable<T> table(String table) {
        Names.checkTable(Objects.requireNonNull(table, "table"), "table");
        if (query != null) {
            throw new IllegalArgumentException("give a table or a query, not both");
        }
        return new SqlTable<>(record, lazy, table, null, key, mode, batchSize);
    }

    /**
     * The same, on a query: loads its rows; cannot be saved.
     *
     * @param query a {@code SELECT}, without parameters
     * @return the changed copy
     * @throws IllegalArgumentException if it is blank, or a table was given
     */
    public SqlTable<T> query(String query) {
        if (query == null || query.isBlank()) {
            throw new IllegalArgumentException("the query is blank; give a SELECT");
        }
        if (table != null) {
            throw new IllegalArgumentException("give a table or a query, not both");
        }
        return new SqlTable<>(record, lazy, null, query, key, mode, batchSize);
    }

    /**
     * The same, saving by upsert on these key columns (the mode is {@link Mode#UPSERT} unless set).
     *
     * @param columns the key's columns, which the table has a unique constraint on
     * @return the changed copy
     */
    public SqlTable<T> key(String... columns) {
        List<String> checked = Arrays.stream(columns).map(Names::checkColumn).toList();
        if (checked.isEmpty()) {
            throw new IllegalArgumentException("a key needs at least one column");
        }
        return new SqlTable<>(record, lazy, table, query, checked, mode, batchSize);
    }

    /**
     * The same, with how a save writes: by default {@link Mode#UPSERT} with a key, else {@link
     * Mode#APPEND}.
     *
     * @param mode the mode
     * @return the changed copy
     */
    public SqlTable<T> mode(Mode mode) {
        return new SqlTable<>(record, lazy, table, query, key, Objects.requireNonNull(mode, "mode"), batchSize);
    }

    /**
     * The same, with rows per batch of a save and per fetch of a load (1000 by default).
     *
     * @param rows at least 1
     * @return the changed copy
     */
    public SqlTable<T> batchSize(int rows) {
        if (rows < 1) {
            throw new IllegalArgumentException("batchSize was " + rows + "; give at least 1");
        }
        return new SqlTable<>(record, lazy, table, query, key, mode, rows);
    }

    @Override
    public String name() {
        return "sql";
    }

    @Override
    @SuppressWarnings("unchecked")
    public T load(String dataset, URI location, Storage storage) throws IOException {
        requireSource();
        return (T) SqlIo.load(location, storage, table, query, record, batchSize, lazy);
    }

    @Override
    public void save(String dataset, URI location, Storage storage, T value) throws IOException {
        requireSource();
        if (table == null) {
            throw new IllegalArgumentException("a query cannot be saved into; give a table to save into");
        }
        Mode write = mode != null ? mode : key.isEmpty() ? Mode.APPEND : Mode.UPSERT;
        if (write == Mode.UPSERT && key.isEmpty()) {
            throw new IllegalArgumentException("mode upsert needs a key; give key: the columns of the table's unique"
                    + " constraint, such as key: id");
        }
        SqlIo.save(location, storage, table, key, SqlIo.Write.valueOf(write.name()), batchSize, value);
    }

    @Override
    public boolean exists(URI location, Storage storage) throws IOException {
        requireSource();
        try {
            Object rows = SqlIo.load(location, storage, table, query, null, 1, true);
            ((Stream<?>) rows).close();
            return true;
        } catch (io.loomflow.sql.internal.MissingTableException absent) {
            return false;
        }
    }

    private void requireSource() {
        if (table == null && query == null) {
            throw new IllegalArgumentException("no table or query; give one, as SqlTable.of(...).table(\"people\") or"
                    + " options: { table: people }");
        }
    }

    /**
     * Not used: a SQL table is not bytes.
     *
     * @param content ignored
     * @return never
     * @throws UnsupportedOperationException always
     */
    @Override
    public T read(byte[] content) {
        throw new UnsupportedOperationException("a SQL table is loaded from its database, not from bytes");
    }

    /**
     * Not used: a SQL table is not bytes.
     *
     * @param value ignored
     * @return never
     * @throws UnsupportedOperationException always
     */
    @Override
    public byte[] write(T value) {
        throw new UnsupportedOperationException("a SQL table is saved into its database, not as bytes");
    }

    @Override
    public String toString() {
        return "SqlTable[" + (table != null ? "table " + table : query != null ? "query" : "no table")
                + (record != null ? ", " + record.getSimpleName() : ", maps") + (lazy ? ", stream" : "")
                + (key.isEmpty() ? "" : ", key " + key) + "]";
    }
}
