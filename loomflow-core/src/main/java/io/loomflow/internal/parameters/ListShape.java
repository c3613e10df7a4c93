package io.loomflow.internal.parameters;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A list, a set or an array of parameters of one shape. */
public record ListShape(Class<?> type, Shape element) implements Shape {

    boolean isSet() {
        return Set.class.isAssignableFrom(type);
    }

    @Override
    public Map<String, Object> schema() {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "array");
        schema.put("items", element.schema());
        if (isSet()) {
            schema.put("uniqueItems", true);
        }
        return schema;
    }

    @Override
    public String expects() {
        return (isSet() ? "a set of distinct values" : "a list") + ", each " + element.expects();
    }

    @Override
    public Object absent() {
        return make(List.of());
    }

    @Override
    public Object bind(Object given, String field, Problems problems) {
        if (!(given instanceof List<?> items)) {
            problems.add(field, "expected " + expects() + " (a JSON array), got " + Problems.show(given));
            return null;
        }
        int before = problems.count();
        List<Object> values = new ArrayList<>(items.size());
        Set<Object> seen = isSet() ? new HashSet<>() : null;
        for (int i = 0; i < items.size(); i++) {
            String path = field + "[" + i + "]";
            Object item = items.get(i);
            if (item == null) {
                problems.add(path, "must not be null; give " + element.expects());
                continue;
            }
            Object value = element.bind(item, path, problems);
            if (seen != null && value != null && !seen.add(value)) {
                problems.add(path, "repeats " + Problems.show(item) + ", and the set takes each value once");
            }
            values.add(value);
        }
        return problems.count() > before ? null : make(values);
    }

    private Object make(List<Object> values) {
        if (type.isArray()) {
            Object array = Array.newInstance(type.getComponentType(), values.size());
            for (int i = 0; i < values.size(); i++) {
                Array.set(array, i, values.get(i));
            }
            return array;
        }
        if (isSet()) {
            Set<Object> set = new LinkedHashSet<>(values);
            return type.isInterface() ? Collections.unmodifiableSet(set) : set;
        }
        return type.isInterface() ? List.copyOf(values) : new ArrayList<>(values);
    }

    @Override
    public Object toJson(Object value) {
        List<Object> json = new ArrayList<>();
        if (value != null && value.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(value); i++) {
                json.add(element.toJson(Array.get(value, i)));
            }
        } else if (value instanceof Collection<?> collection) {
            collection.forEach(item -> json.add(element.toJson(item)));
        }
        return json;
    }
}
