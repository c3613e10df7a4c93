package io.loomflow.workers.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.loomflow.store.RunStore;
import io.loomflow.store.RunStoreException;
import io.loomflow.workers.WorkQueueException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The queue database: a connection pool (HikariCP, which replaces broken connections by itself),
 * direct connections for {@code LISTEN}, the notification channels of the schema, and messages that
 * name the database without its password.
 *
 * <p>Thread-safe. The channels carry the schema's name, so that stores in several schemas of one
 * database (tests, tenants) do not wake each other.
 */
final class Database implements AutoCloseable {

    private static final Pattern PASSWORD = Pattern.compile("(?i)(password=)[^&]*");
    /** SQL state classes of an outage: connection, transaction rollback, resources, operator intervention, system error. */
    private static final Pattern OUTAGE_STATES = Pattern.compile("08|40|53|57|58");

    private final String url;
    private final String shown;
    private final String applicationName;
    private final HikariDataSource pool;
    private final String schema;
    private final Doorbell doorbell;

    private Database(String url, String applicationName, HikariDataSource pool, String schema) {
        this.url = url;
        this.shown = shown(url);
        this.applicationName = applicationName;
        this.pool = pool;
        this.schema = schema;
        this.doorbell = new Doorbell(this);
    }

    /**
     * Opens the database; with {@code migrate}, creates or migrates Loomflow's tables first (through
     * the run history, which owns the schema).
     */
    static Database open(String url, String applicationName, int poolSize, boolean migrate) {
        String shown = shown(url);
        if (migrate) {
            try {
                RunStore.open(url).close();
            } catch (RunStoreException failed) {
                throw queueError(failed);
            }
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName(applicationName);
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(5_000);
        config.addDataSourceProperty("ApplicationName", applicationName);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException failed) {
            throw new WorkQueueException("cannot open the queue database at " + shown + " (" + failed.getMessage()
                    + "); start the database, or check the URL, user and password", failed, true);
        }
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT current_schema()")) {
            rows.next();
            return new Database(url, applicationName, pool, rows.getString(1));
        } catch (SQLException failed) {
            pool.close();
            throw translate(failed, shown, "open");
        }
    }

    /** A run history's error as this module's, with the same message. */
    static WorkQueueException queueError(RunStoreException failed) {
        return new WorkQueueException(String.valueOf(failed.getMessage()), failed, failed.isRetryable());
    }

    /** The URL as it may be shown: without its password. */
    static String shown(String url) {
        return PASSWORD.matcher(url).replaceAll("$1***");
    }

    String shown() {
        return shown;
    }

    /** A connection from the pool. */
    Connection connection() throws SQLException {
        return pool.getConnection();
    }

    /** This process's notifications, with at most one notifying transaction in flight. */
    Doorbell doorbell() {
        return doorbell;
    }

    /** A connection of its own, outside the pool, for {@code LISTEN}. */
    Connection direct() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("ApplicationName", applicationName + "-listen");
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("tcpKeepAlive", "true");
        return DriverManager.getConnection(url, properties);
    }

    /** The channel that wakes workers when runs are queued. */
    String queuedChannel() {
        return channel("lf_queued:");
    }

    /** The channel that tells clients a run ended; its payload is the run's id. */
    String endedChannel() {
        return channel("lf_ended:");
    }

    /** The channel that tells waiters a slot of a shared limit was freed; its payload is the limit's name. */
    String limitFreedChannel() {
        return channel("lf_limit_freed:");
    }

    private String channel(String prefix) {
        // A channel name is an identifier: at most 63 bytes.
        String name = prefix + schema;
        return name.length() <= 63 ? name : prefix + Integer.toHexString(schema.hashCode());
    }

    /** Tells whether a failure says the database is unavailable for a while rather than refusing the request. */
    static boolean isOutage(SQLException failed) {
        for (Throwable cause = failed; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLTransientException || cause instanceof SQLRecoverableException
                    || cause instanceof java.io.IOException) {
                return true;
            }
            if (cause instanceof SQLException sql && sql.getSQLState() != null
                    && OUTAGE_STATES.matcher(sql.getSQLState()).lookingAt()) {
                return true;
            }
        }
        return false;
    }

    /** The exception for a failure to {@code action} the queue at {@code shown}. */
    static WorkQueueException translate(SQLException failed, String shown, String action) {
        String reason = failed.getMessage() == null ? failed.getClass().getName() : failed.getMessage().lines().findFirst().orElse("");
        if (isOutage(failed)) {
            return new WorkQueueException("cannot reach the queue database at " + shown + " to " + action + " (" + reason
                    + "); start the database, or try again when it is back", failed, true);
        }
        return new WorkQueueException("could not " + action + " the queue at " + shown + ": " + reason, failed, false);
    }

    WorkQueueException translate(SQLException failed, String action) {
        return translate(failed, shown, action);
    }

    @Override
    public void close() {
        doorbell.close();
        pool.close();
    }
}
