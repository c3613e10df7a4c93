package io.loomflow.data.internal;

import io.loomflow.data.Format;
import io.loomflow.data.spi.DirectFormat;
import io.loomflow.data.spi.RangedFormat;
import io.loomflow.data.spi.Storage;
import io.loomflow.spi.FlowGraph;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The first rows and the columns of a loaded dataset's value, as {@link FlowGraph.Preview}: a list
 * of maps (CSV rows, JSON records) or records is a table; a JSON object is a row per key; text is a
 * row per line; bytes a row per 16 bytes in hexadecimal; anything else one cell.
 *
 * <p>A preview reads only what it shows, through the {@linkplain #format format} it loads the
 * dataset with: CSV and JSON lines as streams of records, closed after the rows shown (and one
 * more, to tell there are more); text up to the lines shown; bytes up to the bytes shown; a {@link
 * RangedFormat} (Parquet) through {@link RangedFormat#records}, its index and first rows; formats
 * read whole (JSON, an application's own) at most {@link #MAX_WHOLE_BYTES}, beyond which the
 * preview is the first lines of that much, and says so in its column's name.
 */
public final class Previews {

    /** The most columns a preview shows. */
    static final int MAX_COLUMNS = 100;

    /** The most bytes a preview reads of a format read whole, or of text: 1 MiB. */
    public static final int MAX_WHOLE_BYTES = 1 << 20;

    /** The name of the column of a preview cut at {@link #MAX_WHOLE_BYTES}. */
    static final String CUT_COLUMN = "line (the first 1 MiB)";

    private Previews() {
    }

    /**
     * The format a preview loads a dataset of {@code format} with, to read only what it shows (see
     * the class): the value it loads is for {@link #of}. A {@link DirectFormat} (a SQL table) is
     * its own.
     *
     * @param format the dataset's format
     * @param rows the most rows shown, 1 or more
     * @return the format to load the preview with, of the same {@link Format#name()}
     */
    public static Format<?> format(Format<?> format, int rows) {
        return switch (format) {
            case DirectFormat<?> direct -> direct;
            case RangedFormat<?> ranged -> new RecordsByRanges(ranged);
            case Formats.WholeRecords<?> records -> records.streamed();
            default -> format.streaming() ? format : new Head(format, rows);
        };
    }

    /**
     * The preview of a value.
     *
     * @param value what the dataset's format read
     * @param rows the most rows, 1 or more
     * @return its first rows, cells cut to {@link FlowGraph#CELL_CHARS}
     */
    public static FlowGraph.Preview of(@Nullable Object value, int rows) {
        return switch (value) {
            case List<?> list -> table(list, rows);
            case Stream<?> records -> {
                try (records) { // a streamed dataset: only the rows shown (and one more, to tell there are more) are read
                    yield table(records.limit(rows + 1L).toList(), rows);
                }
            }
            case FlowGraph.Preview preview -> preview; // made while reading, by a format of format(...)
            case Map<?, ?> map -> keyValues(map, rows);
            case String text -> lines(text, rows);
            case byte[] bytes -> hex(bytes, rows);
            case null -> new FlowGraph.Preview(List.of(new FlowGraph.Column("value", "null")), List.of(), false);
            default -> new FlowGraph.Preview(List.of(new FlowGraph.Column("value", typeOf(value))),
                    List.of(cells(text(value))), false);
        };
    }

    private static FlowGraph.Preview table(List<?> list, int rows) {
        List<?> shown = list.subList(0, Math.min(rows, list.size()));
        boolean more = list.size() > shown.size();
        if (!shown.isEmpty() && shown.stream().allMatch(row -> row instanceof Map<?, ?>)) {
            Set<String> names = new LinkedHashSet<>();
            for (Object row : shown) {
                for (Object key : ((Map<?, ?>) row).keySet()) {
                    if (names.size() < MAX_COLUMNS) {
                        names.add(String.valueOf(key));
                    }
                }
            }
            List<FlowGraph.Column> columns = new ArrayList<>();
            List<List<@Nullable String>> cells = new ArrayList<>();
            for (Object row : shown) {
                Map<String, @Nullable Object> byName = new LinkedHashMap<>();
                ((Map<?, ?>) row).forEach((key, cell) -> byName.put(String.valueOf(key), cell));
                List<@Nullable String> line = new ArrayList<>();
                names.forEach(name -> line.add(FlowGraph.cell(text(byName.get(name)))));
                cells.add(line);
            }
            for (String name : names) {
                columns.add(new FlowGraph.Column(name, commonType(shown.stream()
                        .map(row -> ((Map<?, ?>) row).get(name)).toList())));
            }
            return new FlowGraph.Preview(columns, cells, more);
        }
        if (!shown.isEmpty() && shown.getFirst() != null && shown.getFirst().getClass().isRecord()
                && shown.stream().allMatch(row -> row != null && row.getClass() == shown.getFirst().getClass())) {
            RecordComponent[] components = shown.getFirst().getClass().getRecordComponents();
            List<FlowGraph.Column> columns = new ArrayList<>();
            for (int i = 0; i < Math.min(components.length, MAX_COLUMNS); i++) {
                columns.add(new FlowGraph.Column(components[i].getName(), typeName(components[i].getType())));
            }
            List<List<@Nullable String>> cells = new ArrayList<>();
            for (Object row : shown) {
                List<@Nullable String> line = new ArrayList<>();
                for (int i = 0; i < columns.size(); i++) {
                    line.add(FlowGraph.cell(text(component(components[i], row))));
                }
                cells.add(line);
            }
            return new FlowGraph.Preview(columns, cells, more);
        }
        List<List<@Nullable String>> cells = new ArrayList<>();
        shown.forEach(item -> cells.add(cells(text(item))));
        return new FlowGraph.Preview(List.of(new FlowGraph.Column("value", commonType(shown))), cells, more);
    }

    private static @Nullable Object component(RecordComponent component, Object row) {
        try {
            return component.getAccessor().invoke(row); // public records: as Jackson reads them for CSV
        } catch (ReflectiveOperationException | RuntimeException unreadable) {
            return "(unreadable: " + unreadable.getClass().getSimpleName() + ")";
        }
    }

    private static FlowGraph.Preview keyValues(Map<?, ?> map, int rows) {
        List<List<@Nullable String>> cells = new ArrayList<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (cells.size() == rows) {
                break;
            }
            cells.add(java.util.Arrays.asList(FlowGraph.cell(String.valueOf(entry.getKey())),
                    FlowGraph.cell(text(entry.getValue()))));
        }
        return new FlowGraph.Preview(List.of(new FlowGraph.Column("key", "string"),
                new FlowGraph.Column("value", commonType(map.values()))), cells, map.size() > cells.size());
    }

    private static FlowGraph.Preview lines(String text, int rows) {
        List<List<@Nullable String>> cells = new ArrayList<>();
        int start = 0;
        while (start < text.length() && cells.size() < rows) {
            int end = text.indexOf('\n', start);
            int stop = end < 0 ? text.length() : end;
            cells.add(cells(text.substring(start, stop > start && text.charAt(stop - 1) == '\r' ? stop - 1 : stop)));
            start = end < 0 ? text.length() : end + 1;
        }
        return new FlowGraph.Preview(List.of(new FlowGraph.Column("line", "string")), cells, start < text.length());
    }

    private static FlowGraph.Preview hex(byte[] bytes, int rows) {
        List<List<@Nullable String>> cells = new ArrayList<>();
        for (int offset = 0; offset < bytes.length && cells.size() < rows; offset += 16) {
            StringBuilder hex = new StringBuilder();
            for (int i = offset; i < Math.min(bytes.length, offset + 16); i++) {
                hex.append(hex.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "%02x", bytes[i]));
            }
            cells.add(java.util.Arrays.asList(String.valueOf(offset), hex.toString()));
        }
        return new FlowGraph.Preview(List.of(new FlowGraph.Column("offset", "integer"),
                new FlowGraph.Column("bytes", "hex")), cells, (long) rows * 16 < bytes.length);
    }

    /**
     * A format a preview loads a dataset with, named as the dataset's own: streaming, so that a
     * dataset hands it a stream or (ranged) its storage rather than the whole object; it only reads.
     */
    private abstract static class PreviewFormat<T> implements Format<T> {
        final Format<?> format;

        PreviewFormat(Format<?> format) {
            this.format = format;
        }

        @Override
        public String name() {
            return format.name();
        }

        @Override
        public boolean streaming() {
            return true;
        }

        @Override
        public byte[] write(T value) {
            throw new UnsupportedOperationException("a preview only reads");
        }
    }

    /** The first records of a ranged format's object, whatever its value is: a list or a stream. */
    private static final class RecordsByRanges extends PreviewFormat<Stream<?>> implements RangedFormat<Stream<?>> {
        private final RangedFormat<?> ranged;

        RecordsByRanges(RangedFormat<?> ranged) {
            super(ranged);
            this.ranged = ranged;
        }

        @Override
        public Stream<?> read(Storage storage, URI location) throws IOException {
            return ranged.records(storage, location);
        }

        @Override
        public Stream<?> records(Storage storage, URI location) throws IOException {
            return ranged.records(storage, location);
        }

        @Override
        public Stream<?> read(byte[] content) {
            throw new UnsupportedOperationException("a preview of " + format.name() + " reads by ranges, not bytes");
        }
    }

    /**
     * The head of an object of a format read whole, as a preview made while reading: text up to
     * the lines shown, bytes up to those shown, other formats (JSON, ...) whole up to {@link
     * #MAX_WHOLE_BYTES}, beyond which the first lines of that much are shown. A streaming format, so
     * that a dataset opens the object as a stream and hands it here.
     */
    private static final class Head extends PreviewFormat<FlowGraph.Preview> {
        private final int rows;

        Head(Format<?> format, int rows) {
            super(format);
            this.rows = rows;
        }

        @Override
        public FlowGraph.Preview read(InputStream content) throws IOException {
            try (content) {
                if (format == Formats.BYTES) {
                    return hex(content.readNBytes(rows * 16 + 1), rows); // one byte more tells there are more
                }
                if (format == Formats.TEXT) {
                    return lines(content, rows);
                }
                byte[] head = content.readNBytes(MAX_WHOLE_BYTES + 1);
                if (head.length <= MAX_WHOLE_BYTES) {
                    return of(format.read(head), rows);
                }
                FlowGraph.Preview lines = lines(new String(head, 0, MAX_WHOLE_BYTES, StandardCharsets.UTF_8), rows);
                return new FlowGraph.Preview(List.of(new FlowGraph.Column(CUT_COLUMN, "string")), lines.rows(), true);
            }
        }

        @Override
        public FlowGraph.Preview read(byte[] content) throws IOException {
            return read(new java.io.ByteArrayInputStream(content));
        }
    }

    /** The first lines of text, read up to the line after them, and at most {@link #MAX_WHOLE_BYTES}. */
    private static FlowGraph.Preview lines(InputStream content, int rows) throws IOException {
        Limited limited = new Limited(content, MAX_WHOLE_BYTES);
        BufferedReader reader = new BufferedReader(new InputStreamReader(limited, StandardCharsets.UTF_8), 4096);
        StringBuilder text = new StringBuilder();
        int lines = 0;
        for (int c = reader.read(); c >= 0; c = reader.read()) {
            text.append((char) c);
            if (lines == rows) {
                break; // a character after the last line shown: there are more
            }
            if (c == '\n') {
                lines++;
            }
        }
        FlowGraph.Preview preview = lines(text.toString(), rows);
        return limited.reachedLimit() && lines < rows
                ? new FlowGraph.Preview(List.of(new FlowGraph.Column(CUT_COLUMN, "string")), preview.rows(), true)
                : preview;
    }

    /** A stream that ends after a number of bytes, and tells whether it ended there. */
    private static final class Limited extends FilterInputStream {
        private long left;

        Limited(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        boolean reachedLimit() {
            return left == 0;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }

    private static List<@Nullable String> cells(@Nullable String text) {
        List<@Nullable String> row = new ArrayList<>();
        row.add(FlowGraph.cell(text));
        return row;
    }

    private static @Nullable String text(@Nullable Object value) {
        return value == null ? null : value instanceof BigDecimal decimal ? decimal.toPlainString() : String.valueOf(value);
    }

    /** The type the non-null values share, or {@code mixed}; {@code null} when all are null. */
    private static String commonType(Collection<?> values) {
        String type = null;
        for (Object value : values) {
            if (value == null) {
                continue;
            }
            String each = typeOf(value);
            if (type == null) {
                type = each;
            } else if (!type.equals(each)) {
                return type.equals("number") && each.equals("integer") || type.equals("integer") && each.equals("number")
                        ? "number" : "mixed";
            }
        }
        return type == null ? "null" : type;
    }

    private static String typeOf(Object value) {
        return typeName(value.getClass());
    }

    private static String typeName(Class<?> type) {
        if (type == String.class || type == char.class || type == Character.class) {
            return "string";
        }
        if (type == int.class || type == long.class || type == short.class || type == byte.class
                || type == Integer.class || type == Long.class || type == Short.class || type == Byte.class
                || type == BigInteger.class) {
            return "integer";
        }
        if (type == double.class || type == float.class || type == Double.class || type == Float.class
                || type == BigDecimal.class) {
            return "number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "boolean";
        }
        if (Map.class.isAssignableFrom(type)) {
            return "object";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "array";
        }
        return type.getSimpleName();
    }
}
