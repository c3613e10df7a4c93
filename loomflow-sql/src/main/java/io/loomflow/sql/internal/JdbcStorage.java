package io.loomflow.sql.internal;

import io.loomflow.data.spi.Storage;
import java.io.IOException;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The {@code jdbc:} storage: not objects, but the way to a database, with the user and password of
 * its options (from {@code credentials.yml}) or a {@link DataSource} (a pool) given in code. Only
 * datasets of type {@code sql} use it; a byte-level call is refused with what to do.
 */
public final class JdbcStorage implements Storage {

    private final @Nullable String user;
    private final @Nullable String password;
    private final @Nullable DataSource dataSource;

    JdbcStorage(@Nullable String user, @Nullable String password, @Nullable DataSource dataSource) {
        this.user = user;
        this.password = password;
        this.dataSource = dataSource;
    }

    /**
     * A storage whose connections come from a data source, whatever the location's URL.
     *
     * @param dataSource the data source, such as a connection pool
     * @return the storage
     */
    public static JdbcStorage of(DataSource dataSource) {
        return new JdbcStorage(null, null, dataSource);
    }

    /**
     * Opens a connection to the database of a location.
     *
     * @param location a {@code jdbc:} URL
     * @return an open connection
     * @throws SQLException if the driver or database refuses, with the password removed from the message
     */
    public Connection connect(URI location) throws SQLException {
        if (dataSource != null) {
            return dataSource.getConnection();
        }
        Properties properties = new Properties();
        if (user != null) {
            properties.setProperty("user", user);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        try {
            return DriverManager.getConnection(location.toString(), properties);
        } catch (SQLException refused) {
            // A driver may quote what it was given; never the password.
            String message = String.valueOf(refused.getMessage());
            if (password != null && !password.isEmpty()) {
                message = message.replace(password, "***");
            }
            throw new SQLException(message, refused.getSQLState(), refused.getErrorCode());
        }
    }

    private static IOException notObjects(URI location) {
        return new IOException(location + " is a SQL database, not a store of objects; only datasets of type sql"
                + " (loomflow-sql) read and write jdbc: locations");
    }

    @Override
    public byte[] read(URI location) throws IOException {
        throw notObjects(location);
    }

    @Override
    public void write(URI location, byte[] content) throws IOException {
        throw notObjects(location);
    }

    @Override
    public boolean exists(URI location) throws IOException {
        throw notObjects(location);
    }

    @Override
    public boolean delete(URI location) throws IOException {
        throw notObjects(location);
    }

    @Override
    public List<URI> list(URI prefix) throws IOException {
        throw notObjects(prefix);
    }

    @Override
    public void close() {
        // Connections are opened per load or save and closed with it; a data source is its owner's.
    }

    @Override
    public String toString() {
        return "JdbcStorage[" + (dataSource != null ? "data source" : "user " + (user == null ? "none" : "***")) + "]";
    }
}
