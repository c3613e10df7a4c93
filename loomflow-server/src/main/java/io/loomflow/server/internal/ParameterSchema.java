package io.loomflow.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.annotation.Annotation;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The JSON schema (draft 2020-12) of a flow's parameter record, derived from its components.
 *
 * <p>The rules:
 * <ul>
 *   <li>Strings, UUIDs, URIs, paths and characters are {@code string}s (with a {@code format} where
 *       one exists); {@code int}, {@code long}, {@code short}, {@code byte} and {@code BigInteger}
 *       are {@code integer}s; {@code double}, {@code float} and {@code BigDecimal} are
 *       {@code number}s; enums are {@code string}s with an {@code enum} of their constants; dates,
 *       times and durations are ISO-8601 {@code string}s with a {@code format}.</li>
 *   <li>A nested record is an {@code object} of its own; a list, set or array is an {@code array}
 *       of its element's schema; a map is an {@code object} whose values follow the value's
 *       schema.</li>
 *   <li>Defaults come from a {@code public static} method {@code defaults()} of the record that
 *       returns an instance of it: each component's value there is its {@code default}.</li>
 *   <li>A component is required unless it has such a default, is a {@code boolean} (false), a
 *       list, set, array or map (empty), an {@code Optional} (empty), annotated {@code @Nullable}
 *       (null), or a nested record none of whose own components is required: the rules of
 *       {@code loomflow run --param}.</li>
 * </ul>
 */
final class ParameterSchema {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ObjectMapper json;

    ParameterSchema(ObjectMapper json) {
        this.json = json;
    }

    /**
     * The schema of a flow's parameters: its record's, or that of an empty object for a flow that
     * declares no parameter type.
     */
    ObjectNode of(Optional<Class<?>> parameterType) {
        if (parameterType.isEmpty()) {
            ObjectNode empty = NODES.objectNode().put("type", "object");
            empty.putObject("properties");
            empty.put("additionalProperties", false);
            return empty;
        }
        ObjectNode schema = schema(parameterType.get(), new HashSet<>());
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        return schema;
    }

    private ObjectNode schema(Type type, Set<Class<?>> enclosing) {
        Class<?> raw = rawClass(type);
        ObjectNode node = NODES.objectNode();
        if (raw == String.class || raw == char.class || raw == Character.class) {
            node.put("type", "string");
            if (raw != String.class) {
                node.put("minLength", 1).put("maxLength", 1);
            }
        } else if (raw == UUID.class) {
            node.put("type", "string").put("format", "uuid");
        } else if (raw == URI.class) {
            node.put("type", "string").put("format", "uri");
        } else if (raw == Path.class) {
            node.put("type", "string").put("description", "a file path");
        } else if (raw == boolean.class || raw == Boolean.class) {
            node.put("type", "boolean");
        } else if (raw == int.class || raw == Integer.class) {
            node.put("type", "integer").put("minimum", Integer.MIN_VALUE).put("maximum", Integer.MAX_VALUE);
        } else if (raw == long.class || raw == Long.class) {
            node.put("type", "integer").put("minimum", Long.MIN_VALUE).put("maximum", Long.MAX_VALUE);
        } else if (raw == short.class || raw == Short.class) {
            node.put("type", "integer").put("minimum", Short.MIN_VALUE).put("maximum", Short.MAX_VALUE);
        } else if (raw == byte.class || raw == Byte.class) {
            node.put("type", "integer").put("minimum", Byte.MIN_VALUE).put("maximum", Byte.MAX_VALUE);
        } else if (raw == BigInteger.class) {
            node.put("type", "integer");
        } else if (raw == double.class || raw == Double.class || raw == float.class || raw == Float.class
                || raw == BigDecimal.class) {
            node.put("type", "number");
        } else if (raw.isEnum()) {
            node.put("type", "string");
            ArrayNode constants = node.putArray("enum");
            for (Object constant : raw.getEnumConstants()) {
                constants.add(((Enum<?>) constant).name());
            }
        } else if (raw == LocalDate.class) {
            node.put("type", "string").put("format", "date");
        } else if (raw == Instant.class || raw == OffsetDateTime.class || raw == ZonedDateTime.class) {
            node.put("type", "string").put("format", "date-time");
        } else if (raw == LocalDateTime.class) {
            node.put("type", "string").put("format", "date-time").put("description", "a local date and time, without an offset");
        } else if (raw == LocalTime.class) {
            node.put("type", "string").put("format", "time");
        } else if (raw == Duration.class) {
            node.put("type", "string").put("format", "duration");
        } else if (raw == Optional.class) {
            return schema(typeArgument(type, 0), enclosing);
        } else if (raw.isArray() || Collection.class.isAssignableFrom(raw)) {
            node.put("type", "array");
            Type element = raw.isArray() ? arrayElement(type, raw) : typeArgument(type, 0);
            node.set("items", schema(element, enclosing));
            if (Set.class.isAssignableFrom(raw)) {
                node.put("uniqueItems", true);
            }
        } else if (Map.class.isAssignableFrom(raw)) {
            node.put("type", "object");
            node.set("additionalProperties", schema(typeArgument(type, 1), enclosing));
        } else if (raw.isRecord()) {
            if (!enclosing.add(raw)) {
                throw new IllegalArgumentException("parameter record " + raw.getName() + " contains itself, which a form"
                        + " cannot show; give the flow a parameter record without cycles");
            }
            node.put("type", "object").put("title", raw.getSimpleName());
            ObjectNode properties = node.putObject("properties");
            ArrayNode required = NODES.arrayNode();
            Object defaults = defaults(raw);
            for (RecordComponent component : raw.getRecordComponents()) {
                ObjectNode property = schema(component.getGenericType(), enclosing);
                boolean hasDefault = false;
                if (defaults != null) {
                    Object value = read(component, defaults);
                    if (value != null) {
                        property.set("default", json.valueToTree(value));
                        hasDefault = true;
                    }
                }
                properties.set(component.getName(), property);
                boolean implicit = property.has("properties") && !property.has("required");
                if (!hasDefault && !implicit && !optional(component)) {
                    required.add(component.getName());
                }
            }
            if (!required.isEmpty()) {
                node.set("required", required);
            }
            node.put("additionalProperties", false);
            enclosing.remove(raw);
        } else {
            node.put("description", "a " + raw.getSimpleName() + " as JSON");
        }
        return node;
    }

    /** The record's {@code defaults()} instance, or {@code null} if it declares none. */
    static Object defaults(Class<?> record) {
        Method method;
        try {
            method = record.getMethod("defaults");
        } catch (NoSuchMethodException none) {
            return null;
        }
        if (!Modifier.isStatic(method.getModifiers()) || method.getReturnType() != record) {
            return null;
        }
        try {
            return method.invoke(null);
        } catch (ReflectiveOperationException | RuntimeException failed) {
            throw new IllegalArgumentException(record.getName() + ".defaults() failed (" + failed
                    + "); make it return the record's default values", failed);
        }
    }

    private static Object read(RecordComponent component, Object instance) {
        try {
            Object value = component.getAccessor().invoke(instance);
            return value instanceof Optional<?> optional ? optional.orElse(null) : value;
        } catch (ReflectiveOperationException failed) {
            throw new IllegalArgumentException("cannot read " + component.getName() + " of "
                    + component.getDeclaringRecord().getName() + "'s defaults(): " + failed
                    + "; make the record public", failed);
        }
    }

    /** Tells whether a component may be left out without a declared default. */
    static boolean optional(RecordComponent component) {
        Class<?> raw = component.getType();
        return raw == boolean.class || raw == Boolean.class || raw.isArray() || Collection.class.isAssignableFrom(raw)
                || Map.class.isAssignableFrom(raw) || raw == Optional.class || nullable(component);
    }

    private static boolean nullable(RecordComponent component) {
        for (Annotation annotation : component.getAnnotations()) {
            if (annotation.annotationType().getSimpleName().equals("Nullable")) {
                return true;
            }
        }
        for (Annotation annotation : component.getAnnotatedType().getAnnotations()) {
            if (annotation.annotationType().getSimpleName().equals("Nullable")) {
                return true;
            }
        }
        return false;
    }

    static Class<?> rawClass(Type type) {
        return switch (type) {
            case Class<?> plain -> plain;
            case ParameterizedType parameterized -> (Class<?>) parameterized.getRawType();
            case GenericArrayType array -> rawClass(array.getGenericComponentType()).arrayType();
            case WildcardType wildcard -> rawClass(wildcard.getUpperBounds()[0]);
            default -> Object.class;
        };
    }

    private static Type typeArgument(Type type, int index) {
        if (type instanceof ParameterizedType parameterized && parameterized.getActualTypeArguments().length > index) {
            return parameterized.getActualTypeArguments()[index];
        }
        return Object.class;
    }

    private static Type arrayElement(Type type, Class<?> raw) {
        return type instanceof GenericArrayType array ? array.getGenericComponentType() : raw.getComponentType();
    }

    /** A {@link JsonNode} for use in messages: short, on one line. */
    static String show(JsonNode value) {
        String text = value.toString();
        return text.length() > 80 ? text.substring(0, 77) + "..." : text;
    }
}
