package io.loomflow.parquet.internal;

import io.loomflow.parquet.Decimal;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedParameterizedType;
import java.lang.reflect.AnnotatedType;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What a row holds, as Java sees it: a tree of groups (records, or maps of column names), lists and
 * scalars, made from a record class by reflection once per format. Immutable.
 */
public final class Shape {

    /** The default precision and scale of a {@code BigDecimal} without {@link Decimal}. */
    static final int DEFAULT_PRECISION = 38;
    static final int DEFAULT_SCALE = 9;

    private Shape() {
    }

    /** The Java types a scalar column takes. */
    public enum Kind {
        BOOLEAN(Boolean.class), BYTE(Byte.class), SHORT(Short.class), INT(Integer.class), LONG(Long.class),
        FLOAT(Float.class), DOUBLE(Double.class), STRING(String.class), ENUM(Enum.class), DECIMAL(BigDecimal.class),
        DATE(LocalDate.class), INSTANT(Instant.class), LOCAL_DATE_TIME(LocalDateTime.class), UUID(UUID.class),
        BYTES(byte[].class);

        final Class<?> javaType;

        Kind(Class<?> javaType) {
            this.javaType = javaType;
        }
    }

    /** A node of the tree. */
    public sealed interface Node permits Scalar, Group, ListOf {
        /** The Java type, for messages. */
        String javaName();
    }

    /** A value of one column. */
    public record Scalar(Kind kind, @Nullable Class<?> enumType, int precision, int scale) implements Node {
        static Scalar of(Kind kind) {
            return new Scalar(kind, null, 0, 0);
        }

        @Override
        public String javaName() {
            return enumType != null ? enumType.getSimpleName() : kind.javaType.getSimpleName();
        }
    }

    /**
     * A group of named fields: a record ({@code type} set, built with its canonical constructor), or a
     * map from field name to value ({@code type} null).
     */
    public record Group(@Nullable Class<?> type, List<Field> fields, @Nullable Constructor<?> constructor)
            implements Node {
        @Override
        public String javaName() {
            return type != null ? type.getSimpleName() : "Map";
        }

        /** Builds the record (or map) of the values, in field order. */
        Object build(Object[] values) {
            if (constructor == null) {
                Map<String, Object> row = new java.util.LinkedHashMap<>();
                for (int i = 0; i < fields.size(); i++) {
                    row.put(fields.get(i).name(), values[i]);
                }
                return row;
            }
            try {
                return constructor.newInstance(values);
            } catch (InvocationTargetException refused) {
                throw new RowException("the constructor of " + javaName() + " refused the values read: "
                        + refused.getCause().getMessage() + "; make it accept what the file holds", refused.getCause());
            } catch (ReflectiveOperationException unreachable) {
                throw new RowException("cannot create a " + javaName() + ": " + unreachable.getMessage()
                        + "; make the record public (or its package open)", unreachable);
            }
        }

        /** The field of a name, or null. */
        @Nullable Field field(String name) {
            for (Field field : fields) {
                if (field.name().equals(name)) {
                    return field;
                }
            }
            return null;
        }
    }

    /** A list of elements, Parquet's LIST. */
    public record ListOf(Node element, boolean elementOptional) implements Node {
        @Override
        public String javaName() {
            return "List<" + element.javaName() + ">";
        }
    }

    /**
     * One field of a group: its column name, its node, whether the column is optional (may hold no
     * value), whether the component is an {@code Optional}, and its accessor (null in maps).
     */
    public record Field(String name, Node node, boolean optional, boolean wrapsOptional, @Nullable Method accessor) {
        /** The field's value in a row: the component, unwrapped from its Optional, or the map's entry. */
        @Nullable Object get(Object row) {
            Object value;
            if (accessor == null) {
                value = ((Map<?, ?>) row).get(name);
            } else {
                try {
                    value = accessor.invoke(row);
                } catch (InvocationTargetException failed) {
                    throw new RowException("component '" + name + "' failed: " + failed.getCause(), failed.getCause());
                } catch (IllegalAccessException hidden) {
                    throw new RowException("cannot read component '" + name + "': " + hidden.getMessage()
                            + "; make the record public (or its package open)", hidden);
                }
            }
            return wrapsOptional && value != null ? ((Optional<?>) value).orElse(null) : value;
        }
    }

    /**
     * The shape of a record class.
     *
     * @throws IllegalArgumentException naming the component whose type has no Parquet column, and
     *     what to use instead
     */
    public static Group ofRecord(Class<?> type) {
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type.getName() + " is not a record; give a record class, whose"
                    + " components become the columns (or use ParquetFormat.maps() for rows as maps)");
        }
        return record(type, type.getSimpleName(), new HashSet<>());
    }

    private static Group record(Class<?> type, String path, Set<Class<?>> enclosing) {
        if (!enclosing.add(type)) {
            throw new IllegalArgumentException(path + ": record " + type.getSimpleName() + " contains itself; Parquet"
                    + " columns cannot nest without end, so break the cycle");
        }
        List<Field> fields = new ArrayList<>();
        Class<?>[] parameters = new Class<?>[type.getRecordComponents().length];
        int i = 0;
        for (RecordComponent component : type.getRecordComponents()) {
            parameters[i++] = component.getType();
            String at = path + "." + component.getName();
            AnnotatedType annotated = component.getAnnotatedType();
            boolean nullable = nullable(annotated) || nullable(component.getAnnotations());
            Method accessor = component.getAccessor();
            accessor.trySetAccessible();
            if (component.getType() == Optional.class) {
                AnnotatedType inner = argument(annotated, at);
                Node node = node(inner, at, component.getAnnotation(Decimal.class), enclosing);
                fields.add(new Field(component.getName(), node, true, true, accessor));
            } else {
                Node node = node(annotated, at, component.getAnnotation(Decimal.class), enclosing);
                fields.add(new Field(component.getName(), node, nullable || boxed(component.getType()), false,
                        accessor));
            }
        }
        enclosing.remove(type);
        Constructor<?> constructor;
        try {
            constructor = type.getDeclaredConstructor(parameters);
            constructor.trySetAccessible();
        } catch (NoSuchMethodException impossible) {
            throw new IllegalStateException("record " + type.getName() + " has no canonical constructor", impossible);
        }
        return new Group(type, List.copyOf(fields), constructor);
    }

    private static Node node(AnnotatedType annotated, String at, @Nullable Decimal decimal, Set<Class<?>> enclosing) {
        Type type = annotated.getType();
        Class<?> raw = type instanceof ParameterizedType parameterized ? (Class<?>) parameterized.getRawType()
                : type instanceof Class<?> plain ? plain : Object.class;
        if (raw == List.class || raw == Collection.class) {
            AnnotatedType element = argument(annotated, at);
            boolean elementOptional = nullable(element) || element.getType() instanceof Class<?> c && boxed(c);
            return new ListOf(node(element, at + "[]", decimal, enclosing), elementOptional);
        }
        if (raw.isRecord()) {
            return record(raw, at, enclosing);
        }
        if (raw.isEnum()) {
            return new Scalar(Kind.ENUM, raw, 0, 0);
        }
        if (raw == BigDecimal.class) {
            int precision = decimal == null ? DEFAULT_PRECISION : decimal.precision();
            int scale = decimal == null ? DEFAULT_SCALE : decimal.scale();
            if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
                throw new IllegalArgumentException(at + ": @Decimal(precision = " + precision + ", scale = " + scale
                        + ") is out of range; give a precision from 1 to 38 and a scale from 0 to the precision");
            }
            return new Scalar(Kind.DECIMAL, null, precision, scale);
        }
        Kind kind = scalarKind(raw);
        if (kind == null) {
            throw new IllegalArgumentException(at + " is a " + type.getTypeName() + ", which has no Parquet column"
                    + " here; use a primitive or its box, String, BigDecimal, LocalDate, Instant, LocalDateTime,"
                    + " UUID, byte[], an enum, a record, List or Optional of these");
        }
        return Scalar.of(kind);
    }

    /** The kind of a scalar Java type, or null. */
    static @Nullable Kind scalarKind(Class<?> raw) {
        if (raw == boolean.class || raw == Boolean.class) {
            return Kind.BOOLEAN;
        } else if (raw == byte.class || raw == Byte.class) {
            return Kind.BYTE;
        } else if (raw == short.class || raw == Short.class) {
            return Kind.SHORT;
        } else if (raw == int.class || raw == Integer.class) {
            return Kind.INT;
        } else if (raw == long.class || raw == Long.class) {
            return Kind.LONG;
        } else if (raw == float.class || raw == Float.class) {
            return Kind.FLOAT;
        } else if (raw == double.class || raw == Double.class) {
            return Kind.DOUBLE;
        } else if (raw == String.class) {
            return Kind.STRING;
        } else if (raw == LocalDate.class) {
            return Kind.DATE;
        } else if (raw == Instant.class) {
            return Kind.INSTANT;
        } else if (raw == LocalDateTime.class) {
            return Kind.LOCAL_DATE_TIME;
        } else if (raw == UUID.class) {
            return Kind.UUID;
        } else if (raw == byte[].class) {
            return Kind.BYTES;
        } else if (raw == BigDecimal.class) {
            return Kind.DECIMAL;
        }
        return null;
    }

    /** A box of a primitive, which may be null: an optional column. */
    private static boolean boxed(Class<?> type) {
        return type == Boolean.class || type == Byte.class || type == Short.class || type == Integer.class
                || type == Long.class || type == Float.class || type == Double.class;
    }

    private static AnnotatedType argument(AnnotatedType annotated, String at) {
        if (annotated instanceof AnnotatedParameterizedType parameterized) {
            return parameterized.getAnnotatedActualTypeArguments()[0];
        }
        throw new IllegalArgumentException(at + " is a raw " + annotated.getType().getTypeName() + "; give its type"
                + " argument, such as List<String> or Optional<String>");
    }

    /** Whether a type use or a component is annotated with any annotation named Nullable (JSpecify, Jakarta, ...). */
    private static boolean nullable(AnnotatedType annotated) {
        return nullable(annotated.getAnnotations());
    }

    private static boolean nullable(Annotation[] annotations) {
        for (Annotation annotation : annotations) {
            if (annotation.annotationType().getSimpleName().equals("Nullable")) {
                return true;
            }
        }
        return false;
    }
}
