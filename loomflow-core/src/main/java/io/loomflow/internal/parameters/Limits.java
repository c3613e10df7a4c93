package io.loomflow.internal.parameters;

import io.loomflow.Param.Max;
import io.loomflow.Param.Min;
import io.loomflow.Param.NotBlank;
import io.loomflow.Param.Pattern;
import io.loomflow.Param.Size;
import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.regex.PatternSyntaxException;

/**
 * The constraints one record component declares ({@link Min}, {@link Max}, {@link Size},
 * {@link NotBlank}, {@link Pattern}): checked against each other and the component's type when the
 * model is made, and against every value bound, by {@link #problem(Object)}, the one place where
 * they are enforced for the command line, the HTTP API and the form alike.
 *
 * @param min the least number, or {@code null}
 * @param max the greatest number, or {@code null}
 * @param minSize the least length (text, in code points) or count (lists, maps), or {@code null}
 * @param maxSize the greatest length or count, or {@code null}
 * @param notBlank whether text must hold a character that is not white space
 * @param pattern the expression the whole text must match, or {@code null}
 * @param unit what a size counts: {@code characters}, {@code items} or {@code entries}
 */
public record Limits(Long min, Long max, Integer minSize, Integer maxSize, boolean notBlank,
                     java.util.regex.Pattern pattern, String unit) {

    /** No constraints. */
    static final Limits NONE = new Limits(null, null, null, null, false, null, "");

    boolean none() {
        return min == null && max == null && minSize == null && maxSize == null && !notBlank && pattern == null;
    }

    /**
     * The constraints of a component whose shape is {@code shape}.
     *
     * @param where the component, as {@code Params.items}, for messages
     * @throws IllegalArgumentException naming the component, if they do not fit its type or each other
     */
    static Limits of(RecordComponent component, Shape shape, String where) {
        Min min = component.getAnnotation(Min.class);
        Max max = component.getAnnotation(Max.class);
        Size size = component.getAnnotation(Size.class);
        NotBlank notBlank = component.getAnnotation(NotBlank.class);
        Pattern pattern = component.getAnnotation(Pattern.class);
        if (min == null && max == null && size == null && notBlank == null && pattern == null) {
            return NONE;
        }
        Shape inner = shape instanceof OptionalShape optional ? optional.inner() : shape;
        boolean number = inner instanceof Scalar scalar && (scalar.kind() == Scalar.Kind.WHOLE || scalar.kind() == Scalar.Kind.DECIMAL);
        boolean text = inner instanceof Scalar scalar && scalar.kind() == Scalar.Kind.STRING;
        String unit = text ? "characters" : inner instanceof ListShape ? "items" : inner instanceof MapShape ? "entries" : "";
        String is = "parameter " + where + " is " + inner.expects();
        if ((min != null || max != null) && !number) {
            throw new IllegalArgumentException(is + ", and @Min and @Max apply to numbers only; remove them");
        }
        if (size != null && unit.isEmpty()) {
            throw new IllegalArgumentException(is + ", and @Size applies to text, lists, sets, arrays and maps only;"
                    + " remove it");
        }
        if ((notBlank != null || pattern != null) && !text) {
            throw new IllegalArgumentException(is + ", and @NotBlank and @Pattern apply to text only; remove them");
        }
        if (min != null && max != null && min.value() > max.value()) {
            throw new IllegalArgumentException("parameter " + where + " has @Min(" + min.value() + ") above its @Max("
                    + max.value() + "), so no value fits; make the minimum at most the maximum");
        }
        Map<String, Object> typeRange = inner.schema();
        if (min != null && typeRange.get("maximum") instanceof Number greatest && min.value() > greatest.longValue()) {
            throw new IllegalArgumentException("parameter " + where + " has @Min(" + min.value() + ") above the greatest "
                    + inner.expects().replace("a whole number from ", "value, from ") + ", so no value fits; lower it or"
                    + " widen the type");
        }
        if (max != null && typeRange.get("minimum") instanceof Number least && max.value() < least.longValue()) {
            throw new IllegalArgumentException("parameter " + where + " has @Max(" + max.value() + ") below the least "
                    + inner.expects().replace("a whole number from ", "value, from ") + ", so no value fits; raise it or"
                    + " widen the type");
        }
        if (size != null && (size.min() < 0 || size.max() < size.min())) {
            throw new IllegalArgumentException("parameter " + where + " has @Size(min = " + size.min() + ", max = "
                    + size.max() + "), which no size fits; give 0 <= min <= max");
        }
        java.util.regex.Pattern compiled = null;
        if (pattern != null) {
            try {
                compiled = java.util.regex.Pattern.compile(pattern.regexp());
            } catch (PatternSyntaxException wrong) {
                throw new IllegalArgumentException("parameter " + where + " has @Pattern(regexp = "
                        + Problems.quote(pattern.regexp()) + "), which is not a regular expression: "
                        + wrong.getDescription() + " near index " + wrong.getIndex() + "; correct it");
            }
        }
        return new Limits(min == null ? null : min.value(), max == null ? null : max.value(),
                size == null || size.min() == 0 ? null : size.min(),
                size == null || size.max() == Integer.MAX_VALUE ? null : size.max(),
                notBlank != null, compiled, unit);
    }

    /**
     * What is wrong with a bound value, or {@code null} if it fits: {@code must be at least 1, got -5}.
     *
     * @param value a bound Java value: a number, text, a list, set, array or map, or an {@code Optional}
     */
    String problem(Object value) {
        Object given = value instanceof Optional<?> optional ? optional.orElse(null) : value;
        switch (given) {
            case null -> {
                return null;
            }
            case Number number -> {
                BigDecimal exact = exact(number);
                if (min != null && exact.compareTo(BigDecimal.valueOf(min)) < 0
                        || max != null && exact.compareTo(BigDecimal.valueOf(max)) > 0) {
                    return "must be " + range(min, max) + ", got " + number;
                }
                return null;
            }
            case CharSequence chars -> {
                String text = chars.toString();
                if (notBlank && text.isBlank()) {
                    return "must not be blank, got " + (text.isEmpty() ? "an empty value" : Problems.show(text))
                            + "; give some text";
                }
                String sized = sized(text.codePointCount(0, text.length()));
                if (sized != null) {
                    return sized + ": " + Problems.show(text);
                }
                if (pattern != null && !pattern.matcher(text).matches()) {
                    return "must match the pattern " + Problems.quote(pattern.pattern()) + ", got " + Problems.show(text);
                }
                return null;
            }
            case Collection<?> collection -> {
                return sized(collection.size());
            }
            case Map<?, ?> map -> {
                return sized(map.size());
            }
            default -> {
                return given.getClass().isArray() ? sized(Array.getLength(given)) : null;
            }
        }
    }

    private String sized(int size) {
        if (minSize != null && size < minSize || maxSize != null && size > maxSize) {
            return "must have " + range(minSize == null ? null : minSize.longValue(),
                    maxSize == null ? null : maxSize.longValue()) + " " + unit + ", got " + size;
        }
        return null;
    }

    private static String range(Long least, Long greatest) {
        if (least != null && greatest != null) {
            return least.equals(greatest) ? "exactly " + least : "from " + least + " to " + greatest;
        }
        return least != null ? "at least " + least : "at most " + greatest;
    }

    private static BigDecimal exact(Number number) {
        return switch (number) {
            case BigDecimal decimal -> decimal;
            case BigInteger whole -> new BigDecimal(whole);
            case Double real -> new BigDecimal(Double.toString(real));
            case Float real -> new BigDecimal(Float.toString(real));
            default -> BigDecimal.valueOf(number.longValue());
        };
    }

    /** Adds the constraints to a component's JSON schema, tightening what its type already says. */
    void addTo(Map<String, Object> schema) {
        if (min != null && !(schema.get("minimum") instanceof Number least && least.longValue() >= min)) {
            schema.put("minimum", min);
        }
        if (max != null && !(schema.get("maximum") instanceof Number greatest && greatest.longValue() <= max)) {
            schema.put("maximum", max);
        }
        String kind = switch (unit) {
            case "characters" -> "Length";
            case "items" -> "Items";
            case "entries" -> "Properties";
            default -> null;
        };
        Integer least = notBlank ? Integer.valueOf(Math.max(1, minSize == null ? 0 : minSize)) : minSize;
        if (kind != null && least != null) {
            schema.put("min" + kind, least);
        }
        if (kind != null && maxSize != null) {
            schema.put("max" + kind, maxSize);
        }
        if (pattern != null) {
            schema.put("pattern", "^(?:" + pattern.pattern() + ")$");
        } else if (notBlank) {
            schema.put("pattern", "\\S");
        }
    }

    /** What a component with these constraints takes, in words, from what its shape takes. */
    String expects(Shape shape) {
        String base = shape.expects();
        if (none()) {
            return base;
        }
        Shape inner = shape instanceof OptionalShape optional ? optional.inner() : shape;
        if (min != null || max != null) {
            Map<String, Object> schema = inner.schema();
            addTo(schema);
            Long least = schema.get("minimum") instanceof Number n ? n.longValue() : null;
            Long greatest = schema.get("maximum") instanceof Number n ? n.longValue() : null;
            boolean whole = inner instanceof Scalar scalar && scalar.kind() == Scalar.Kind.WHOLE;
            String range = range(least, greatest);
            return (whole ? "a whole number " : base + " ") + (range.startsWith("at") ? "of " : "") + range;
        }
        StringBuilder words = new StringBuilder(base);
        if (notBlank) {
            words.append(", not blank");
        }
        if (minSize != null || maxSize != null) {
            words.append(", ").append(range(minSize == null ? null : minSize.longValue(),
                    maxSize == null ? null : maxSize.longValue())).append(' ').append(unit);
        }
        if (pattern != null) {
            words.append(", matching ").append(Problems.quote(pattern.pattern()));
        }
        return words.toString();
    }
}
