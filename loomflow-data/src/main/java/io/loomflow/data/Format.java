package io.loomflow.data;

import io.loomflow.data.internal.Formats;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.NullUnmarked;

/**
 * How a dataset's value is turned into bytes and back: text, bytes, JSON, JSON lines or CSV.
 *
 * <p>Formats are immutable and thread-safe. CSV and JSON are done by Jackson (quoting, escaping,
 * headers, numbers), never by hand.
 * {@snippet class=io.loomflow.data.snippets.DatasetSnippets region=formats}
 *
 * <p>Most formats read and write a whole value in memory. The record-stream formats ({@link
 * #csvStream(Class)}, {@link #jsonLinesStream(Class)}, ...) are {@link #streaming()}: their value is
 * a lazy {@link Stream} of records, read from the store as it is consumed and written to it as it
 * is produced, so data of any size passes through a small heap:
 * {@snippet class=io.loomflow.data.snippets.DatasetSnippets region=streams}
 * A record that cannot be read ends the stream with an error naming its row (CSV) or line (JSON
 * lines); a dataset adds its own name.
 *
 * @param <T> the type of value the format reads and writes
 */
public interface Format<T> {

    /**
     * The format's name, for messages: {@code "text"}, {@code "csv"}, ...
     *
     * @return the name
     */
    String name();

    /**
     * Reads a value from bytes.
     *
     * @param content the bytes
     * @return the value
     * @throws IOException if the bytes are not in this format; the message says where (line and
     *     column, where the parser gives them) and what was wrong
     */
    T read(byte[] content) throws IOException;

    /**
     * Writes a value as bytes.
     *
     * @param value the value
     * @return the bytes
     * @throws IOException if the value cannot be written in this format
     */
    byte[] write(T value) throws IOException;

    /**
     * Reads a value from a stream of bytes, which the format then owns: a whole format reads it to
     * the end and closes it (the default: {@link #read(byte[])} of all its bytes); a {@link
     * #streaming()} format returns a lazy stream of records that reads as it is consumed and closes
     * {@code content} when it is closed.
     *
     * @param content the bytes
     * @return the value
     * @throws IOException if the bytes cannot be read or are not in this format
     */
    default T read(InputStream content) throws IOException {
        try (content) {
            return read(content.readAllBytes());
        }
    }

    /**
     * Writes a value to a stream of bytes, which stays open (the caller commits or aborts it). The
     * default writes {@link #write(Object)}; a {@link #streaming()} format writes each record as
     * its stream produces it.
     *
     * @param value the value
     * @param out where the bytes go
     * @throws IOException if the value cannot be written in this format, or {@code out} fails
     */
    default void write(T value, OutputStream out) throws IOException {
        out.write(write(value));
    }

    /**
     * Whether values of this format are streams of records, read and written as they go: a dataset
     * of such a format loads with {@code Storage.openRead} and saves with {@code Storage.openWrite},
     * never holding the whole object, and publishes a save only when the stream has been written to
     * its end.
     *
     * @return {@code false} unless the format streams (the default)
     */
    default boolean streaming() {
        return false;
    }

    /**
     * UTF-8 text.
     *
     * @return the format
     */
    static Format<String> text() {
        return Formats.TEXT;
    }

    /**
     * Bytes as they are.
     *
     * @return the format
     */
    static Format<byte[]> bytes() {
        return Formats.BYTES;
    }

    /**
     * A JSON document mapped to a type: a record, a class, a {@code Map} or a {@code List}. A
     * document that is JSON {@code null} holds no value, and is refused.
     *
     * @param type the type
     * @param <T> the type
     * @return the format
     */
    static <T> Format<T> json(Class<T> type) {
        return Formats.json(type);
    }

    /**
     * A JSON array of objects, each mapped to a record or class; an element that is JSON
     * {@code null} is refused.
     *
     * @param type the type of each element
     * @param <T> the element type
     * @return the format
     */
    static <T> Format<List<T>> jsonRecords(Class<T> type) {
        return Formats.jsonList(type);
    }

    /**
     * A JSON object as a map, with JSON's own value types (strings, numbers, booleans, lists, maps,
     * and {@code null}).
     *
     * <p>Its values may be {@code null}, which the type does not declare: {@code @NullUnmarked}
     * leaves them unspecified, as JShell cannot declare a {@code var} of a type whose type argument
     * is annotated.
     *
     * @return the format
     */
    @NullUnmarked
    static Format<Map<String, Object>> jsonMap() {
        return Formats.JSON_MAP;
    }

    /**
     * CSV with a header row; each row a map from column name to value, in column order.
     *
     * @return the format
     */
    static Format<List<Map<String, String>>> csv() {
        return Formats.CSV_MAPS;
    }

    /**
     * CSV with a header row and another separator, such as {@code ';'} or {@code '\t'}; each row a
     * map from column name to value.
     *
     * @param separator the column separator
     * @return the format
     */
    static Format<List<Map<String, String>>> csv(char separator) {
        return Formats.csvMaps(separator);
    }

    /**
     * CSV with a header row; each row a record or class whose properties are named by the header.
     * Values are converted to the properties' types; columns in the file that the type does not
     * have are an error, so that a renamed column is noticed.
     *
     * @param rowType the type of each row
     * @param <T> the row type
     * @return the format
     */
    static <T> Format<List<T>> csv(Class<T> rowType) {
        return Formats.csv(rowType);
    }

    /**
     * CSV with a header row, streamed: each row a map from column name to value, read as the stream
     * is consumed. The stream must be closed (a pipeline closes its nodes' inputs).
     *
     * @return the format, of the catalog type {@code csv}
     */
    static Format<Stream<Map<String, String>>> csvStream() {
        return Formats.csvMapStream(',');
    }

    /**
     * CSV with a header row and another separator, streamed; each row a map from column name to
     * value.
     *
     * @param separator the column separator
     * @return the format, of the catalog type {@code csv}
     */
    static Format<Stream<Map<String, String>>> csvStream(char separator) {
        return Formats.csvMapStream(separator);
    }

    /**
     * CSV with a header row, streamed: each row a record or class, converted as {@link #csv(Class)}
     * converts it, read as the stream is consumed; when saved, each row is written as the stream
     * produces it. The stream must be closed (a pipeline closes its nodes' inputs).
     *
     * @param rowType the type of each row
     * @param <T> the row type
     * @return the format, of the catalog type {@code csv}
     */
    static <T> Format<Stream<T>> csvStream(Class<T> rowType) {
        return Formats.csvStream(rowType);
    }

    /**
     * JSON lines (one JSON value per line, as in {@code .jsonl} files), read and written whole as a
     * list; a line that is JSON {@code null} is refused.
     *
     * @param type the type of each line's value: a record, a class or a {@code Map}
     * @param <T> the type
     * @return the format, of the catalog type {@code jsonl}
     */
    static <T> Format<List<T>> jsonLines(Class<T> type) {
        return Formats.jsonLines(type);
    }

    /**
     * JSON lines, streamed: each line's value read as the stream is consumed, and written as the
     * stream produces it. The stream must be closed (a pipeline closes its nodes' inputs).
     *
     * @param type the type of each line's value: a record, a class or a {@code Map}
     * @param <T> the type
     * @return the format, of the catalog type {@code jsonl}
     */
    static <T> Format<Stream<T>> jsonLinesStream(Class<T> type) {
        return Formats.jsonLinesStream(type);
    }
}
