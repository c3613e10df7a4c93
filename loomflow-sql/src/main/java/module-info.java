/**
 * Loomflow SQL: tables and queries as datasets, through JDBC.
 *
 * <p>Exports one API package, {@code io.loomflow.sql}; adds the catalog's {@code type: sql} and the
 * {@code jdbc:} storage (which holds a dataset's user and password, from {@code credentials.yml}).
 * JDBC drivers are the application's: put PostgreSQL's or H2's on the class or module path.
 */
module io.loomflow.sql {
    requires transitive io.loomflow.data;
    requires transitive java.sql;
    requires static org.jspecify; // nullness annotations, for tools; not needed at run time

    exports io.loomflow.sql;

    provides io.loomflow.data.spi.FormatProvider with io.loomflow.sql.internal.SqlFormatProvider;
    provides io.loomflow.data.spi.StorageProvider with io.loomflow.sql.internal.JdbcStorageProvider;
}
