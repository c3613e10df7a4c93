package io.loomflow.schedules.internal;

import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The one connection a slot or trigger table works through, made again when the database dropped it
 * (a restart, an administrator's {@code pg_terminate_backend}, a network failure): the statement that
 * found it broken fails, and the next one runs on a new connection, so a scheduler whose database
 * came back fires again instead of failing every tick for ever. Callers hold their table's lock.
 */
final class Database implements AutoCloseable {

    private final String url;
    private final String what;
    private @Nullable Connection connection;
    private final Map<String, PreparedStatement> prepared = new HashMap<>(); // of the current connection
    private boolean closed;

    private Database(String url, String what) {
        this.url = url;
        this.what = what;
    }

    /**
     * Connects to {@code url}, failing at once with what to do when it cannot.
     *
     * @param url a {@code jdbc:h2:} or {@code jdbc:postgresql:} URL
     * @param what whose database it is, for messages ("the schedules'")
     * @return the database, connected
     */
    static Database open(String url, String what) {
        Database database = new Database(url, what);
        try {
            database.connection();
        } catch (SQLException failed) {
            throw new IllegalStateException("cannot open " + what + " database (" + failed.getMessage()
                    + "); start the database, or check the URL", failed);
        }
        return database;
    }

    /**
     * The connection: the current one, or a new one if the last was found broken.
     *
     * @return a connection in manual commit, read committed
     * @throws SQLException if the database cannot be reached, or this was closed (it never connects again)
     */
    Connection connection() throws SQLException {
        if (closed) {
            throw new SQLException(this + " was closed: its scheduler or trigger runner is closed");
        }
        Connection current = connection;
        if (current != null) {
            return current;
        }
        // H2's user is the run history's (sa), as RunStore opens it
        Connection made = url.startsWith("jdbc:h2:") ? DriverManager.getConnection(url, "sa", "")
                : DriverManager.getConnection(url);
        made.setAutoCommit(false);
        made.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        connection = made;
        return made;
    }

    /**
     * A statement of the current connection, prepared once and kept until the connection is dropped
     * (its next use on a new connection prepares it again). The caller must not close it.
     *
     * @param sql the statement
     * @return it, prepared
     * @throws SQLException if the database cannot be reached or rejects the statement
     */
    PreparedStatement prepared(String sql) throws SQLException {
        Connection current = connection();
        PreparedStatement statement = prepared.get(sql);
        if (statement == null) {
            statement = current.prepareStatement(sql);
            prepared.put(sql, statement);
        }
        return statement;
    }

    /** Forgets the batches added to the prepared statements (after a batch failed), whatever their state. */
    void clearBatches() {
        for (PreparedStatement statement : prepared.values()) {
            try {
                statement.clearBatch();
            } catch (SQLException ignored) {
                // a statement of a broken connection: it is dropped with it
            }
        }
    }

    /**
     * A SQL array of texts, for {@code column = ANY(?)} (PostgreSQL and H2 both read it, and use an
     * index on the column).
     *
     * @param texts the values
     * @return the array, of the current connection
     * @throws SQLException if the database cannot be reached
     */
    Array texts(Collection<String> texts) throws SQLException {
        return connection().createArrayOf("varchar", texts.toArray());
    }

    /**
     * The error of a statement that failed; when the connection itself is broken (SQL state class
     * {@code 08}, or no longer valid), it is dropped, and the next statement connects again.
     *
     * @param action what was being done, for the message ("claim the due slots of schedule x")
     * @param failed what the driver threw
     * @return the exception to throw
     */
    IllegalStateException failure(String action, SQLException failed) {
        Connection current = connection;
        if (current != null && broken(current, failed)) {
            connection = null;
            prepared.clear();
            try {
                current.close();
            } catch (SQLException ignored) {
                failed.addSuppressed(ignored);
            }
        }
        return new IllegalStateException("cannot " + action + " (" + failed.getMessage() + ")", failed);
    }

    private static boolean broken(Connection current, SQLException failed) {
        String state = failed.getSQLState();
        if (state != null && state.startsWith("08")) {
            return true;
        }
        try {
            return current.isClosed() || !current.isValid(2);
        } catch (SQLException unknowable) {
            return true;
        }
    }

    @Override
    public void close() {
        closed = true;
        Connection current = connection;
        connection = null;
        prepared.clear();
        if (current != null) {
            try {
                current.close();
            } catch (SQLException ignored) {
                // closing: nothing left to do with it
            }
        }
    }

    @Override
    public String toString() {
        return what + " database at " + url;
    }
}
