package io.loomflow.parquet.internal;

import io.loomflow.parquet.internal.Shape.Field;
import io.loomflow.parquet.internal.Shape.Group;
import io.loomflow.parquet.internal.Shape.ListOf;
import io.loomflow.parquet.internal.Shape.Node;
import io.loomflow.parquet.internal.Shape.Scalar;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

/**
 * Writes rows of a shape to Parquet's record consumer, one field at a time. Not thread-safe: one per
 * file written.
 */
final class RowWriteSupport extends WriteSupport<Object> {

    private final Group shape;
    private final MessageType schema;
    private final boolean checkTypes;
    private RecordConsumer consumer;
    private long row;

    RowWriteSupport(Group shape, boolean checkTypes) {
        this.shape = shape;
        this.schema = Schemas.of(shape);
        this.checkTypes = checkTypes;
    }

    @Override
    public WriteContext init(org.apache.hadoop.conf.Configuration configuration) {
        throw new UnsupportedOperationException("Loomflow writes Parquet without Hadoop's configuration");
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
        return new WriteContext(schema, Map.of("writer", "loomflow"));
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
        this.consumer = recordConsumer;
    }

    @Override
    public void write(Object record) {
        row++;
        if (record == null) {
            throw new RowException("row " + row + " is null; remove it from the list, or write a row of nulls");
        }
        consumer.startMessage();
        fields(shape, record, "");
        consumer.endMessage();
    }

    /*
     * Paths (such as "point.label" or "tags[2]") are made only for messages: a prefix per nested
     * group or list element, and the field's name joined to it when something is wrong.
     */

    private void fields(Group group, Object value, String path) {
        for (int i = 0; i < group.fields().size(); i++) {
            Field field = group.fields().get(i);
            Object fieldValue = field.get(value);
            if (fieldValue == null) {
                if (!field.optional()) {
                    throw new RowException("row " + row + ": " + path + field.name() + " is null, but its column is"
                            + " required; declare the component @Nullable or Optional<" + field.node().javaName()
                            + ">, or give it a value");
                }
                continue;
            }
            consumer.startField(field.name(), i);
            value(field.node(), fieldValue, path, field.name());
            consumer.endField(field.name(), i);
        }
    }

    private void value(Node node, Object value, String path, String name) {
        switch (node) {
            case Group group -> {
                consumer.startGroup();
                fields(group, value, path + name + ".");
                consumer.endGroup();
            }
            case ListOf list -> list(list, value, path + name);
            case Scalar scalar -> scalar(scalar, value, path, name);
        }
    }

    private void list(ListOf list, Object value, String at) {
        Collection<?> elements = (Collection<?>) value;
        consumer.startGroup();
        if (!elements.isEmpty()) {
            consumer.startField("list", 0);
            int index = 0;
            for (Object element : elements) {
                consumer.startGroup();
                if (element != null) {
                    consumer.startField("element", 0);
                    value(list.element(), element, at, "[]");
                    consumer.endField("element", 0);
                } else if (!list.elementOptional()) {
                    throw new RowException("row " + row + ": " + at + "[" + index + "] is null, but the list's elements"
                            + " are required; declare the element type @Nullable, or leave nulls out");
                }
                consumer.endGroup();
                index++;
            }
            consumer.endField("list", 0);
        }
        consumer.endGroup();
    }

    private void scalar(Scalar scalar, Object value, String path, String name) {
        if (checkTypes && !Schemas.holds(scalar.kind(), value)) {
            throw new RowException("row " + row + ": " + path + name + " holds a " + value.getClass().getSimpleName()
                    + ", but earlier rows hold " + scalar.javaName() + "; give each column values of one type");
        }
        switch (scalar.kind()) {
            case BOOLEAN -> consumer.addBoolean((Boolean) value);
            case BYTE, SHORT, INT -> consumer.addInteger(((Number) value).intValue());
            case LONG -> consumer.addLong((Long) value);
            case FLOAT -> consumer.addFloat((Float) value);
            case DOUBLE -> consumer.addDouble((Double) value);
            case STRING -> consumer.addBinary(Binary.fromString((String) value));
            case ENUM -> consumer.addBinary(Binary.fromString(((Enum<?>) value).name()));
            case DECIMAL -> decimal(scalar, (BigDecimal) value, path, name);
            case DATE -> consumer.addInteger(Math.toIntExact(((LocalDate) value).toEpochDay()));
            case INSTANT -> {
                Instant instant = (Instant) value;
                consumer.addLong(micros(instant.getEpochSecond(), instant.getNano(), value, path, name));
            }
            case LOCAL_DATE_TIME -> {
                LocalDateTime time = (LocalDateTime) value;
                consumer.addLong(micros(time.toEpochSecond(ZoneOffset.UTC), time.getNano(), value, path, name));
            }
            case UUID -> {
                UUID uuid = (UUID) value;
                consumer.addBinary(Binary.fromConstantByteArray(ByteBuffer.allocate(16)
                        .putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits()).array()));
            }
            case BYTES -> consumer.addBinary(Binary.fromConstantByteArray((byte[]) value));
        }
    }

    private long micros(long seconds, int nanos, Object value, String path, String name) {
        if (nanos % 1000 != 0) {
            throw new RowException("row " + row + ": " + path + name + " is " + value + ", finer than the microseconds a Parquet"
                    + " timestamp holds here; truncate it with .truncatedTo(ChronoUnit.MICROS)");
        }
        try {
            return Math.addExact(Math.multiplyExact(seconds, 1_000_000L), nanos / 1000);
        } catch (ArithmeticException tooFar) {
            throw new RowException("row " + row + ": " + path + name + " is " + value + ", too far from 1970 for a timestamp"
                    + " in microseconds (about 292,000 years either way)");
        }
    }

    private void decimal(Scalar scalar, BigDecimal value, String path, String name) {
        BigInteger unscaled;
        try {
            unscaled = value.setScale(scalar.scale(), RoundingMode.UNNECESSARY).unscaledValue();
        } catch (ArithmeticException rounding) {
            throw new RowException("row " + row + ": " + path + name + " is " + value.toPlainString() + ", with more than "
                    + scalar.scale() + " decimal places; round it, or give the component @Decimal(precision = "
                    + scalar.precision() + ", scale = " + value.scale() + ")");
        }
        if (unscaled.abs().compareTo(BigInteger.TEN.pow(scalar.precision())) >= 0) {
            throw new RowException("row " + row + ": " + path + name + " is " + value.toPlainString() + ", more than "
                    + scalar.precision() + " digits; give the component a larger @Decimal(precision = ..., scale = "
                    + scalar.scale() + "), up to 38");
        }
        if (scalar.precision() <= 9) {
            consumer.addInteger(unscaled.intValueExact());
        } else if (scalar.precision() <= 18) {
            consumer.addLong(unscaled.longValueExact());
        } else {
            byte[] minimal = unscaled.toByteArray();
            byte[] fixed = new byte[Schemas.decimalBytes(scalar.precision())];
            byte fill = unscaled.signum() < 0 ? (byte) -1 : 0;
            int pad = fixed.length - minimal.length;
            for (int i = 0; i < pad; i++) {
                fixed[i] = fill;
            }
            System.arraycopy(minimal, 0, fixed, pad, minimal.length);
            consumer.addBinary(Binary.fromConstantByteArray(fixed));
        }
    }
}
