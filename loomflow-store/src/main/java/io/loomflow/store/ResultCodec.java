package io.loomflow.store;

import io.loomflow.store.internal.JsonResultCodec;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Turns task results into JSON and back, for a result store that keeps them as text; the store
 * wraps what {@link #encode(Object)} returns in an envelope of its own (key, task, times).
 *
 * <p>The default, {@link #json()}, writes Jackson JSON with the type of every value that is not
 * plain JSON (records, lists, sets, maps, enums, longs, decimals, arrays, UUIDs, {@code java.time}
 * values) recorded next to it, so that results come back as the types they were. It builds only
 * types that are safe to build from a file: see {@link #json()}. Another codec (Java serialization,
 * Kryo, Protocol Buffers) may return any JSON value, such as a string of base-64 bytes.
 *
 * <p>Implementations must be thread-safe.
 */
public interface ResultCodec {

    /**
     * Writes a result as one JSON value.
     *
     * @param value the result
     * @return its JSON text
     * @throws IllegalArgumentException if the value cannot be written; the store then does not
     *     store it, and the engine logs why
     */
    String encode(@Nullable Object value);

    /**
     * Reads a result back.
     *
     * @param json what {@link #encode(Object)} returned
     * @param loader the class loader to find the result's classes with (that of the task's code)
     * @return the result
     * @throws IllegalArgumentException if the text cannot be read back, or names a type the codec
     *     refuses to build; the store then treats the result as absent
     */
    @Nullable Object decode(String json, ClassLoader loader);

    /**
     * The JSON codec, which builds only these types from a file: records (through their canonical
     * constructor), enums, arrays, the JDK's boxed primitives, {@code String}, {@code BigDecimal},
     * {@code BigInteger}, {@code UUID}, the common {@code java.util} lists, sets, maps and their
     * immutable and unmodifiable forms, and {@code java.time} values. Any other class named in a
     * file is refused, so that a tampered file cannot make the process build an arbitrary class
     * (the "gadget" attacks of polymorphic deserialization); use {@link #jsonAllowing(String...)}
     * to allow more.
     *
     * <p>Map keys come back as strings unless the map is a record component with a declared key
     * type; {@code Optional} and classes with no properties cannot be written.
     *
     * @return the codec
     */
    static ResultCodec json() {
        return JsonResultCodec.DEFAULT;
    }

    /**
     * The JSON codec of {@link #json()}, also allowing every class whose name starts with one of
     * {@code prefixes}, such as your own {@code "com.acme.model."} classes that are not records.
     * Allow only packages whose classes do nothing but hold data when built and set.
     *
     * @param prefixes package prefixes, each ending with a dot, such as {@code "com.acme.model."}
     * @return the codec
     * @throws IllegalArgumentException if a prefix is blank, does not end with a dot, or would allow
     *     a {@code java.} or {@code javax.} package
     */
    static ResultCodec jsonAllowing(String... prefixes) {
        return JsonResultCodec.allowing(List.of(prefixes));
    }
}
