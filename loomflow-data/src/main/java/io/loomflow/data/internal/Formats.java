package io.loomflow.data.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.loomflow.data.Format;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
        return new Named<>("csv") {
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
        return new Named<>("csv") {
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
