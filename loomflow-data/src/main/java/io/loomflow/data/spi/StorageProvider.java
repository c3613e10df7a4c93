package io.loomflow.data.spi;

import java.io.IOException;

/**
 * Opens the {@link Storage} of one URI scheme. Found with {@link java.util.ServiceLoader}: a backend
 * module declares {@code provides io.loomflow.data.spi.StorageProvider with ...} (or a {@code
 * META-INF/services} entry on the class path).
 *
 * <p>Implementations are stateless and thread-safe; each {@link #open} makes an independent
 * storage.
 */
public interface StorageProvider {

    /**
     * The URI scheme this provider serves, in lower case, such as {@code "s3"}.
     *
     * @return the scheme
     */
    String scheme();

    /**
     * Opens a storage with the given options (for example an endpoint, a region, credentials).
     *
     * @param options the options, as given in the catalog or in code
     * @return a new storage
     * @throws IllegalArgumentException if an option is missing or wrong; the message names the
     *     option and what to give instead (see {@link StorageOptions#required})
     * @throws IOException if the store cannot be reached
     */
    Storage open(StorageOptions options) throws IOException;
}
