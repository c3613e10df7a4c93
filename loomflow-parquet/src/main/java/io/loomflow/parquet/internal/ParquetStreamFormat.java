package io.loomflow.parquet.internal;

import io.loomflow.data.spi.RangedFormat;
import io.loomflow.data.spi.Storage;
import io.loomflow.parquet.Compression;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Rows of a Parquet file as a lazy stream ({@code ParquetFormat.stream()}, the catalog's {@code
 * stream: true}): read by ranges a row group at a time, written a row at a time to the staged write
 * of a dataset's save, in row groups of {@link ParquetIo#STREAMED_ROW_GROUP} bytes.
 *
 * @param <R> the type of each row
 */
public final class ParquetStreamFormat<R> implements RangedFormat<Stream<R>> {

    private final Class<?> rowType;
    private final Shape.@Nullable Group shape;
    private final Compression compression;

    /**
     * Creates the format.
     *
     * @param rowType the record class, or {@code Map}
     * @param shape the records' shape, or null for maps
     * @param compression how the pages are compressed when written
     */
    public ParquetStreamFormat(Class<?> rowType, Shape.@Nullable Group shape, Compression compression) {
        this.rowType = rowType;
        this.shape = shape;
        this.compression = compression;
    }

    @Override
    public String name() {
        return "parquet";
    }

    @Override
    public boolean streaming() {
        return true;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Stream<R> read(Storage storage, URI location) throws IOException {
        return ranged(() -> (Stream<R>) (Stream<?>) ParquetIo.stream(storage, location, shape));
    }

    @Override
    public Stream<?> records(Storage storage, URI location) throws IOException {
        return read(storage, location);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Stream<R> read(byte[] content) throws IOException {
        ParquetIo.checkMagic(content.length, content, content);
        return (Stream<R>) (Stream<?>) ParquetIo.stream(StorageFiles.input(content), shape);
    }

    @Override
    public Stream<R> read(InputStream content) throws IOException {
        try (content) {
            return read(content.readAllBytes()); // a stream of bytes has no ranges: datasets read by ranges
        }
    }

    @Override
    public byte[] write(Stream<R> value) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(value, out);
        return out.toByteArray();
    }

    @Override
    @SuppressWarnings("unchecked")
    public void write(Stream<R> value, OutputStream out) throws IOException {
        Iterator<R> rows = value.iterator();
        Shape.Group written = shape;
        if (written == null) { // maps: the columns of the first row
            if (!rows.hasNext()) {
                written = ParquetIo.shapeOfMaps(List.of());
            } else {
                Map<String, ?> first = (Map<String, ?>) rows.next();
                written = ParquetIo.shapeOfMaps(java.util.Collections.singletonList(first));
                rows = (Iterator<R>) sameColumns(first, (Iterator<Map<String, ?>>) rows);
            }
        }
        ParquetIo.write(rows, written, compression, out);
    }

    /** The first row, then the others, each refused if it has a key the first one has not. */
    private static Iterator<Map<String, ?>> sameColumns(Map<String, ?> first, Iterator<Map<String, ?>> rest) {
        return new Iterator<>() {
            private long row;

            @Override
            public boolean hasNext() {
                return row == 0 || rest.hasNext();
            }

            @Override
            public Map<String, ?> next() {
                if (row++ == 0) {
                    return first;
                }
                Map<String, ?> next = rest.next();
                if (next != null && !first.keySet().containsAll(next.keySet())) {
                    List<String> extra = next.keySet().stream().filter(key -> !first.containsKey(key)).toList();
                    throw new RowException("row " + row + " has the column" + (extra.size() == 1 ? " " : "s ")
                            + String.join(", ", extra) + ", which the first row has not; a stream of maps takes its"
                            + " columns from its first row: give that row every column (null where it has no value)");
                }
                return next;
            }
        };
    }

    /**
     * A read of a storage.
     *
     * @param <T> what it reads
     */
    public interface Ranged<T> {
        /**
         * Reads.
         *
         * @return what it read
         * @throws IOException if the store fails, or a {@link BadParquetException} about the file
         */
        T call() throws IOException;
    }

    /**
     * Runs a read of a storage: an error of the file (not Parquet, corrupt, rows that do not fit)
     * becomes an {@link IllegalArgumentException} with its message, not worth a retry; the store's
     * errors stay as they are.
     *
     * @param read the read
     * @param <T> what it reads
     * @return what it read
     * @throws IOException the store's error
     */
    public static <T> T ranged(Ranged<T> read) throws IOException {
        try {
            return read.call();
        } catch (BadParquetException bad) {
            throw new IllegalArgumentException(bad.getMessage(), bad);
        }
    }

    @Override
    public String toString() {
        return "Format[parquet, " + (shape == null ? "maps" : rowType.getSimpleName()) + ", "
                + compression.name().toLowerCase(java.util.Locale.ROOT) + ", stream]";
    }
}
