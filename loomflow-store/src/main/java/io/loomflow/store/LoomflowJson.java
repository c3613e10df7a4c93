package io.loomflow.store;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.TypeFactory;
import com.fasterxml.jackson.databind.util.LRUMap;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * Loomflow's one JSON configuration: how the run history writes parameters and results, how the
 * server reads requests and writes answers, and how the command line prints results. Kept here, in
 * the lowest module that reads and writes JSON for all three, so that they cannot drift apart.
 *
 * <p>The settings:
 * <ul>
 *   <li>dates, times and durations as ISO-8601 text, {@code Optional} as its value or null;</li>
 *   <li>reading is strict: trailing content after the value ({@code {"a":1} xx}) and a key given
 *       twice ({@code {"a":1,"a":2}}) are errors; floating-point numbers are read as
 *       {@code BigDecimal}, so {@code 1e400} reaches a check exactly instead of as infinity;</li>
 *   <li>each mapper has a type cache of its own (not Jackson's process-wide one), so a mapper that
 *       met the classes of a dev-mode generation is dropped with them.</li>
 * </ul>
 *
 * <p>Stateless; every call returns a new builder, which callers may change further (the CLI indents
 * its output).
 */
public final class LoomflowJson {

    private LoomflowJson() {
    }

    /**
     * A mapper builder with Loomflow's settings.
     *
     * @return a new builder
     */
    public static JsonMapper.Builder builder() {
        return JsonMapper.builder()
                .typeFactory(TypeFactory.defaultInstance().withCache(new LRUMap<Object, JavaType>(16, 200)))
                .addModule(new Jdk8Module())
                .addModule(new JavaTimeModule())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);
    }
}
