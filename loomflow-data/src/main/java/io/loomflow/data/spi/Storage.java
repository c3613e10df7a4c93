package io.loomflow.data.spi;

import java.io.IOException;
import java.net.URI;
import java.util.List;

/**
 * Reads and writes whole objects addressed by URI, for one URI scheme ({@code file:}, {@code mem:},
 * {@code az:}, {@code s3:}, ...).
 *
 * <p>Implementations are thread-safe: one instance serves every task of an engine, concurrently.
 * Writes are atomic: after {@link #write} an object is either its old content or the new one in
 * full, never a part (write then rename, or the store's own equivalent). Instances are opened by
 * their {@link StorageProvider} and closed once, when the engine that opened them closes.
 */
public interface Storage extends AutoCloseable {

    /**
     * Reads a whole object.
     *
     * @param location where, in this storage's scheme
     * @return its content
     * @throws NoSuchObjectException if there is no object there
     * @throws IOException if the store cannot be read
     */
    byte[] read(URI location) throws IOException;

    /**
     * Writes a whole object, replacing any object there, atomically.
     *
     * @param location where, in this storage's scheme
     * @param content the new content
     * @throws IOException if the store cannot be written; the old object, if any, is then unchanged
     */
    void write(URI location, byte[] content) throws IOException;

    /**
     * Tells whether an object exists.
     *
     * @param location where, in this storage's scheme
     * @return {@code true} if an object is there
     * @throws IOException if the store cannot be asked
     */
    boolean exists(URI location) throws IOException;

    /**
     * Deletes an object if it exists.
     *
     * @param location where, in this storage's scheme
     * @return {@code true} if an object was deleted
     * @throws IOException if the store cannot be changed
     */
    boolean delete(URI location) throws IOException;

    /**
     * Lists the objects whose location starts with {@code prefix}, in lexical order.
     *
     * @param prefix a location prefix, in this storage's scheme
     * @return the objects' locations
     * @throws IOException if the store cannot be listed
     */
    List<URI> list(URI prefix) throws IOException;

    /**
     * Releases the storage's clients and threads. Called once, by the engine that opened it.
     *
     * @throws IOException if releasing fails
     */
    @Override
    void close() throws IOException;
}
