package io.loomflow.schedules.internal;

import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The rule for the fixed parameters of schedules and triggers: JSON values (maps, lists, strings,
 * numbers, booleans and nulls), as the command line and the API bind them.
 */
public final class JsonValues {

    private JsonValues() {
    }

    /**
     * An unmodifiable copy of {@code parameters}, each value checked (inside maps and lists too).
     *
     * @param parameters the parameters by name
     * @param error makes the exception for a message naming the parameter that is not a JSON value
     * @return the copy, in the given order
     */
    public static Map<String, @Nullable Object> parameters(Map<String, ?> parameters,
            Function<String, ? extends RuntimeException> error) {
        Objects.requireNonNull(parameters, "parameters");
        Map<String, @Nullable Object> copy = new LinkedHashMap<>();
        parameters.forEach((key, value) -> copy.put(Objects.requireNonNull(key, "parameter name"),
                json(key, value, error)));
        return Collections.unmodifiableMap(copy);
    }

    private static @Nullable Object json(String path, @Nullable Object value,
            Function<String, ? extends RuntimeException> error) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        if (value instanceof List<?> list) {
            List<@Nullable Object> copy = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                copy.add(json(path + "[" + i + "]", list.get(i), error));
            }
            return Collections.unmodifiableList(copy);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, @Nullable Object> copy = new LinkedHashMap<>();
            map.forEach((key, inner) -> copy.put(String.valueOf(key), json(path + "." + key, inner, error)));
            return Collections.unmodifiableMap(copy);
        }
        boolean time = value instanceof Date || value instanceof TemporalAccessor;
        throw error.apply("parameter " + path + " is a " + value.getClass().getName() + ", not a JSON value; give"
                + " maps, lists, strings, numbers, booleans or null, as {\"region\": \"emea\"}" + (time
                ? " (a date or time as a string, such as \"2026-01-01\"; in YAML, quote it)" : ""));
    }
}
