package io.loomflow.parquet.internal;

import io.loomflow.parquet.internal.Shape.Field;
import io.loomflow.parquet.internal.Shape.Group;
import io.loomflow.parquet.internal.Shape.Kind;
import io.loomflow.parquet.internal.Shape.ListOf;
import io.loomflow.parquet.internal.Shape.Node;
import io.loomflow.parquet.internal.Shape.Scalar;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.schema.ConversionPatterns;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;

/** Parquet schemas of shapes. */
final class Schemas {

    private Schemas() {
    }

    /** The Parquet schema of rows of a shape. */
    static MessageType of(Group shape) {
        return new MessageType(shape.javaName(), fields(shape));
    }

    private static List<Type> fields(Group group) {
        List<Type> types = new ArrayList<>();
        for (Field field : group.fields()) {
            types.add(type(field.node(), field.optional() ? Repetition.OPTIONAL : Repetition.REQUIRED, field.name()));
        }
        return types;
    }

    private static Type type(Node node, Repetition repetition, String name) {
        return switch (node) {
            case Group group -> new GroupType(repetition, name, fields(group));
            case ListOf list -> ConversionPatterns.listOfElements(repetition, name,
                    type(list.element(), list.elementOptional() ? Repetition.OPTIONAL : Repetition.REQUIRED, "element"));
            case Scalar scalar -> primitive(scalar, repetition, name);
        };
    }

    private static PrimitiveType primitive(Scalar scalar, Repetition repetition, String name) {
        return switch (scalar.kind()) {
            case BOOLEAN -> Types.primitive(PrimitiveTypeName.BOOLEAN, repetition).named(name);
            case BYTE -> Types.primitive(PrimitiveTypeName.INT32, repetition)
                    .as(LogicalTypeAnnotation.intType(8, true)).named(name);
            case SHORT -> Types.primitive(PrimitiveTypeName.INT32, repetition)
                    .as(LogicalTypeAnnotation.intType(16, true)).named(name);
            case INT -> Types.primitive(PrimitiveTypeName.INT32, repetition).named(name);
            case LONG -> Types.primitive(PrimitiveTypeName.INT64, repetition).named(name);
            case FLOAT -> Types.primitive(PrimitiveTypeName.FLOAT, repetition).named(name);
            case DOUBLE -> Types.primitive(PrimitiveTypeName.DOUBLE, repetition).named(name);
            case STRING -> Types.primitive(PrimitiveTypeName.BINARY, repetition)
                    .as(LogicalTypeAnnotation.stringType()).named(name);
            case ENUM -> Types.primitive(PrimitiveTypeName.BINARY, repetition)
                    .as(LogicalTypeAnnotation.enumType()).named(name);
            case DECIMAL -> decimal(scalar, repetition, name);
            case DATE -> Types.primitive(PrimitiveTypeName.INT32, repetition)
                    .as(LogicalTypeAnnotation.dateType()).named(name);
            case INSTANT -> Types.primitive(PrimitiveTypeName.INT64, repetition)
                    .as(LogicalTypeAnnotation.timestampType(true, TimeUnit.MICROS)).named(name);
            case LOCAL_DATE_TIME -> Types.primitive(PrimitiveTypeName.INT64, repetition)
                    .as(LogicalTypeAnnotation.timestampType(false, TimeUnit.MICROS)).named(name);
            case UUID -> Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, repetition).length(16)
                    .as(LogicalTypeAnnotation.uuidType()).named(name);
            case BYTES -> Types.primitive(PrimitiveTypeName.BINARY, repetition).named(name);
        };
    }

    private static PrimitiveType decimal(Scalar scalar, Repetition repetition, String name) {
        LogicalTypeAnnotation decimal = LogicalTypeAnnotation.decimalType(scalar.scale(), scalar.precision());
        if (scalar.precision() <= 9) {
            return Types.primitive(PrimitiveTypeName.INT32, repetition).as(decimal).named(name);
        } else if (scalar.precision() <= 18) {
            return Types.primitive(PrimitiveTypeName.INT64, repetition).as(decimal).named(name);
        }
        return Types.primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY, repetition).length(decimalBytes(scalar.precision()))
                .as(decimal).named(name);
    }

    /** The fewest bytes whose two's complement holds every unscaled value of a precision. */
    static int decimalBytes(int precision) {
        int bytes = 1;
        while (java.math.BigInteger.TEN.pow(precision).subtract(java.math.BigInteger.ONE).bitLength() + 1 > bytes * 8) {
            bytes++;
        }
        return bytes;
    }

    /** Whether a kind's scalar is the given Java class, for the map writer's check. */
    static boolean holds(Kind kind, Object value) {
        return kind.javaType.isInstance(value);
    }
}
