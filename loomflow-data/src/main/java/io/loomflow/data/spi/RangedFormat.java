package io.loomflow.data.spi;

import io.loomflow.data.Format;
import java.io.IOException;
import java.net.URI;
import java.util.stream.Stream;

/**
 * A format whose objects are read by ranges rather than from their first byte: Parquet ({@code
 * loomflow-parquet}), whose footer, at the end of the file, says where each row group's columns
 * are. A {@link io.loomflow.data.Dataset} of such a format hands it the storage and location
 * instead of the object's bytes, and the format reads only the ranges it needs ({@link
 * Storage#size}, {@link Storage#readRange}); {@link #read(byte[])} is then not called to load.
 * Writing is as for any format: whole ({@link #write(Object)}), or, for a {@link #streaming()}
 * format, to a {@link StagedWrite} ({@link #write(Object, java.io.OutputStream)}) committed once
 * the whole value is written.
 *
 * <p>Implementations are immutable and thread-safe.
 *
 * @param <T> the type of the data
 */
public interface RangedFormat<T> extends Format<T> {

    /**
     * Reads the object: its whole value, or, for a {@link #streaming()} format, a lazy stream of
     * records that reads as it is consumed and stops when it is closed (a record that cannot be
     * read ends it with a {@link RecordStreamException}).
     *
     * @param storage the storage of the location's scheme
     * @param location the object
     * @return its value
     * @throws NoSuchObjectException if there is no object there
     * @throws IOException if the store cannot be read (worth a retry)
     * @throws IllegalArgumentException if the object is not in this format (not worth a retry); the
     *     message says what is wrong and what to do
     */
    T read(Storage storage, URI location) throws IOException;

    /**
     * The object's records as a lazy stream, whatever the format's value is (a list, a stream):
     * it reads only the ranges of the records consumed, so the first rows of a dataset (the
     * server's preview) cost the object's index and its first block of rows, not the object.
     * Closing the stream stops the reading; a record that cannot be read ends it with a {@link
     * RecordStreamException}.
     *
     * @param storage the storage of the location's scheme
     * @param location the object
     * @return its records, in order
     * @throws NoSuchObjectException if there is no object there
     * @throws IOException if the store cannot be read (worth a retry)
     * @throws IllegalArgumentException if the object is not in this format (not worth a retry)
     */
    Stream<?> records(Storage storage, URI location) throws IOException;
}
