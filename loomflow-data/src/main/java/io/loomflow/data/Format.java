package io.loomflow.data;

import io.loomflow.data.internal.Formats;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.NullUnmarked;

/**
 * How a dataset's value is turned into bytes and back: text, bytes, JSON or CSV.
 *
 * <p>Formats are immutable and thread-safe. CSV and JSON are done by Jackson (quoting, escaping,
 * headers, numbers), never by hand.
 * {@snippet class=io.loomflow.data.snippets.DatasetSnippets region=formats}
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
}
