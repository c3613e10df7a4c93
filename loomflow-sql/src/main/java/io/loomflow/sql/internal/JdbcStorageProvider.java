package io.loomflow.sql.internal;

import io.loomflow.data.spi.Storage;
import io.loomflow.data.spi.StorageOptions;
import io.loomflow.data.spi.StorageProvider;

/**
 * The {@code jdbc:} scheme: options {@code user} and {@code password}, given through a
 * credentials entry ({@code credentials: NAME}) or the environment, never written in the catalog.
 */
public final class JdbcStorageProvider implements StorageProvider {

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public JdbcStorageProvider() {
    }

    @Override
    public String scheme() {
        return "jdbc";
    }

    @Override
    public Storage open(StorageOptions options) {
        for (String key : options.values().keySet()) {
            if (!key.equals("user") && !key.equals("password")) {
                throw new IllegalArgumentException("unknown option '" + key + "' for jdbc: storage; it takes user and"
                        + " password (from credentials.yml); give other connection settings in the JDBC URL");
            }
        }
        return new JdbcStorage(options.values().get("user"), options.values().get("password"), null);
    }
}
