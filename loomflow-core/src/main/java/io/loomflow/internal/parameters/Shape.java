package io.loomflow.internal.parameters;

import java.util.Map;

/**
 * What one parameter may hold, derived once from a record component's type: its JSON schema, its
 * description in words, and how a given value becomes a Java value.
 *
 * <p>A given value is a JSON tree: {@code Map<String, ?>}, {@code List<?>}, {@code String},
 * {@code Number}, {@code Boolean} or {@code null}. A string given for a number, a boolean or a date is
 * read by the same rules as text from the command line, so the form, the API and the CLI bind alike.
 */
public sealed interface Shape permits Scalar, RecordShape, ListShape, MapShape, OptionalShape {

    /** The JSON schema (draft 2020-12) of the values it takes. */
    Map<String, Object> schema();

    /** What it takes, in words: {@code a whole number from -128 to 127}. */
    String expects();

    /**
     * The Java value for a given value, or {@code null} after adding a problem naming {@code field}.
     *
     * @param given the given JSON value, never {@code null} (the caller reports nulls)
     */
    Object bind(Object given, String field, Problems problems);

    /** A Java value of this shape as a JSON tree (for defaults and for the record of a run). */
    Object toJson(Object value);

    /**
     * The value when the parameter is left out and has no default, or {@link #REQUIRED} if it must
     * be given: false for a boolean, empty for a collection, a map or an {@code Optional}.
     */
    Object absent();

    /** The marker of {@link #absent()} for a value that must be given. */
    Object REQUIRED = new Object() {
        @Override
        public String toString() {
            return "required";
        }
    };
}
