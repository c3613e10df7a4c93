package io.loomflow.sql.internal;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Turns rows of a result into records or maps. Built from the result's metadata before any row is
 * read, so a column that does not fit the record, or a component without a column, is reported
 * first, with its name and type.
 */
public final class RowReader {

    private static final Set<Integer> INTEGERS = Set.of(Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT);
    private static final Set<Integer> DECIMALS = Set.of(Types.NUMERIC, Types.DECIMAL);
    private static final Set<Integer> FLOATS = Set.of(Types.REAL, Types.FLOAT, Types.DOUBLE);
    private static final Set<Integer> TEXTS = Set.of(Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR,
            Types.NVARCHAR, Types.LONGNVARCHAR, Types.CLOB, Types.NCLOB);
    private static final Set<Integer> BINARIES = Set.of(Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB);

    /** Reads one column of the current row as one component's value. */
    private interface Column {
        @Nullable Object read(ResultSet rows) throws SQLException;
    }

    private final @Nullable Constructor<?> constructor;
    private final List<String> names;
    private final List<Column> columns;
    private final List<String> components;
    private final List<Boolean> primitive;

    private RowReader(@Nullable Constructor<?> constructor, List<String> names, List<Column> columns,
                      List<String> components, List<Boolean> primitive) {
        this.constructor = constructor;
        this.names = names;
        this.columns = columns;
        this.components = components;
        this.primitive = primitive;
    }

    /**
     * A reader of rows as maps of column label to value (dates and times as {@code java.time}).
     *
     * @param metaData the result's metadata
     * @return the reader
     * @throws SQLException if the metadata cannot be read
     */
    public static RowReader maps(ResultSetMetaData metaData) throws SQLException {
        List<String> names = new ArrayList<>();
        List<Column> columns = new ArrayList<>();
        for (int i = 1; i <= metaData.getColumnCount(); i++) {
            int index = i;
            names.add(metaData.getColumnLabel(i));
            columns.add(switch (metaData.getColumnType(i)) {
                case Types.DATE -> rows -> rows.getObject(index, LocalDate.class);
                case Types.TIMESTAMP -> rows -> rows.getObject(index, LocalDateTime.class);
                case Types.TIMESTAMP_WITH_TIMEZONE -> rows -> rows.getObject(index, OffsetDateTime.class);
                case Types.CLOB, Types.NCLOB -> rows -> rows.getString(index);
                case Types.BLOB -> rows -> rows.getBytes(index);
                default -> rows -> rows.getObject(index);
            });
        }
        return new RowReader(null, names, columns, List.of(), List.of());
    }

    /**
     * A reader of rows as records: each component takes the column of the same name (case and
     * {@code _} ignored), converted to its type.
     *
     * @param metaData the result's metadata
     * @param record the record class
     * @return the reader
     * @throws SQLException if the metadata cannot be read
     * @throws IllegalArgumentException naming every component without a column, or the first column
     *     that does not fit its component, with both types
     */
    public static RowReader records(ResultSetMetaData metaData, Class<? extends Record> record) throws SQLException {
        Map<String, Integer> byName = new LinkedHashMap<>();
        List<String> labels = new ArrayList<>();
        for (int i = 1; i <= metaData.getColumnCount(); i++) {
            byName.putIfAbsent(Names.matching(metaData.getColumnLabel(i)), i);
            labels.add(metaData.getColumnLabel(i));
        }
        RecordComponent[] parts = record.getRecordComponents();
        List<String> missing = new ArrayList<>();
        for (RecordComponent part : parts) {
            if (!byName.containsKey(Names.matching(part.getName()))) {
                missing.add(part.getName());
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("no column for component" + (missing.size() == 1 ? " " : "s ")
                    + String.join(", ", missing) + " of " + record.getSimpleName() + "; the result has the columns "
                    + String.join(", ", labels) + "; rename the column" + (missing.size() == 1 ? "" : "s")
                    + " (AS in a query) or the component" + (missing.size() == 1 ? "" : "s"));
        }
        List<Column> columns = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<String> components = new ArrayList<>();
        List<Boolean> primitive = new ArrayList<>();
        Class<?>[] types = new Class<?>[parts.length];
        for (int p = 0; p < parts.length; p++) {
            RecordComponent part = parts[p];
            types[p] = part.getType();
            int index = byName.get(Names.matching(part.getName()));
            int sqlType = metaData.getColumnType(index);
            String label = metaData.getColumnLabel(index);
            Column column = column(part.getType(), sqlType, index);
            if (column == null) {
                throw new IllegalArgumentException("column '" + label + "' (" + metaData.getColumnTypeName(index)
                        .toLowerCase(Locale.ROOT) + ") does not fit component " + part.getType().getSimpleName() + " "
                        + part.getName() + " of " + record.getSimpleName() + "; change the component's type, or"
                        + " convert the column in a query (CAST)");
            }
            columns.add(column);
            names.add(label);
            components.add(part.getType().getSimpleName() + " " + part.getName());
            primitive.add(part.getType().isPrimitive());
        }
        Constructor<?> constructor;
        try {
            constructor = record.getDeclaredConstructor(types);
            constructor.setAccessible(true);
        } catch (NoSuchMethodException | RuntimeException inaccessible) {
            throw new IllegalArgumentException("record " + record.getName() + " cannot be built here (" + inaccessible
                    + "); make it public, in a package the module opens or exports");
        }
        return new RowReader(constructor, names, columns, components, primitive);
    }

    /** How a column of {@code sqlType} becomes a {@code type}, or {@code null} if it does not fit. */
    private static @Nullable Column column(Class<?> type, int sqlType, int i) {
        boolean integer = INTEGERS.contains(sqlType);
        boolean number = integer || DECIMALS.contains(sqlType) || FLOATS.contains(sqlType);
        boolean text = TEXTS.contains(sqlType);
        if (type == int.class || type == Integer.class) {
            return integer || DECIMALS.contains(sqlType) ? rows -> nullable(rows, rows.getInt(i)) : null;
        }
        if (type == long.class || type == Long.class) {
            return integer || DECIMALS.contains(sqlType) ? rows -> nullable(rows, rows.getLong(i)) : null;
        }
        if (type == short.class || type == Short.class) {
            return integer ? rows -> nullable(rows, rows.getShort(i)) : null;
        }
        if (type == byte.class || type == Byte.class) {
            return integer ? rows -> nullable(rows, rows.getByte(i)) : null;
        }
        if (type == double.class || type == Double.class) {
            return number ? rows -> nullable(rows, rows.getDouble(i)) : null;
        }
        if (type == float.class || type == Float.class) {
            return number ? rows -> nullable(rows, rows.getFloat(i)) : null;
        }
        if (type == boolean.class || type == Boolean.class) {
            return sqlType == Types.BOOLEAN || sqlType == Types.BIT ? rows -> nullable(rows, rows.getBoolean(i)) : null;
        }
        if (type == BigDecimal.class) {
            return number ? rows -> rows.getBigDecimal(i) : null;
        }
        if (type == BigInteger.class) {
            return integer || DECIMALS.contains(sqlType) ? rows -> {
                BigDecimal value = rows.getBigDecimal(i);
                return value == null ? null : value.toBigIntegerExact();
            } : null;
        }
        if (type == String.class) {
            return text || sqlType == Types.OTHER || sqlType == Types.SQLXML ? rows -> rows.getString(i) : null;
        }
        if (type == LocalDate.class) {
            return sqlType == Types.DATE ? rows -> rows.getObject(i, LocalDate.class) : null;
        }
        if (type == LocalDateTime.class) {
            return sqlType == Types.TIMESTAMP ? rows -> rows.getObject(i, LocalDateTime.class) : null;
        }
        if (type == OffsetDateTime.class) {
            return sqlType == Types.TIMESTAMP_WITH_TIMEZONE || sqlType == Types.TIMESTAMP
                    ? rows -> rows.getObject(i, OffsetDateTime.class) : null;
        }
        if (type == Instant.class) {
            return sqlType == Types.TIMESTAMP_WITH_TIMEZONE || sqlType == Types.TIMESTAMP ? rows -> {
                OffsetDateTime value = rows.getObject(i, OffsetDateTime.class);
                return value == null ? null : value.toInstant();
            } : null;
        }
        if (type == UUID.class) {
            if (text) {
                return rows -> {
                    String value = rows.getString(i);
                    return value == null ? null : UUID.fromString(value);
                };
            }
            return sqlType == Types.OTHER || sqlType == Types.BINARY || sqlType == Types.JAVA_OBJECT
                    ? rows -> rows.getObject(i, UUID.class) : null;
        }
        if (type == byte[].class) {
            return BINARIES.contains(sqlType) ? rows -> rows.getBytes(i) : null;
        }
        if (type.isEnum()) {
            return text ? rows -> {
                String value = rows.getString(i);
                return value == null ? null : enumValue(type, value);
            } : null;
        }
        return null;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumValue(Class<?> type, String value) {
        return Enum.valueOf((Class) type, value);
    }

    private static @Nullable Object nullable(ResultSet rows, Object value) throws SQLException {
        return rows.wasNull() ? null : value;
    }

    /**
     * Reads the current row.
     *
     * @param rows the result, on a row
     * @param row the row's number, from 1, for messages
     * @return a record, or a map of column label to value
     * @throws SQLException if the driver fails
     * @throws IllegalArgumentException if a value does not fit (a NULL for a primitive, a text that
     *     is no UUID or constant), naming the row and column
     */
    public Object read(ResultSet rows, long row) throws SQLException {
        if (constructor == null) {
            Map<String, @Nullable Object> map = new LinkedHashMap<>();
            for (int i = 0; i < columns.size(); i++) {
                map.put(names.get(i), columns.get(i).read(rows));
            }
            return java.util.Collections.unmodifiableMap(map);
        }
        Object[] values = new Object[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            try {
                values[i] = columns.get(i).read(rows);
            } catch (IllegalArgumentException | ArithmeticException wrong) {
                throw new IllegalArgumentException("row " + row + ": column '" + names.get(i) + "' does not fit"
                        + " component " + components.get(i) + ": " + wrong.getMessage());
            }
            if (values[i] == null && primitive.get(i)) {
                throw new IllegalArgumentException("row " + row + ": column '" + names.get(i) + "' is NULL, which"
                        + " component " + components.get(i) + " cannot hold; use its boxed type for a column that may"
                        + " be NULL, or filter the rows in a query");
            }
        }
        try {
            return constructor.newInstance(values);
        } catch (InvocationTargetException refused) {
            throw new IllegalArgumentException("row " + row + ": the record refused the values: "
                    + refused.getCause(), refused.getCause());
        } catch (ReflectiveOperationException unexpected) {
            throw new IllegalStateException(unexpected);
        }
    }
}
