package io.loomflow.store.internal;

import io.loomflow.store.RunStoreException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * Brings a database's schema to the version this build knows, with Flyway's versioned migrations
 * (one folder per dialect), and refuses a schema a newer build wrote.
 *
 * <p>Flyway is started only when there is something to migrate: an up-to-date store is recognised
 * with one query, which keeps opening a store (and every CLI command) fast.
 */
final class Schema {

    /** The highest migration this build ships; a test checks it against the migration folders. */
    static final int VERSION = 13;

    static final String HISTORY_TABLE = "lf_schema_history";

    private Schema() {
    }

    /** Migrates the store at {@code where} to {@link #VERSION}, or refuses a newer one. */
    static void migrate(DataSource data, SqlDialect dialect, String where) {
        int found = currentVersion(data, where);
        if (found == VERSION) {
            return;
        }
        refuseNewer(found, where);
        try {
            Flyway.configure(Schema.class.getClassLoader())
                    .dataSource(data)
                    .locations("classpath:io/loomflow/store/migration/" + dialect.folder())
                    .table(HISTORY_TABLE)
                    .loggers(FlywayLog.class.getName())
                    // A schema the application shares with us (tables without our lf_ prefix) is fine:
                    // it is baselined at 0 and our migrations apply on top.
                    .baselineOnMigrate(true)
                    .baselineVersion("0")
                    .load()
                    .migrate();
        } catch (FlywayException failed) {
            throw new RunStoreException("could not bring the run history at " + where + " to schema version "
                    + VERSION + ": " + failed.getMessage() + "; if another Loomflow is migrating it, try again", failed);
        }
        refuseNewer(currentVersion(data, where), where);
    }

    /**
     * Checks that a reader can read the store at {@code where} as it is, without migrating it.
     *
     * @return whether it holds none of our tables (nothing was recorded there yet)
     * @throws RunStoreException if its schema is older or newer than {@link #VERSION}
     */
    static boolean requireReadable(DataSource data, String where) {
        int found = currentVersion(data, where);
        refuseNewer(found, where);
        if (found > 0 && found < VERSION) {
            throw new RunStoreException("the run history at " + where + " has schema version " + found + ", older than"
                    + " this Loomflow's (" + VERSION + "), and reading commands never migrate a store; run a command"
                    + " that records runs (such as 'loomflow run FLOW') to migrate it, after backing it up", null);
        }
        return found == 0;
    }

    private static void refuseNewer(int found, String where) {
        if (found > VERSION) {
            throw new RunStoreException("the run history at " + where + " was written by a newer Loomflow (schema version "
                    + found + "; this one knows up to " + VERSION + "); upgrade Loomflow, or point it at another store", null);
        }
    }

    /** The highest applied migration, 0 for a database without our tables. */
    static int currentVersion(DataSource data, String where) {
        try (Connection connection = data.getConnection(); Statement statement = connection.createStatement()) {
            if (!hasHistoryTable(connection)) {
                return 0;
            }
            int highest = 0;
            try (ResultSet rows = statement.executeQuery(
                    "SELECT \"version\" FROM \"" + HISTORY_TABLE + "\" WHERE \"success\" AND \"version\" IS NOT NULL")) {
                while (rows.next()) {
                    highest = Math.max(highest, major(rows.getString(1)));
                }
            }
            return highest;
        } catch (SQLException failed) {
            throw SqlErrors.translate(failed, where, "read the schema version of");
        }
    }

    private static boolean hasHistoryTable(Connection connection) throws SQLException {
        String schema = connection.getSchema();
        try (ResultSet tables = connection.getMetaData().getTables(null, schema, HISTORY_TABLE, null)) {
            return tables.next();
        }
    }

    private static int major(String version) {
        int dot = version.indexOf('.');
        return Integer.parseInt(dot < 0 ? version : version.substring(0, dot));
    }
}
