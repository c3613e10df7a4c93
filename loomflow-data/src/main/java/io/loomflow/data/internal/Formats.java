package io.loomflow.data.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.loomflow.data.Format;
import io.loomflow.data.spi.RecordStreamException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** The built-in formats. The mappers are configured once and never changed, so they are shared. */
public final class Formats {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final CsvMapper CSV = CsvMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY) // columns in the order a record declares them
            .build();

    /** UTF-8 text. */
    public static final Format<String> TEXT = new Named<>("text") {
        @Override
        public String read(byte[] content) {
            return new String(content, StandardCharsets.UTF_8);
        }

        @Override
        public byte[] write(String value) {
            return value.getBytes(StandardCharsets.UTF_8);
        }
    };

    /** Bytes as they are. */
    public static final Format<byte[]> BYTES = new Named<>("bytes") {
        @Override
        public byte[] read(byte[] content) {
            return content.clone();
        }

        @Override
        public byte[] write(byte[] value) {
            return value.clone();
        }
    };

    /** A JSON object as a map. */
    public static final Format<Map<String, Object>> JSON_MAP = jsonOf(JSON.getTypeFactory().constructType(
            new TypeReference<Map<String, Object>>() { }));

    /** CSV rows as maps, with a header. */
    public static final Format<List<Map<String, String>>> CSV_MAPS = csvMaps(',');

    private Formats() {
    }

    /** CSV rows as maps, with a header, columns separated by {@code separator}. */
    public static Format<List<Map<String, String>>> csvMaps(char separator) {
        ObjectReader reader = CSV.readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader().withColumnSeparator(separator));
        return new WholeRecords<>("csv", csvMapStream(separator)) {
            @Override
            public List<Map<String, String>> read(byte[] content) throws IOException {
                try (var rows = reader.<Map<String, String>>readValues(content)) {
                    List<Map<String, String>> all = new ArrayList<>();
                    while (rows.hasNextValue()) {
                        all.add(new LinkedHashMap<>(rows.nextValue()));
                    }
                    return all;
                }
            }

            @Override
            public byte[] write(List<Map<String, String>> rows) throws IOException {
                if (rows.isEmpty()) {
                    return new byte[0];
                }
                CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true).setColumnSeparator(separator);
                rows.getFirst().keySet().forEach(schema::addColumn);
                return CSV.writer(schema.build()).writeValueAsBytes(rows);
            }
        };
    }

    /** A JSON document of one type. */
    public static <T> Format<T> json(Class<T> type) {
        return jsonOf(JSON.getTypeFactory().constructType(type));
    }

    /** A JSON array of one element type, none of whose elements is null. */
    public static <T> Format<List<T>> jsonList(Class<T> type) {
        Format<List<T>> list = jsonOf(JSON.getTypeFactory().constructCollectionType(List.class, type));
        return new Named<>("json") {
            @Override
            public List<T> read(byte[] content) throws IOException {
                List<T> elements = list.read(content);
                int at = elements.indexOf(null);
                if (at >= 0) {
                    throw new IOException("element " + (at + 1) + " of the array is JSON null, not a record; remove it"
                            + " or write the record");
                }
                return elements;
            }

            @Override
            public byte[] write(List<T> value) throws IOException {
                return list.write(value);
            }
        };
    }

    /** A JSON document of one type; a document that is JSON {@code null} is no value, and refused. */
    private static <T> Format<T> jsonOf(JavaType type) {
        ObjectReader reader = JSON.readerFor(type);
        return new Named<>("json") {
            @Override
            public T read(byte[] content) throws IOException {
                T value = reader.readValue(content);
                if (value == null) {
                    throw new IOException("the document is JSON null, not a value; write the value, such as {} or []");
                }
                return value;
            }

            @Override
            public byte[] write(T value) throws JsonProcessingException {
                return JSON.writerFor(type).withDefaultPrettyPrinter().writeValueAsBytes(value);
            }
        };
    }

    /** CSV rows of one type, with a header naming its properties. */
    public static <T> Format<List<T>> csv(Class<T> rowType) {
        ObjectReader reader = CSV.readerFor(rowType).with(CsvSchema.emptySchema().withHeader());
        CsvSchema writeSchema = CSV.schemaFor(rowType).withHeader();
        return new WholeRecords<>("csv", csvStream(rowType)) {
            @Override
            public List<T> read(byte[] content) throws IOException {
                try (var rows = reader.<T>readValues(content)) {
                    return rows.readAll();
                }
            }

            @Override
            public byte[] write(List<T> rows) throws IOException {
                return CSV.writer(writeSchema).writeValueAsBytes(rows);
            }
        };
    }

    /** CSV rows as maps, streamed, with a header, columns separated by {@code separator}. */
    public static Format<Stream<Map<String, String>>> csvMapStream(char separator) {
        ObjectReader reader = CSV.readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader().withColumnSeparator(separator));
        return new RecordStream<Map<String, String>>("csv", "row") {
            @Override
            MappingIterator<Map<String, String>> iterator(InputStream content) throws IOException {
                return reader.readValues(content);
            }

            @Override
            ObjectWriter writerFor(Map<String, String> first) {
                CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true).setColumnSeparator(separator);
                first.keySet().forEach(schema::addColumn);
                return CSV.writer(schema.build());
            }
        };
    }

    /** CSV rows of one type, streamed, with a header naming its properties. */
    public static <T> Format<Stream<T>> csvStream(Class<T> rowType) {
        ObjectReader reader = CSV.readerFor(rowType).with(CsvSchema.emptySchema().withHeader());
        ObjectWriter writer = CSV.writer(CSV.schemaFor(rowType).withHeader());
        return new RecordStream<T>("csv", "row") {
            @Override
            MappingIterator<T> iterator(InputStream content) throws IOException {
                return reader.readValues(content);
            }

            @Override
            ObjectWriter writerFor(T first) {
                return writer;
            }

            @Override
            boolean writesHeaderAlone() {
                return true;
            }
        };
    }

    /** JSON lines of one type, streamed: one JSON value per line. */
    @SuppressWarnings("unchecked")
    public static <T> Format<Stream<T>> jsonLinesStream(Class<T> type) {
        ObjectReader reader = JSON.readerFor(type);
        ObjectWriter writer = JSON.writerFor(type).withRootValueSeparator("\n");
        return new RecordStream<T>("jsonl", "line") {
            @Override
            MappingIterator<T> iterator(InputStream content) throws IOException {
                return reader.readValues(content);
            }

            @Override
            ObjectWriter writerFor(T first) {
                return writer;
            }

            @Override
            void end(OutputStream out, long records) throws IOException {
                if (records > 0) {
                    out.write('\n'); // the separator goes between values; a JSON-lines file ends each line
                }
            }
        };
    }

    /** JSON lines of one type, read and written whole, as a list. */
    public static <T> Format<List<T>> jsonLines(Class<T> type) {
        Format<Stream<T>> lines = jsonLinesStream(type);
        return new WholeRecords<>("jsonl", lines) {
            @Override
            public List<T> read(byte[] content) throws IOException {
                try (Stream<T> records = lines.read(new ByteArrayInputStream(content))) {
                    return records.toList();
                } catch (RecordStreamException malformed) {
                    throw malformed.getCause();
                }
            }

            @Override
            public byte[] write(List<T> value) throws IOException {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                lines.write(value.stream(), out);
                return out.toByteArray();
            }
        };
    }

    /**
     * Records read lazily from a stream of bytes and written as they come: the formats of {@code
     * Format.csvStream} and {@code Format.jsonLinesStream}. A record that cannot be read ends the
     * stream with a {@link RecordStreamException} naming its number.
     */
    private abstract static class RecordStream<T> extends Named<Stream<T>> {
        private final String unit;

        RecordStream(String name, String unit) {
            super(name);
            this.unit = unit;
        }

        /** Jackson's lazy reader over the bytes. */
        abstract MappingIterator<T> iterator(InputStream content) throws IOException;

        /** The writer for the records, given the first one (null if there is none). */
        abstract ObjectWriter writerFor(T first);

        /** Whether a stream without records still writes something (a header). */
        boolean writesHeaderAlone() {
            return false;
        }

        /** Writes what follows the last record. */
        void end(OutputStream out, long records) throws IOException {
        }

        @Override
        public boolean streaming() {
            return true;
        }

        @Override
        public Stream<T> read(byte[] content) throws IOException {
            return read(new ByteArrayInputStream(content));
        }

        @Override
        public byte[] write(Stream<T> value) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            write(value, out);
            return out.toByteArray();
        }

        @Override
        public Stream<T> read(InputStream content) throws IOException {
            MappingIterator<T> values;
            try {
                values = iterator(content);
            } catch (IOException | RuntimeException failed) {
                try (content) {
                    throw failed;
                }
            }
            Iterator<T> records = new Iterator<>() {
                private long read;

                @Override
                public boolean hasNext() {
                    try {
                        return values.hasNextValue();
                    } catch (IOException failed) {
                        throw failure(failed);
                    }
                }

                @Override
                public T next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    T value;
                    try {
                        value = values.nextValue();
                    } catch (IOException failed) {
                        throw failure(failed);
                    }
                    read++;
                    if (value == null) {
                        throw new RecordStreamException(unit + " " + String.format(java.util.Locale.ROOT, "%,d", read) + " is JSON null, not a"
                                + " record; remove it or write the record", new IOException("null record"), true);
                    }
                    return value;
                }

                private RecordStreamException failure(IOException failed) {
                    String where = unit + " " + String.format(java.util.Locale.ROOT, "%,d", read + 1);
                    if (failed instanceof JsonProcessingException malformed) {
                        JsonLocation location = malformed.getLocation();
                        if (location != null && location.getLineNr() > 0 && unit.equals("row")) {
                            where += " (line " + String.format(java.util.Locale.ROOT, "%,d", location.getLineNr()) + ")";
                        }
                        return new RecordStreamException(where + ": " + malformed.getOriginalMessage(), malformed, true);
                    }
                    return new RecordStreamException("reading " + where + " failed: " + failed.getMessage(), failed, false);
                }
            };
            return StreamSupport.stream(Spliterators.spliteratorUnknownSize(records, Spliterator.ORDERED | Spliterator.NONNULL),
                    false).onClose(() -> {
                        try (content) {
                            values.close();
                        } catch (IOException failed) {
                            throw new UncheckedIOException(failed);
                        }
                    });
        }

        @Override
        public void write(Stream<T> value, OutputStream out) throws IOException {
            Iterator<T> records = value.iterator();
            T first = records.hasNext() ? records.next() : null;
            if (first == null && !writesHeaderAlone()) {
                return;
            }
            long written = 0;
            OutputStream kept = new KeptOpen(out);
            try (SequenceWriter sequence = writerFor(first).without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE)
                    .writeValues(kept)) {
                if (first != null) {
                    sequence.write(first);
                    written++;
                }
                while (records.hasNext()) {
                    sequence.write(records.next());
                    written++;
                }
            }
            end(out, written);
        }
    }

    /** An output stream that {@code close()} only flushes: the staged write is the caller's to commit or abort. */
    private static final class KeptOpen extends FilterOutputStream {
        KeptOpen(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }

    /**
     * A whole format of records (CSV, JSON lines) with its streaming twin, which reads the same
     * records lazily: what a preview reads, so that it reads only the rows it shows.
     */
    abstract static class WholeRecords<T> extends Named<T> {
        private final Format<? extends Stream<?>> streamed;

        WholeRecords(String name, Format<? extends Stream<?>> streamed) {
            super(name);
            this.streamed = streamed;
        }

        /** The same records, read as a lazy stream. */
        Format<? extends Stream<?>> streamed() {
            return streamed;
        }
    }

    /** A format with a name for messages. */
    private abstract static class Named<T> implements Format<T> {
        private final String name;

        Named(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String toString() {
            return "Format[" + name + "]";
        }
    }
}
