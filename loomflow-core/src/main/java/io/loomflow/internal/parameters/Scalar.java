package io.loomflow.internal.parameters;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A parameter that holds one value: text, a character, a boolean, a number, an enum constant, a
 * UUID, a URI, a path, a date, a time or a duration.
 *
 * <p>Numbers are read exactly (as {@link BigDecimal}) and then checked against the range of the Java
 * type, so {@code 128} for a {@code byte}, {@code 1e400} for an {@code int} and {@code 1e40} for a
 * {@code float} are problems, never a wrapped, infinite or rounded value. Text is read with ASCII
 * digits only, and {@code NaN} and infinities are refused.
 */
public record Scalar(Class<?> type, Kind kind) implements Shape {

    /** The kinds of single values. */
    public enum Kind { STRING, CHARACTER, BOOLEAN, WHOLE, DECIMAL, ENUM, UUID, URI, PATH, TEMPORAL }

    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern UUID_TEXT = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** Digits a {@code BigInteger} or {@code BigDecimal} parameter may have before or after the point. */
    private static final int MOST_DIGITS = 1000;

    private record Temporal(String format, String example, String description, Function<String, Object> parse) {
    }

    private static final Map<Class<?>, Temporal> TEMPORALS = Map.of(
            LocalDate.class, new Temporal("date", "a date such as 2026-01-31", null, LocalDate::parse),
            LocalDateTime.class, new Temporal("date-time", "a date and time such as 2026-01-31T09:30",
                    "a local date and time, without an offset", LocalDateTime::parse),
            LocalTime.class, new Temporal("time", "a time such as 12:30:00", null, LocalTime::parse),
            OffsetDateTime.class, new Temporal("date-time", "a date, time and offset such as 2026-01-31T09:30:00Z", null,
                    OffsetDateTime::parse),
            ZonedDateTime.class, new Temporal("date-time", "a date, time and zone such as 2026-01-31T09:30:00+01:00[Europe/Paris]",
                    null, ZonedDateTime::parse),
            Instant.class, new Temporal("date-time", "an instant such as 2026-01-31T09:30:00Z", null, Instant::parse),
            Duration.class, new Temporal("duration", "a duration such as PT30S", null, Duration::parse));

    /** The scalar shape of a class, or {@code null} if it is not a single value. */
    static Scalar of(Class<?> type) {
        Kind kind;
        if (type == String.class || type == CharSequence.class) {
            kind = Kind.STRING;
        } else if (type == char.class || type == Character.class) {
            kind = Kind.CHARACTER;
        } else if (type == boolean.class || type == Boolean.class) {
            kind = Kind.BOOLEAN;
        } else if (bounds(type) != null) {
            kind = Kind.WHOLE;
        } else if (type == double.class || type == Double.class || type == float.class || type == Float.class
                || type == BigDecimal.class) {
            kind = Kind.DECIMAL;
        } else if (type.isEnum()) {
            kind = Kind.ENUM;
        } else if (type == UUID.class) {
            kind = Kind.UUID;
        } else if (type == URI.class) {
            kind = Kind.URI;
        } else if (type == Path.class) {
            kind = Kind.PATH;
        } else if (TEMPORALS.containsKey(type)) {
            kind = Kind.TEMPORAL;
        } else {
            return null;
        }
        return new Scalar(type, kind);
    }

    /** The least and greatest value of a whole-number type ({@code null} each for {@code BigInteger}), or {@code null}. */
    private static BigInteger[] bounds(Class<?> type) {
        if (type == int.class || type == Integer.class) {
            return new BigInteger[] {BigInteger.valueOf(Integer.MIN_VALUE), BigInteger.valueOf(Integer.MAX_VALUE)};
        } else if (type == long.class || type == Long.class) {
            return new BigInteger[] {BigInteger.valueOf(Long.MIN_VALUE), BigInteger.valueOf(Long.MAX_VALUE)};
        } else if (type == short.class || type == Short.class) {
            return new BigInteger[] {BigInteger.valueOf(Short.MIN_VALUE), BigInteger.valueOf(Short.MAX_VALUE)};
        } else if (type == byte.class || type == Byte.class) {
            return new BigInteger[] {BigInteger.valueOf(Byte.MIN_VALUE), BigInteger.valueOf(Byte.MAX_VALUE)};
        } else if (type == BigInteger.class) {
            return new BigInteger[] {null, null};
        }
        return null;
    }

    @Override
    public Map<String, Object> schema() {
        Map<String, Object> schema = new LinkedHashMap<>();
        switch (kind) {
            case STRING -> schema.put("type", "string");
            case CHARACTER -> {
                schema.put("type", "string");
                schema.put("minLength", 1);
                schema.put("maxLength", 1);
            }
            case BOOLEAN -> schema.put("type", "boolean");
            case WHOLE -> {
                schema.put("type", "integer");
                BigInteger[] bounds = bounds(type);
                if (bounds[0] != null) {
                    schema.put("minimum", bounds[0].longValueExact());
                    schema.put("maximum", bounds[1].longValueExact());
                }
            }
            case DECIMAL -> schema.put("type", "number");
            case ENUM -> {
                schema.put("type", "string");
                schema.put("enum", constants());
            }
            case UUID -> {
                schema.put("type", "string");
                schema.put("format", "uuid");
            }
            case URI -> {
                schema.put("type", "string");
                schema.put("format", "uri");
            }
            case PATH -> {
                schema.put("type", "string");
                schema.put("description", "a file path");
            }
            case TEMPORAL -> {
                Temporal temporal = TEMPORALS.get(type);
                schema.put("type", "string");
                schema.put("format", temporal.format());
                if (temporal.description() != null) {
                    schema.put("description", temporal.description());
                }
            }
        }
        return schema;
    }

    private List<String> constants() {
        List<String> names = new ArrayList<>();
        for (Object constant : type.getEnumConstants()) {
            names.add(((Enum<?>) constant).name());
        }
        return names;
    }

    @Override
    public String expects() {
        return switch (kind) {
            case STRING -> "text";
            case CHARACTER -> "one character";
            case BOOLEAN -> "true or false";
            case WHOLE -> {
                BigInteger[] bounds = bounds(type);
                yield bounds[0] == null ? "a whole number" : "a whole number from " + bounds[0] + " to " + bounds[1];
            }
            case DECIMAL -> type == float.class || type == Float.class ? "a number (float)" : "a number";
            case ENUM -> "one of " + String.join(", ", constants());
            case UUID -> "a UUID such as 3f2c1b9e-0d4a-4c55-9a51-6b1f1e2d3c4b";
            case URI -> "a URI";
            case PATH -> "a file path";
            case TEMPORAL -> TEMPORALS.get(type).example();
        };
    }

    @Override
    public Object absent() {
        return type == boolean.class || type == Boolean.class ? Boolean.FALSE : REQUIRED;
    }

    @Override
    public Object bind(Object given, String field, Problems problems) {
        int before = problems.count();
        Object value = switch (kind) {
            case STRING -> given instanceof String text ? text : null;
            case CHARACTER -> given instanceof String text && text.length() == 1 ? text.charAt(0) : null;
            case BOOLEAN -> bindBoolean(given);
            case WHOLE, DECIMAL -> bindNumber(given, field, problems);
            case ENUM -> bindEnum(given, field, problems);
            default -> given instanceof String text && !text.isBlank() ? parse(text.strip()) : null;
        };
        if (value == null && problems.count() == before) { // the kind's reader said nothing more precise
            problems.add(field, "expected " + expects() + ", got " + (given instanceof String text && text.isBlank()
                    ? "an empty value" : Problems.show(given)));
        }
        return value;
    }

    private static Boolean bindBoolean(Object given) {
        if (given instanceof Boolean flag) {
            return flag;
        }
        if (given instanceof String text) {
            String word = text.strip();
            if (word.equalsIgnoreCase("true")) {
                return true;
            }
            if (word.equalsIgnoreCase("false")) {
                return false;
            }
        }
        return null;
    }

    private Object parse(String text) {
        try {
            return switch (kind) {
                case UUID -> UUID_TEXT.matcher(text).matches() ? java.util.UUID.fromString(text) : null;
                case URI -> new java.net.URI(text);
                // a file: URI is the path it names: how a run's record keeps a Path, read back on --resume
                case PATH -> text.indexOf('\0') >= 0 ? null
                        : text.startsWith("file:") ? Path.of(new java.net.URI(text)) : Path.of(text);
                case TEMPORAL -> TEMPORALS.get(type).parse().apply(text);
                default -> throw new IllegalStateException(kind.name());
            };
        } catch (URISyntaxException | DateTimeParseException | ArithmeticException | IllegalArgumentException
                 | java.nio.file.FileSystemNotFoundException notThat) { // InvalidPathException is an IllegalArgumentException
            return null;
        }
    }

    private Object bindEnum(Object given, String field, Problems problems) {
        if (!(given instanceof String text)) {
            return null;
        }
        String name = text.strip();
        Object loose = null;
        int looseMatches = 0;
        for (Object constant : type.getEnumConstants()) {
            String constantName = ((Enum<?>) constant).name();
            if (constantName.equals(name)) {
                return constant;
            }
            if (constantName.equalsIgnoreCase(name)) {
                loose = constant;
                looseMatches++;
            }
        }
        if (looseMatches == 1) {
            return loose;
        }
        String hint = name.isEmpty() ? "" : Closest.to(name, constants()).map(best -> "; did you mean " + best + "?").orElse("");
        problems.add(field, "expected " + expects() + ", got " + (name.isEmpty() ? "an empty value" : Problems.show(given))
                + hint);
        return null;
    }

    private Object bindNumber(Object given, String field, Problems problems) {
        BigDecimal number;
        try {
            number = exact(given);
        } catch (NumberFormatException | ArithmeticException beyondRange) {
            problems.add(field, "expected " + expects() + ", got " + Problems.show(given) + ", which is out of range");
            return null;
        }
        if (number == null) {
            return null; // bind() says what was expected
        }
        if (kind == Kind.WHOLE) {
            BigInteger[] bounds = bounds(type);
            if (number.signum() != 0 && number.stripTrailingZeros().scale() > 0) {
                problems.add(field, "expected " + expects() + ", got " + Problems.show(given) + ", which is not whole");
                return null;
            }
            if (bounds[0] == null ? number.precision() - number.scale() > MOST_DIGITS
                    : number.compareTo(new BigDecimal(bounds[0])) < 0 || number.compareTo(new BigDecimal(bounds[1])) > 0) {
                problems.add(field, "expected " + expects() + ", got " + Problems.show(given) + ", which is out of range");
                return null;
            }
            BigInteger whole = number.toBigIntegerExact();
            if (type == int.class || type == Integer.class) {
                return whole.intValueExact();
            } else if (type == long.class || type == Long.class) {
                return whole.longValueExact();
            } else if (type == short.class || type == Short.class) {
                return whole.shortValueExact();
            } else if (type == byte.class || type == Byte.class) {
                return whole.byteValueExact();
            }
            return whole;
        }
        if (type == BigDecimal.class) {
            if (Math.abs((long) number.precision() - number.scale()) > MOST_DIGITS || Math.abs(number.scale()) > MOST_DIGITS) {
                problems.add(field, "expected " + expects() + " with at most " + MOST_DIGITS + " digits before and after the"
                        + " point, got " + Problems.show(given));
                return null;
            }
            return number;
        }
        boolean single = type == float.class || type == Float.class;
        BigDecimal most = new BigDecimal(single ? Float.MAX_VALUE : Double.MAX_VALUE);
        if (number.abs().compareTo(most) > 0) {
            problems.add(field, "expected " + expects() + ", got " + Problems.show(given) + ", which is out of range (at most "
                    + (single ? Float.MAX_VALUE : Double.MAX_VALUE) + " either way)");
            return null;
        }
        Object value = single ? (Object) number.floatValue() : (Object) number.doubleValue();
        if (number.signum() != 0 && ((Number) value).doubleValue() == 0) {
            problems.add(field, "expected " + expects() + ", got " + Problems.show(given) + ", which is too close to zero"
                    + " to be told from it (the smallest is " + (single ? Float.MIN_VALUE : Double.MIN_VALUE) + ")");
            return null;
        }
        return value;
    }

    /**
     * A given number, or a number's text, exactly; {@code null} for anything else (NaN and infinities
     * too).
     *
     * @throws NumberFormatException for a number whose exponent is beyond an int's range
     */
    private static BigDecimal exact(Object given) {
        return switch (given) {
            case BigDecimal decimal -> decimal;
            case BigInteger whole -> new BigDecimal(whole);
            case Long whole -> BigDecimal.valueOf(whole);
            case Integer whole -> BigDecimal.valueOf(whole);
            case Short whole -> BigDecimal.valueOf(whole);
            case Byte whole -> BigDecimal.valueOf(whole);
            case Double real when Double.isFinite(real) -> new BigDecimal(Double.toString(real));
            case Float real when Float.isFinite(real) -> new BigDecimal(Float.toString(real));
            case String text when text.length() <= 2 * MOST_DIGITS && NUMBER.matcher(text.strip()).matches() ->
                    new BigDecimal(text.strip());
            default -> null;
        };
    }

    @Override
    public Object toJson(Object value) {
        return switch (value) {
            case null -> null;
            case String text -> text;
            case Boolean flag -> flag;
            case Character character -> String.valueOf(character);
            case Number number -> number;
            case Enum<?> constant -> constant.name();
            default -> value.toString(); // UUID, URI, Path, java.time: their ISO text, which bind() reads back
        };
    }
}
