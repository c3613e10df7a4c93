package io.loomflow.parquet.internal;

import io.loomflow.parquet.Compression;
import io.loomflow.parquet.internal.Shape.Group;
import io.loomflow.data.spi.RecordStreamException;
import io.loomflow.data.spi.Storage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.Iterator;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.bytes.ByteBufferAllocator;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.crypto.FileDecryptionProperties;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.format.converter.ParquetMetadataConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetMetricsCallback;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;
import org.jspecify.annotations.Nullable;

/**
 * Writes and reads rows as Parquet through parquet-java, without Hadoop: a plain configuration,
 * Loomflow's codecs, and files in memory, read by ranges from a storage, or written to a stream.
 * Every error about the rows or the file is a {@link BadParquetException} whose message says what
 * is wrong and what to do, without parquet-java's stack; the store's errors stay as they were.
 */
public final class ParquetIo {

    private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);
    private static final CompressionCodecFactory CODECS = new Codecs();

    private ParquetIo() {
    }

    /**
     * Writes rows of a shape (records, or maps when {@code shape} has no type) as a Parquet file.
     *
     * @param rows the rows
     * @param shape their shape
     * @param compression how the pages are compressed
     * @return the file's bytes
     * @throws IOException naming the row and value that cannot be written, and what to do
     */
    public static byte[] write(List<?> rows, Group shape, Compression compression) throws IOException {
        java.io.ByteArrayOutputStream file = new java.io.ByteArrayOutputStream(1 << 16);
        write(rows.iterator(), shape, compression, StorageFiles.output(file), ParquetWriter.DEFAULT_BLOCK_SIZE);
        return file.toByteArray();
    }

    /**
     * Writes rows as a Parquet file to a stream (a staged write, which its owner commits), a row
     * group at a time: what is held in memory is one row group, of {@link #STREAMED_ROW_GROUP}
     * bytes at most.
     *
     * @param rows the rows, taken as they come
     * @param shape their shape
     * @param compression how the pages are compressed
     * @param out where the file goes; not closed
     * @throws IOException naming the row and value that cannot be written, and what to do, or the
     *     stream's error
     */
    public static void write(Iterator<?> rows, Group shape, Compression compression, OutputStream out)
            throws IOException {
        write(rows, shape, compression, StorageFiles.output(out), STREAMED_ROW_GROUP);
    }

    /** The size of a row group written to a stream: what a streamed write or read holds at once. */
    public static final int STREAMED_ROW_GROUP = 8 * 1024 * 1024;

    private static void write(Iterator<?> rows, Group shape, Compression compression, OutputFile file, long rowGroup)
            throws IOException {
        RowWriteSupport support = new RowWriteSupport(shape, shape.type() == null);
        try (ParquetWriter<Object> writer = new Builder(file, support)
                .withConf(new PlainParquetConfiguration())
                .withCodecFactory(CODECS)
                .withCompressionCodec(CompressionCodecName.valueOf(compression.name()))
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withRowGroupSize(rowGroup)
                .build()) {
            while (rows.hasNext()) {
                writer.write(rows.next());
            }
        } catch (RowException wrong) {
            throw new BadParquetException(wrong.getMessage(), wrong);
        }
    }

    /**
     * The shape of map rows: one optional column per key, in the order keys first appear, typed by
     * the first value that is not null (a column of nulls only is a string column).
     *
     * @param rows the rows
     * @return their shape
     * @throws IOException naming the column whose values have no Parquet column here
     */
    public static Group shapeOfMaps(List<? extends Map<String, ?>> rows) throws IOException {
        Map<String, Shape.@Nullable Node> columns = new java.util.LinkedHashMap<>();
        for (Map<String, ?> row : rows) {
            if (row == null) {
                continue;
            }
            for (Map.Entry<String, ?> entry : row.entrySet()) {
                Object value = entry.getValue();
                if (!columns.containsKey(entry.getKey()) || columns.get(entry.getKey()) == null && value != null) {
                    columns.put(entry.getKey(), value == null ? null : scalarOf(entry.getKey(), value));
                }
            }
        }
        List<Shape.Field> fields = new ArrayList<>();
        columns.forEach((name, node) -> fields.add(new Shape.Field(name,
                node == null ? Shape.Scalar.of(Shape.Kind.STRING) : node, true, false, null)));
        return new Group(null, List.copyOf(fields), null);
    }

    private static Shape.Node scalarOf(String column, Object value) throws IOException {
        if (value instanceof java.math.BigDecimal) {
            return new Shape.Scalar(Shape.Kind.DECIMAL, null, Shape.DEFAULT_PRECISION, Shape.DEFAULT_SCALE);
        }
        Shape.Kind kind = Shape.scalarKind(value.getClass());
        if (kind == null) {
            throw new IOException("column '" + column + "' holds a " + value.getClass().getSimpleName() + ", which rows"
                    + " as maps cannot write; give it a String, number, boolean, date, time, UUID or byte[], or write"
                    + " records (ParquetFormat.of) for nested data");
        }
        return Shape.Scalar.of(kind);
    }

    /**
     * Reads the rows of a Parquet file: as records of {@code shape}, or as maps in the file's shape
     * when {@code shape} is null.
     *
     * @param content the file's bytes
     * @param shape the rows' shape, or null for maps
     * @return the rows
     * @throws BadParquetException saying what is wrong with the file (not Parquet, truncated,
     *     corrupt, a column that does not fit) and what to do
     */
    public static List<Object> read(byte[] content, @Nullable Group shape) throws IOException {
        checkMagic(content.length, content, content);
        return read(StorageFiles.input(content), shape);
    }

    /**
     * Reads the rows of an object of a storage by ranges: its footer, then each row group's
     * columns.
     *
     * @param storage the storage
     * @param location the object
     * @param shape the rows' shape, or null for maps
     * @return the rows
     * @throws io.loomflow.data.spi.NoSuchObjectException if there is no object there
     * @throws BadParquetException saying what is wrong with the file and what to do
     * @throws IOException if the store fails
     */
    public static List<Object> read(Storage storage, URI location, @Nullable Group shape) throws IOException {
        return read(StorageFiles.input(storage, location), shape);
    }

    /**
     * Reads the rows of a Parquet file of parquet-java's (a local file, bytes, ...).
     *
     * @param file the file
     * @param shape the rows' shape, or null for maps
     * @return the rows
     * @throws BadParquetException saying what is wrong with the file and what to do
     * @throws IOException if the store fails
     */
    public static List<Object> read(InputFile file, @Nullable Group shape) throws IOException {
        try (Rows rows = new Rows(file, shape)) {
            List<Object> all = new ArrayList<>((int) Math.min(rows.reader.getRecordCount(), Integer.MAX_VALUE - 8));
            while (rows.hasNext()) {
                all.add(rows.next());
            }
            return all;
        }
    }

    /**
     * The rows of an object of a storage as a lazy stream, read by ranges a row group at a time as
     * it is consumed; closing it stops the reading. A row that cannot be read ends the stream with a
     * {@link RecordStreamException} naming it.
     *
     * @param storage the storage
     * @param location the object
     * @param shape the rows' shape, or null for maps
     * @return the rows
     * @throws io.loomflow.data.spi.NoSuchObjectException if there is no object there
     * @throws BadParquetException if the file is not Parquet, its footer is corrupt, or its columns
     *     do not fit the shape
     * @throws IOException if the store fails
     */
    public static Stream<Object> stream(Storage storage, URI location, @Nullable Group shape) throws IOException {
        return stream(StorageFiles.input(storage, location), shape);
    }

    /**
     * The rows of a Parquet file of parquet-java's as a lazy stream (see {@link #stream(Storage,
     * URI, Group)}).
     *
     * @param file the file
     * @param shape the rows' shape, or null for maps
     * @return the rows
     * @throws BadParquetException if the file is not Parquet or does not fit the shape
     * @throws IOException if the store fails
     */
    public static Stream<Object> stream(InputFile file, @Nullable Group shape) throws IOException {
        Rows rows = new Rows(file, shape);
        Iterator<Object> records = new Iterator<>() {
            @Override
            public boolean hasNext() {
                try {
                    return rows.hasNext();
                } catch (IOException failed) {
                    throw new RecordStreamException(failed.getMessage(), failed, failed instanceof BadParquetException);
                }
            }

            @Override
            public Object next() {
                try {
                    if (!rows.hasNext()) {
                        throw new java.util.NoSuchElementException();
                    }
                    return rows.next();
                } catch (IOException failed) {
                    throw new RecordStreamException(failed.getMessage(), failed, failed instanceof BadParquetException);
                }
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(records, Spliterator.ORDERED
                | Spliterator.NONNULL), false).onClose(rows::close);
    }

    /**
     * The rows of a file, a row group at a time: the footer is read when it is made, each row
     * group's columns when its first row is asked for. Every error is a {@link BadParquetException}
     * but the store's own, which stays as it was.
     */
    private static final class Rows implements AutoCloseable {
        private final ParquetFileReader reader;
        private final RowReader rows;
        private final MessageColumnIO columns;
        private @Nullable RecordReader<Object> records;
        private long left;
        private long row;

        Rows(InputFile file, @Nullable Group shape) throws IOException {
            ParquetFileReader opened = null;
            try {
                opened = new ParquetFileReader(file, readOptions());
                MessageType schema = opened.getFooter().getFileMetaData().getSchema();
                rows = shape == null ? RowReader.maps(schema) : RowReader.of(schema, shape);
                opened.setRequestedSchema(rows.requested());
                columns = new ColumnIOFactory().getColumnIO(rows.requested(), schema);
                reader = opened;
            } catch (IOException | RuntimeException failed) {
                if (opened != null) {
                    opened.close();
                }
                throw failure(failed, 0);
            }
        }

        boolean hasNext() throws IOException {
            try {
                while (left == 0) {
                    records = null; // the last row group's pages are garbage before the next one is read
                    PageReadStore pages = reader.readNextRowGroup();
                    if (pages == null) {
                        return false;
                    }
                    records = columns.getRecordReader(pages, rows.materializer());
                    left = pages.getRowCount();
                }
                return true;
            } catch (IOException | RuntimeException failed) {
                throw failure(failed, row + 1);
            }
        }

        Object next() throws IOException {
            try {
                row++;
                left--;
                return java.util.Objects.requireNonNull(records).read();
            } catch (RuntimeException failed) {
                throw failure(failed, row);
            }
        }

        @Override
        public void close() {
            try {
                reader.close();
            } catch (IOException ignored) {
                // Reading is over; a store that fails to release a connection loses nothing of the file.
            }
        }

        /** The store's own error as it was; anything else says what is wrong with the file. */
        private static IOException failure(Throwable failed, long row) {
            for (Throwable cause = failed; cause != null; cause = cause.getCause()) {
                if (cause instanceof StorageFiles.StoreException store) {
                    return store.store();
                }
                if (cause instanceof BadParquetException bad) {
                    return bad;
                }
            }
            if (failed instanceof RowException wrong) {
                return new BadParquetException((row > 0 ? "row " + row + ": " : "") + wrong.getMessage(), wrong);
            }
            return new BadParquetException("the Parquet file is corrupt or truncated (" + firstLine(failed) + ")"
                    + (row > 0 ? " at row " + row : "") + "; write it again from its source", failed);
        }
    }

    /**
     * Checks the marks of a Parquet file, {@code PAR1} at its start and its end.
     *
     * @param length the file's length
     * @param head its first bytes (16 or all of them)
     * @param tail its last bytes
     * @throws BadParquetException saying what the file is instead and what to do
     */
    static void checkMagic(long length, byte[] head, byte[] tail) throws BadParquetException {
        boolean starts = head.length >= 4 && java.util.Arrays.equals(head, 0, 4, MAGIC, 0, 4);
        boolean ends = length >= 8 && tail.length >= 4
                && java.util.Arrays.equals(tail, tail.length - 4, tail.length, MAGIC, 0, 4);
        if (length < 12 || !starts || !ends) {
            String what = length == 0 ? "it is empty"
                    : !starts ? "it does not start with PAR1, the mark of a Parquet file, but with \"" + printable(head) + "\""
                    : length < 12 ? "it has only " + length + " bytes"
                    : "it starts as a Parquet file but does not end with PAR1: it is truncated";
            throw new BadParquetException("not a Parquet file: " + what + "; write it again with a Parquet writer (a"
                    + " save of this dataset, DuckDB, pandas, Spark), or give the dataset the type of what it holds");
        }
    }

    private static String printable(byte[] content) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < Math.min(16, content.length); i++) {
            char c = (char) (content[i] & 0xff);
            text.append(c >= 32 && c < 127 ? c : '.');
        }
        return text.toString();
    }

    private static String firstLine(Throwable error) {
        String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        int end = message.indexOf('\n');
        String line = end < 0 ? message : message.substring(0, end);
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    /**
     * The codecs, without Hadoop; public for the benchmark that uses parquet-java directly.
     *
     * @return the codec factory
     */
    public static CompressionCodecFactory codecs() {
        return CODECS;
    }

    /**
     * The read options (public for the benchmark that uses parquet-java directly): parquet-java's builder of them always makes its Hadoop codec factory, whose
     * class cannot be loaded without Hadoop, so they are made with the constructor the builder
     * calls (package-private in parquet-java 1.18, reached by reflection on the class path), with
     * the builder's defaults and Loomflow's codecs. Should a later parquet-java change that
     * constructor, the builder is used, which works where Hadoop is on the class path.
     *
     * @return the options
     */
    public static ParquetReadOptions readOptions() {
        try {
            Constructor<ParquetReadOptions> constructor = ParquetReadOptions.class.getDeclaredConstructor(
                    boolean.class, boolean.class, boolean.class, boolean.class, boolean.class, boolean.class,
                    boolean.class, boolean.class, boolean.class, FilterCompat.Filter.class,
                    ParquetMetadataConverter.MetadataFilter.class, CompressionCodecFactory.class,
                    ByteBufferAllocator.class, int.class, Map.class, FileDecryptionProperties.class,
                    ParquetMetricsCallback.class, ParquetConfiguration.class);
            constructor.setAccessible(true);
            return constructor.newInstance(
                    false, // useSignedStringMinMax
                    true, // useStatsFilter
                    true, // useDictionaryFilter
                    true, // useRecordFilter
                    true, // useColumnIndexFilter
                    false, // usePageChecksumVerification
                    true, // useBloomFilter
                    false, // useOffHeapDecryptBuffer
                    false, // useHadoopVectoredIo
                    FilterCompat.NOOP, ParquetMetadataConverter.NO_FILTER, CODECS, new HeapByteBufferAllocator(),
                    8 * 1024 * 1024, new HashMap<String, String>(), null, null, new PlainParquetConfiguration());
        } catch (ReflectiveOperationException | RuntimeException changed) {
            return ParquetReadOptions.builder(new PlainParquetConfiguration()).withCodecFactory(CODECS).build();
        }
    }

    /** parquet-java's writer builder, with the write support given and no Hadoop configuration. */
    private static final class Builder extends ParquetWriter.Builder<Object, Builder> {
        private final WriteSupport<Object> support;

        Builder(OutputFile file, WriteSupport<Object> support) {
            super(file);
            this.support = support;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<Object> getWriteSupport(org.apache.hadoop.conf.Configuration configuration) {
            throw new UnsupportedOperationException("Loomflow writes Parquet without Hadoop's configuration");
        }

        @Override
        protected WriteSupport<Object> getWriteSupport(ParquetConfiguration configuration) {
            return support;
        }
    }
}
