package io.loomflow.internal.parameters;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** A map from names to parameters of one shape. */
public record MapShape(Class<?> type, Shape value) implements Shape {

    @Override
    public Map<String, Object> schema() {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("additionalProperties", value.schema());
        return schema;
    }

    @Override
    public String expects() {
        return "a map of names to values, each " + value.expects();
    }

    @Override
    public Object absent() {
        return type.isInterface() ? Map.of() : new LinkedHashMap<>();
    }

    @Override
    public Object bind(Object given, String field, Problems problems) {
        if (!(given instanceof Map<?, ?> entries)) {
            problems.add(field, "expected " + expects() + " (a JSON object), got " + Problems.show(given));
            return null;
        }
        int before = problems.count();
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : entries.entrySet()) {
            String path = field + "." + entry.getKey();
            if (String.valueOf(entry.getKey()).isEmpty()) {
                problems.add(path, "is an empty key; give each entry a name");
                continue;
            }
            if (entry.getValue() == null) {
                problems.add(path, "must not be null; give " + value.expects());
                continue;
            }
            values.put(String.valueOf(entry.getKey()), value.bind(entry.getValue(), path, problems));
        }
        if (problems.count() > before) {
            return null;
        }
        return type.isInterface() ? Collections.unmodifiableMap(values) : values;
    }

    @Override
    public Object toJson(Object map) {
        Map<String, Object> json = new LinkedHashMap<>();
        if (map instanceof Map<?, ?> entries) {
            entries.forEach((key, entry) -> json.put(String.valueOf(key), value.toJson(entry)));
        }
        return json;
    }
}
