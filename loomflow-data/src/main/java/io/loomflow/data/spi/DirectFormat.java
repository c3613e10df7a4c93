package io.loomflow.data.spi;

import io.loomflow.data.Format;
import java.io.IOException;
import java.net.URI;

/**
 * A format that reads and writes its dataset itself, through the storage of the dataset's
 * location, rather than as the bytes of one object: a SQL table ({@code type: sql} in {@code
 * loomflow-sql}) is rows in a database, not a file. {@link io.loomflow.data.Dataset} hands such a
 * format its name, location and storage instead of reading or writing bytes, and names the dataset
 * in every error it throws; {@link #read(byte[])} and {@link #write(Object)} are not called.
 *
 * <p>Implementations are immutable and thread-safe.
 *
 * @param <T> the type of the data
 */
public interface DirectFormat<T> extends Format<T> {

    /**
     * Reads the dataset.
     *
     * @param dataset the dataset's name, for messages
     * @param location its location
     * @param storage the storage of its location's scheme
     * @return its value
     * @throws NoSuchObjectException if there is nothing at the location
     * @throws IOException if the store fails (worth a retry)
     * @throws IllegalArgumentException if the data does not fit the format (not worth a retry); the
     *     message says what is wrong and what to do
     */
    T load(String dataset, URI location, Storage storage) throws IOException;

    /**
     * Writes the dataset; a failed save leaves what was there before.
     *
     * @param dataset the dataset's name, for messages
     * @param location its location
     * @param storage the storage of its location's scheme
     * @param value the value
     * @throws IOException if the store fails (worth a retry)
     * @throws IllegalArgumentException if the value does not fit (not worth a retry)
     */
    void save(String dataset, URI location, Storage storage, T value) throws IOException;

    /**
     * Tells whether the dataset exists.
     *
     * @param location its location
     * @param storage the storage of its location's scheme
     * @return {@code true} if it does
     * @throws IOException if the store cannot be asked
     */
    boolean exists(URI location, Storage storage) throws IOException;
}
