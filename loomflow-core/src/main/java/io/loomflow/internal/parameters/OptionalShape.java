package io.loomflow.internal.parameters;

import java.util.Map;
import java.util.Optional;

/** An {@code Optional} parameter: left out, it is empty. */
public record OptionalShape(Shape inner) implements Shape {

    @Override
    public Map<String, Object> schema() {
        return inner.schema();
    }

    @Override
    public String expects() {
        return inner.expects();
    }

    @Override
    public Object absent() {
        return Optional.empty();
    }

    @Override
    public Object bind(Object given, String field, Problems problems) {
        Object value = inner.bind(given, field, problems);
        return value == null ? null : Optional.of(value);
    }

    @Override
    public Object toJson(Object value) {
        return value instanceof Optional<?> optional ? optional.map(inner::toJson).orElse(null) : inner.toJson(value);
    }
}
