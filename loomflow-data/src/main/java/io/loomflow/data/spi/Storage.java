package io.loomflow.data.spi;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Arrays;
import java.util.List;

/**
 * Reads and writes objects addressed by URI, for one URI scheme ({@code file:}, {@code mem:},
 * {@code az:}, {@code s3:}, ...): whole, as byte arrays, for small data; as streams, for data of
 * any size ({@link #openRead}, {@link #openWrite}, {@link #readRange}, {@link #size}).
 *
 * <p>Implementations are thread-safe: one instance serves every task of an engine, concurrently.
 * Writes are atomic: after {@link #write}, or the commit of an {@link #openWrite}, an object is
 * either its old content or the new one in full, never a part (write then rename, or the store's
 * own equivalent); a streamed write that fails or is not committed leaves nothing. Instances are
 * opened by their {@link StorageProvider} and closed once, when the engine that opened them closes.
 *
 * <p>Only the whole-object calls must be implemented: the streaming calls have defaults over them
 * (which hold the whole object in memory), so a storage written before them keeps working; the
 * built-in backends implement them natively, in memory bounded by a part or block size.
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
     * Opens an object for reading as a stream. The caller closes it. What a reader sees is one
     * version of the object: a write committed while it reads does not mix into it (the built-in
     * backends guarantee it; the default reads the whole object first).
     *
     * <p>The default reads the whole object with {@link #read(URI)}.
     *
     * @param location where, in this storage's scheme
     * @return the object's content, from its first byte
     * @throws NoSuchObjectException if there is no object there (when opening, not later)
     * @throws IOException if the store cannot be read
     */
    default InputStream openRead(URI location) throws IOException {
        return new ByteArrayInputStream(read(location));
    }

    /**
     * Reads a range of an object's bytes, such as a file format's footer or index.
     *
     * <p>The default reads the whole object with {@link #read(URI)} and copies the range.
     *
     * @param location where, in this storage's scheme
     * @param offset the first byte, from 0
     * @param length how many bytes at most
     * @return the bytes from {@code offset}: {@code length} of them, fewer where the object ends
     *     before, none if it ends at or before {@code offset}
     * @throws NoSuchObjectException if there is no object there
     * @throws IllegalArgumentException if {@code offset} or {@code length} is negative
     * @throws IOException if the store cannot be read
     */
    default byte[] readRange(URI location, long offset, int length) throws IOException {
        checkRange(offset, length);
        byte[] content = read(location);
        int from = (int) Math.min(offset, content.length);
        return Arrays.copyOfRange(content, from, (int) Math.min((long) from + length, content.length));
    }

    /**
     * The size of an object in bytes, such as a reader of a format whose index is at the end of the
     * object (Parquet's footer) needs before its first {@link #readRange}.
     *
     * <p>The default reads the whole object with {@link #read(URI)} and counts its bytes; the
     * built-in backends ask the store (a file's size, a blob's properties, S3's HeadObject).
     *
     * @param location where, in this storage's scheme
     * @return how many bytes the object has
     * @throws NoSuchObjectException if there is no object there
     * @throws IOException if the store cannot be asked
     */
    default long size(URI location) throws IOException {
        return read(location).length;
    }

    /**
     * Opens a write of an object as a stream. The object appears, whole, in place of any older
     * one, when {@link StagedWrite#commit()} returns; closing the write without a commit, or any
     * failure, leaves the location as it was:
     * {@snippet class=io.loomflow.data.snippets.DatasetSnippets region=staged}
     *
     * <p>The default collects the bytes in memory and writes them with {@link #write(URI, byte[])}
     * on commit.
     *
     * @param location where, in this storage's scheme
     * @return the write, to be committed or closed by the caller
     * @throws IOException if the store cannot be written
     */
    default StagedWrite openWrite(URI location) throws IOException {
        return new StagedWrite(location) {
            private final ByteArrayOutputStream staged = new ByteArrayOutputStream();

            @Override
            protected void stage(byte[] bytes, int offset, int length) {
                staged.write(bytes, offset, length);
            }

            @Override
            protected void publish() throws IOException {
                Storage.this.write(location, staged.toByteArray());
            }

            @Override
            protected void discard() {
                staged.reset();
            }
        };
    }

    /**
     * Checks the arguments of {@link #readRange}, for implementations.
     *
     * @param offset the first byte
     * @param length how many bytes at most
     * @throws IllegalArgumentException if either is negative
     */
    static void checkRange(long offset, int length) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("a range needs an offset and a length of 0 or more, was offset " + offset
                    + " and length " + length);
        }
    }

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
