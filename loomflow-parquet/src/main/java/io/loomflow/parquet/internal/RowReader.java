package io.loomflow.parquet.internal;

import io.loomflow.parquet.internal.Shape.Field;
import io.loomflow.parquet.internal.Shape.Group;
import io.loomflow.parquet.internal.Shape.Kind;
import io.loomflow.parquet.internal.Shape.ListOf;
import io.loomflow.parquet.internal.Shape.Node;
import io.loomflow.parquet.internal.Shape.Scalar;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.jspecify.annotations.Nullable;

/**
 * Reads rows of a file into records of a shape, or into maps shaped like the file: projects the
 * file's schema on the shape's fields (columns the shape does not name are not read), and checks
 * that each column's type fits its component before any row is read.
 */
final class RowReader {

    private final MessageType requested;
    private final Group shape;

    private RowReader(MessageType requested, Group shape) {
        this.requested = requested;
        this.shape = shape;
    }

    /** A reader of the file's rows as records of {@code shape}. */
    static RowReader of(MessageType file, Group shape) {
        return new RowReader(new MessageType(file.getName(), projectFields(file, shape, "")), shape);
    }

    /** A reader of the file's rows as maps, in the file's shape. */
    static RowReader maps(MessageType file) {
        return new RowReader(file, (Group) fromFile(file, ""));
    }

    /** The columns to read. */
    MessageType requested() {
        return requested;
    }

    /** A new materializer of rows. */
    RecordMaterializer<Object> materializer() {
        return new Rows(requested, shape);
    }

    // ---------------------------------------------------------------- shapes of files, and projections

    private static Node fromFile(Type type, String at) {
        if (type.isPrimitive()) {
            return scalarOf(type.asPrimitiveType(), at);
        }
        GroupType group = type.asGroupType();
        if (isList(group)) {
            Type element = listElement(group, at);
            return new ListOf(fromFile(element, at + "[]"), !element.isRepetition(Type.Repetition.REQUIRED)
                    && !element.isRepetition(Type.Repetition.REPEATED));
        }
        List<Field> fields = new ArrayList<>();
        for (Type field : group.getFields()) {
            if (field.isRepetition(Type.Repetition.REPEATED)) {
                throw new RowException(at + field.getName() + " is a bare repeated field, not a Parquet LIST; read the"
                        + " file with a record whose component names the columns you need, leaving this one out");
            }
            fields.add(new Field(field.getName(), fromFile(field, at + field.getName() + "."),
                    field.isRepetition(Type.Repetition.OPTIONAL), false, null));
        }
        return new Group(null, List.copyOf(fields), null);
    }

    private static Scalar scalarOf(PrimitiveType type, String at) {
        Class<?> natural = Decoding.of(type, at).natural;
        for (Kind kind : Kind.values()) {
            if (kind.javaType == natural) {
                if (kind == Kind.DECIMAL) {
                    LogicalTypeAnnotation.DecimalLogicalTypeAnnotation decimal =
                            (LogicalTypeAnnotation.DecimalLogicalTypeAnnotation) type.getLogicalTypeAnnotation();
                    return new Scalar(kind, null, decimal.getPrecision(), decimal.getScale());
                }
                return Scalar.of(kind);
            }
        }
        throw new IllegalStateException("no kind for " + natural);
    }

    private static boolean isList(GroupType group) {
        return group.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation
                || group.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.MapLogicalTypeAnnotation;
    }

    /** The element of a LIST (three levels, or two), or the key-value group of a MAP. */
    private static Type listElement(GroupType list, String at) {
        if (list.getFieldCount() != 1 || !list.getType(0).isRepetition(Type.Repetition.REPEATED)) {
            throw new RowException(at + " is a LIST without its one repeated field; the file does not follow the"
                    + " Parquet format: write it again with a current Parquet writer");
        }
        Type repeated = list.getType(0);
        if (!repeated.isPrimitive() && repeated.asGroupType().getFieldCount() == 1
                && list.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation) {
            return repeated.asGroupType().getType(0);
        }
        return repeated;
    }

    private static List<Type> projectFields(GroupType file, Group shape, String at) {
        List<Type> projected = new ArrayList<>();
        for (Field field : shape.fields()) {
            if (!file.containsField(field.name())) {
                if (field.optional()) {
                    continue;
                }
                throw new RowException("the file has no column " + at + field.name() + " (its columns at this level: "
                        + file.getFields().stream().map(Type::getName).collect(Collectors.joining(", ")) + "); rename the"
                        + " component to the column it reads, or make it @Nullable or Optional to read it as absent");
            }
        }
        for (Type column : file.getFields()) {
            Field field = shape.field(column.getName());
            if (field != null) {
                if (column.isRepetition(Type.Repetition.REPEATED)) {
                    throw new RowException(at + column.getName() + " is a bare repeated field, not a Parquet LIST;"
                            + " leave it out of the record");
                }
                projected.add(project(column, field.node(), at + column.getName()));
            }
        }
        return projected;
    }

    private static Type project(Type file, Node target, String at) {
        switch (target) {
            case Scalar scalar -> {
                if (!file.isPrimitive()) {
                    throw mismatch(at, describe(file), scalar.javaName());
                }
                Class<?> natural = Decoding.of(file.asPrimitiveType(), at).natural;
                if (!fits(natural, scalar.kind())) {
                    throw mismatch(at, describe(file) + " (read as " + natural.getSimpleName() + ")", scalar.javaName());
                }
                return file;
            }
            case Group group -> {
                if (file.isPrimitive() || isList(file.asGroupType())) {
                    throw mismatch(at, describe(file), group.javaName());
                }
                return file.asGroupType().withNewFields(projectFields(file.asGroupType(), group, at + "."));
            }
            case ListOf list -> {
                if (file.isPrimitive() || !isList(file.asGroupType())) {
                    throw mismatch(at, describe(file), list.javaName());
                }
                GroupType fileList = file.asGroupType();
                Type element = listElement(fileList, at);
                Type projectedElement = project(element, list.element(), at + "[]");
                Type repeated = fileList.getType(0);
                if (repeated == element) {
                    return fileList.withNewFields(projectedElement);
                }
                return fileList.withNewFields(repeated.asGroupType().withNewFields(projectedElement));
            }
        }
    }

    private static String describe(Type type) {
        if (type.isPrimitive()) {
            LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
            return type.asPrimitiveType().getPrimitiveTypeName() + (logical == null ? "" : " " + logical);
        }
        return type.getLogicalTypeAnnotation() == null ? "a group" : "a " + type.getLogicalTypeAnnotation();
    }

    private static RowException mismatch(String at, String fileType, String javaType) {
        return new RowException("column " + at + " holds " + fileType + ", which does not fit the component's type "
                + javaType + "; change the component to the column's type, or write the file again with this one");
    }

    private static boolean fits(Class<?> natural, Kind kind) {
        return switch (kind) {
            case BYTE, SHORT, INT, LONG -> natural == Integer.class || natural == Long.class;
            case DOUBLE -> natural == Double.class || natural == Float.class;
            case ENUM -> natural == String.class;
            case DECIMAL -> natural == BigDecimal.class || natural == Integer.class || natural == Long.class;
            default -> natural == kind.javaType;
        };
    }

    // ---------------------------------------------------------------- converters

    /** Where a converter puts the value it read. */
    private interface Sink {
        void set(int slot, @Nullable Object value);
    }

    /** The rows of a file, one record (or map) at a time. */
    private static final class Rows extends RecordMaterializer<Object> implements Sink {
        private final GroupValues root;
        private @Nullable Object current;

        Rows(MessageType requested, Group shape) {
            this.root = new GroupValues(requested, shape, this, 0, "");
        }

        @Override
        public void set(int slot, @Nullable Object value) {
            current = value;
        }

        @Override
        public Object getCurrentRecord() {
            return current;
        }

        @Override
        public GroupConverter getRootConverter() {
            return root;
        }
    }

    private static Converter converter(Type file, Node target, Sink sink, int slot, String at) {
        return switch (target) {
            case Scalar scalar -> new ScalarValue(file.asPrimitiveType(), scalar, sink, slot, at);
            case Group group -> new GroupValues(file.asGroupType(), group, sink, slot, at + ".");
            case ListOf list -> new ListValues(file.asGroupType(), list, sink, slot, at);
        };
    }

    /** A record or map: its fields' values, then the record built at its end. */
    private static final class GroupValues extends GroupConverter implements Sink {
        private final Group shape;
        private final Sink parent;
        private final int slot;
        private final String at;
        private final Converter[] converters;
        private Object[] values;

        GroupValues(GroupType file, Group shape, Sink parent, int slot, String at) {
            this.shape = shape;
            this.parent = parent;
            this.slot = slot;
            this.at = at;
            this.converters = new Converter[file.getFieldCount()];
            for (int i = 0; i < converters.length; i++) {
                Type column = file.getType(i);
                int index = shape.fields().indexOf(shape.field(column.getName()));
                converters[i] = converter(column, shape.fields().get(index).node(), this, index, at + column.getName());
            }
            this.values = new Object[shape.fields().size()];
        }

        @Override
        public Converter getConverter(int fieldIndex) {
            return converters[fieldIndex];
        }

        @Override
        public void start() {
            // The constructor (or the map) copies the values, so one array serves every row.
            Arrays.fill(values, null);
        }

        @Override
        public void set(int index, @Nullable Object value) {
            values[index] = value;
        }

        @Override
        public void end() {
            for (int i = 0; i < values.length; i++) {
                Field field = shape.fields().get(i);
                if (field.wrapsOptional()) {
                    values[i] = Optional.ofNullable(values[i]);
                } else if (values[i] == null && field.accessor() != null && !field.optional()) {
                    throw new RowException(at + field.name() + " has no value, but component " + shape.javaName() + "."
                            + field.name() + " cannot be null; declare it @Nullable or Optional<"
                            + field.node().javaName() + ">");
                }
            }
            parent.set(slot, shape.build(values));
        }
    }

    /** A LIST: its elements, through the repeated group (three levels) or directly (two). */
    private static final class ListValues extends GroupConverter {
        private final Sink parent;
        private final int slot;
        private final Converter repeated;
        private List<@Nullable Object> elements = new ArrayList<>();

        ListValues(GroupType file, ListOf shape, Sink parent, int slot, String at) {
            this.parent = parent;
            this.slot = slot;
            Type repeatedType = file.getType(0);
            Sink adder = (ignored, value) -> elements.add(value);
            Type element = listElement(file, at);
            if (repeatedType == element) {
                this.repeated = converter(element, shape.element(), adder, 0, at + "[]");
            } else {
                this.repeated = new ElementHolder(repeatedType.asGroupType(), shape, adder, at);
            }
        }

        @Override
        public Converter getConverter(int fieldIndex) {
            return repeated;
        }

        @Override
        public void start() {
            elements = new ArrayList<>();
        }

        @Override
        public void end() {
            parent.set(slot, elements);
        }
    }

    /** The repeated group of a three-level LIST, holding at most one element each time. */
    private static final class ElementHolder extends GroupConverter implements Sink {
        private final Sink list;
        private final ListOf shape;
        private final String at;
        private final Converter element;
        private @Nullable Object value;

        ElementHolder(GroupType repeated, ListOf shape, Sink list, String at) {
            this.list = list;
            this.shape = shape;
            this.at = at;
            this.element = converter(repeated.getType(0), shape.element(), this, 0, at + "[]");
        }

        @Override
        public Converter getConverter(int fieldIndex) {
            return element;
        }

        @Override
        public void set(int slot, @Nullable Object read) {
            value = read;
        }

        @Override
        public void start() {
            value = null;
        }

        @Override
        public void end() {
            if (value == null && !shape.elementOptional()) {
                throw new RowException(at + " has a null element, but the list's elements cannot be null; declare the"
                        + " element type @Nullable, such as List<@Nullable " + shape.element().javaName() + ">");
            }
            list.set(0, value);
        }
    }

    /** One column's value: decoded as the file declares it, then converted to the component's type. */
    private static final class ScalarValue extends PrimitiveConverter {
        private final Decoding decoding;
        private final Scalar target;
        private final Sink sink;
        private final int slot;
        private final String at;

        ScalarValue(PrimitiveType file, Scalar target, Sink sink, int slot, String at) {
            this.decoding = Decoding.of(file, at);
            this.target = target;
            this.sink = sink;
            this.slot = slot;
            this.at = at;
        }

        @Override
        public void addBoolean(boolean value) {
            sink.set(slot, value);
        }

        @Override
        public void addFloat(float value) {
            sink.set(slot, target.kind() == Kind.DOUBLE ? (Object) (double) value : (Object) value);
        }

        @Override
        public void addDouble(double value) {
            sink.set(slot, value);
        }

        @Override
        public void addInt(int value) {
            sink.set(slot, convert(decoding.ofInt(value)));
        }

        @Override
        public void addLong(long value) {
            sink.set(slot, convert(decoding.ofLong(value)));
        }

        @Override
        public void addBinary(Binary value) {
            sink.set(slot, convert(decoding.ofBinary(value)));
        }

        private Object convert(Object value) {
            return switch (target.kind()) {
                case BYTE -> (byte) ranged(value, Byte.MIN_VALUE, Byte.MAX_VALUE);
                case SHORT -> (short) ranged(value, Short.MIN_VALUE, Short.MAX_VALUE);
                case INT -> (int) ranged(value, Integer.MIN_VALUE, Integer.MAX_VALUE);
                case LONG -> ((Number) value).longValue();
                case ENUM -> constant(value);
                case DECIMAL -> value instanceof BigDecimal decimal ? decimal : BigDecimal.valueOf(((Number) value).longValue());
                default -> value;
            };
        }

        private long ranged(Object value, long min, long max) {
            long number = ((Number) value).longValue();
            if (number < min || number > max) {
                throw new RowException(at + " is " + number + ", beyond the range of the component's "
                        + target.javaName().toLowerCase(java.util.Locale.ROOT) + "; give the component a wider type");
            }
            return number;
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        private Object constant(Object value) {
            Class<? extends Enum> type = (Class<? extends Enum>) target.enumType();
            try {
                return Enum.valueOf(type, (String) value);
            } catch (IllegalArgumentException unknown) {
                throw new RowException(at + " is '" + value + "', not a constant of " + type.getSimpleName() + " ("
                        + Arrays.stream(type.getEnumConstants()).map(Object::toString).collect(Collectors.joining(", "))
                        + "); add it to the enum, or read the column as a String");
            }
        }
    }

    /** How a column's stored values become Java values, from its physical and logical type. */
    private static final class Decoding {
        private enum As { BOOLEAN, INT, UNSIGNED_INT, LONG, FLOAT, DOUBLE, DATE, DECIMAL, INSTANT, LOCAL_DATE_TIME, INT96,
            STRING, UUID, BYTES }

        private static final long JULIAN_DAY_OF_1970 = 2_440_588L;

        final Class<?> natural;
        private final As as;
        private final int scale;
        private final long perSecond;

        private Decoding(As as, Class<?> natural, int scale, long perSecond) {
            this.as = as;
            this.natural = natural;
            this.scale = scale;
            this.perSecond = perSecond;
        }

        static Decoding of(PrimitiveType type, String at) {
            LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
            if (logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation decimal) {
                return new Decoding(As.DECIMAL, BigDecimal.class, decimal.getScale(), 0);
            }
            return switch (type.getPrimitiveTypeName()) {
                case BOOLEAN -> new Decoding(As.BOOLEAN, Boolean.class, 0, 0);
                case FLOAT -> new Decoding(As.FLOAT, Float.class, 0, 0);
                case DOUBLE -> new Decoding(As.DOUBLE, Double.class, 0, 0);
                case INT96 -> new Decoding(As.INT96, Instant.class, 0, 0);
                case INT32 -> logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation
                        ? new Decoding(As.DATE, LocalDate.class, 0, 0)
                        : logical instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation i && !i.isSigned()
                        && i.getBitWidth() == 32 ? new Decoding(As.UNSIGNED_INT, Long.class, 0, 0)
                        : new Decoding(As.INT, Integer.class, 0, 0);
                case INT64 -> {
                    if (logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation time) {
                        long perSecond = switch (time.getUnit()) {
                            case MILLIS -> 1_000L;
                            case MICROS -> 1_000_000L;
                            case NANOS -> 1_000_000_000L;
                        };
                        yield time.isAdjustedToUTC() ? new Decoding(As.INSTANT, Instant.class, 0, perSecond)
                                : new Decoding(As.LOCAL_DATE_TIME, LocalDateTime.class, 0, perSecond);
                    }
                    yield new Decoding(As.LONG, Long.class, 0, 0);
                }
                case BINARY -> logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                        || logical instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
                        || logical instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation
                        ? new Decoding(As.STRING, String.class, 0, 0) : new Decoding(As.BYTES, byte[].class, 0, 0);
                case FIXED_LEN_BYTE_ARRAY -> logical instanceof LogicalTypeAnnotation.UUIDLogicalTypeAnnotation
                        ? new Decoding(As.UUID, UUID.class, 0, 0) : new Decoding(As.BYTES, byte[].class, 0, 0);
            };
        }

        Object ofInt(int value) {
            return switch (as) {
                case DATE -> LocalDate.ofEpochDay(value);
                case DECIMAL -> BigDecimal.valueOf(value, scale);
                case UNSIGNED_INT -> Integer.toUnsignedLong(value);
                default -> value;
            };
        }

        Object ofLong(long value) {
            return switch (as) {
                case INSTANT -> Instant.ofEpochSecond(Math.floorDiv(value, perSecond),
                        Math.floorMod(value, perSecond) * (1_000_000_000L / perSecond));
                case LOCAL_DATE_TIME -> LocalDateTime.ofEpochSecond(Math.floorDiv(value, perSecond),
                        (int) (Math.floorMod(value, perSecond) * (1_000_000_000L / perSecond)), ZoneOffset.UTC);
                case DECIMAL -> BigDecimal.valueOf(value, scale);
                default -> value;
            };
        }

        Object ofBinary(Binary value) {
            return switch (as) {
                case STRING -> value.toStringUsingUTF8();
                case DECIMAL -> new BigDecimal(new BigInteger(value.getBytes()), scale);
                case UUID -> {
                    ByteBuffer bytes = value.toByteBuffer();
                    yield new UUID(bytes.getLong(bytes.position()), bytes.getLong(bytes.position() + 8));
                }
                case INT96 -> {
                    ByteBuffer bytes = value.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                    long nanosOfDay = bytes.getLong(bytes.position());
                    long julianDay = Integer.toUnsignedLong(bytes.getInt(bytes.position() + 8));
                    yield Instant.ofEpochSecond((julianDay - JULIAN_DAY_OF_1970) * 86_400L, nanosOfDay);
                }
                default -> value.getBytes().clone();
            };
        }
    }
}
