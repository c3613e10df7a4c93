package io.loomflow.parquet;

import io.loomflow.data.Format;
import io.loomflow.data.spi.RangedFormat;
import io.loomflow.data.spi.Storage;
import io.loomflow.parquet.internal.ParquetIo;
import io.loomflow.parquet.internal.ParquetStreamFormat;
import io.loomflow.parquet.internal.Shape;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.jspecify.annotations.NullUnmarked;
import org.jspecify.annotations.Nullable;

/**
 * A list of rows as a Parquet file: records, one column per component, or maps, one column per key.
 *
 * <p>Columns come from a record's components: {@code boolean}, {@code byte}, {@code short}, {@code
 * int}, {@code long}, {@code float}, {@code double} (required; their boxes are optional), {@code
 * String}, {@code BigDecimal} (a {@code DECIMAL} of the precision and scale of {@link Decimal}, by
 * default 38 and 9), {@code LocalDate}, {@code Instant} and {@code LocalDateTime} (timestamps in
 * microseconds, the first adjusted to UTC), {@code UUID}, {@code byte[]}, enums (by name), nested
 * records (groups) and {@code List}s of any of these (Parquet's {@code LIST}). A component is
 * required unless it is a box, an {@code Optional}, or annotated {@code @Nullable} (JSpecify's, or
 * any annotation of that name); a required component that is null is refused when written, naming
 * the row. Reading takes the columns the record names, by name, in any order, and ignores the
 * others; a column whose type does not fit its component is refused before any row is read.
 * {@snippet class=io.loomflow.parquet.snippets.ParquetSnippets region=format}
 *
 * <p>Immutable and thread-safe. Pages are compressed with {@link Compression#SNAPPY} unless {@link
 * #withCompression} says otherwise. A dataset loads the file by ranges of its storage (its size,
 * its footer, then each row group's columns: a {@link RangedFormat}); a save makes the file in
 * memory and hands it to the storage whole, which replaces the old object atomically: a failed save
 * leaves nothing partial. For files larger than the heap, {@link #stream()} reads and writes a
 * {@link Stream} of rows, a row group at a time.
 *
 * @param <R> the type of each row
 */
public final class ParquetFormat<R> implements RangedFormat<List<R>> {

    private final Class<?> rowType;
    private final Shape.@Nullable Group shape;
    private final Compression compression;

    private ParquetFormat(Class<?> rowType, Shape.@Nullable Group shape, Compression compression) {
        this.rowType = rowType;
        this.shape = shape;
        this.compression = compression;
    }

    /**
     * Rows as records of a type, one column per component.
     *
     * @param recordType the record class
     * @param <R> the record type
     * @return the format, compressed with Snappy
     * @throws IllegalArgumentException naming the component whose type has no Parquet column, and
     *     the types to use
     */
    public static <R extends Record> ParquetFormat<R> of(Class<R> recordType) {
        Objects.requireNonNull(recordType, "recordType");
        return new ParquetFormat<>(recordType, Shape.ofRecord(recordType), Compression.SNAPPY);
    }

    /**
     * Rows as maps from column name to value, in the file's column order. Read, nested groups are
     * maps, lists are lists, and values are of the types {@link #of} lists (integers as {@code
     * Integer} or {@code Long}, text as {@code String}, ...); a column with no value in a row maps
     * to {@code null}. Written, each key is an optional column typed by its first value that is not
     * null; values must be scalars.
     *
     * <p>Its values may be {@code null}, which the type does not declare: {@code @NullUnmarked}
     * leaves them unspecified, as JShell cannot declare a {@code var} of a type whose type argument
     * is annotated.
     *
     * @return the format, compressed with Snappy
     */
    @NullUnmarked
    public static ParquetFormat<Map<String, Object>> maps() {
        return new ParquetFormat<>(Map.class, null, Compression.SNAPPY);
    }

    /**
     * A copy that compresses pages with {@code compression}. Reading takes any of them, whatever
     * this says.
     *
     * @param compression the codec
     * @return the new format
     */
    public ParquetFormat<R> withCompression(Compression compression) {
        return new ParquetFormat<>(rowType, shape, Objects.requireNonNull(compression, "compression"));
    }

    /**
     * How pages are compressed when written.
     *
     * @return the codec
     */
    public Compression compression() {
        return compression;
    }

    /**
     * The type of each row: the record class, or {@code Map}.
     *
     * @return the row type
     */
    public Class<?> rowType() {
        return rowType;
    }

    /**
     * The same rows as a lazy {@link Stream}, of a {@linkplain Format#streaming() streaming} format:
     * loaded a row group at a time as the stream is consumed (through ranged reads of the
     * storage), saved a row at a time through the storage's staged write, in row groups of 8 MiB,
     * and published only once the stream has been written to its end. What is held in memory is
     * one row group, so files larger than the heap pass through. The stream must be closed (a
     * pipeline closes its nodes' inputs). Maps written as a stream take their columns from the
     * first row.
     *
     * @return the format, of the catalog type {@code parquet} with the option {@code stream: true}
     */
    public Format<Stream<R>> stream() {
        return new ParquetStreamFormat<>(rowType, shape, compression);
    }

    @Override
    public String name() {
        return "parquet";
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<R> read(Storage storage, URI location) throws IOException {
        return ParquetStreamFormat.ranged(() -> (List<R>) ParquetIo.read(storage, location, shape));
    }

    @Override
    public Stream<?> records(Storage storage, URI location) throws IOException {
        return ParquetStreamFormat.ranged(() -> ParquetIo.stream(storage, location, shape));
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<R> read(byte[] content) throws IOException {
        return (List<R>) ParquetIo.read(content, shape);
    }

    @Override
    @SuppressWarnings("unchecked")
    public byte[] write(List<R> rows) throws IOException {
        Shape.Group written = shape != null ? shape : ParquetIo.shapeOfMaps((List<Map<String, ?>>) rows);
        return ParquetIo.write(rows, written, compression);
    }

    @Override
    public String toString() {
        return "Format[parquet, " + (shape == null ? "maps" : rowType.getSimpleName()) + ", "
                + compression.name().toLowerCase(java.util.Locale.ROOT) + "]";
    }
}
