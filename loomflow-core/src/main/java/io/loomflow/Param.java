package io.loomflow;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Constraints on the components of a flow's parameter record, named and meant as Jakarta Bean
 * Validation's ({@code jakarta.validation.constraints}), without depending on it:
 * {@link Min}, {@link Max}, {@link Size}, {@link NotBlank} and {@link Pattern}.
 * {@link ParameterModel} checks them on every bind, so the command line, the HTTP API and the web
 * form refuse alike, and shows them in its JSON schema.
 * With {@code import io.loomflow.Param.Min;} and {@code import io.loomflow.Param.Max;},
 * {@code record Knobs(@Min(1) @Max(1000) int items) {}} refuses {@code items=-5}.
 * They are nested here, not top-level types of {@code io.loomflow}, so that {@code import
 * io.loomflow.*} (as in a JShell, which imports {@code java.util.regex.*}) does not make
 * {@code Pattern} ambiguous; import them one by one, or write {@code @Param.Min(1)}.
 */
public final class Param {

    private Param() {
    }

    /**
     * The least value a numeric parameter takes, inclusive: {@code @Min(1) int items} refuses
     * {@code items=-5} on the command line, in the HTTP API and in the web form alike, naming the
     * parameter, the value and the bound. Named and meant as Jakarta Bean Validation's {@code @Min}.
     *
     * <p>On a component of any number type ({@code byte}...{@code long}, {@code float}, {@code double},
     * {@code BigInteger}, {@code BigDecimal}, or an {@code Optional} of one), compared exactly. A value
     * left out, empty or {@code null} (as {@code @Nullable} allows) is not checked. {@link io.loomflow.ParameterModel}
     * checks the bounds when it is made: a {@code @Min} above the component's {@link Max}, beyond its
     * type's range, on a component that is not a number, or above the record's {@code defaults()} value
     * is refused naming the component. The JSON schema shows it as {@code minimum}.
     */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.RECORD_COMPONENT)
    public @interface Min {

        /**
         * The least value taken.
         *
         * @return the minimum, inclusive
         */
        long value();
    }

    /**
     * The greatest value a numeric parameter takes, inclusive: {@code @Max(100) int items} refuses
     * {@code items=500}. Named and meant as Jakarta Bean Validation's {@code @Max}; the rules of
     * {@link Min} apply. The JSON schema shows it as {@code maximum}.
     */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.RECORD_COMPONENT)
    public @interface Max {

        /**
         * The greatest value taken.
         *
         * @return the maximum, inclusive
         */
        long value();
    }

    /**
     * How long a text parameter, or how many items a list, set, array or map parameter, may be, both
     * bounds inclusive: {@code @Size(min = 1, max = 20) String name}. Named and meant as Jakarta Bean
     * Validation's {@code @Size}, except that text is counted in Unicode code points (characters as JSON
     * Schema counts them), not in UTF-16 units.
     *
     * <p>A value left out, empty {@code Optional} or {@code null} is not checked. {@link io.loomflow.ParameterModel}
     * refuses, naming the component, a negative {@code min}, a {@code min} above {@code max}, a
     * {@code @Size} on a component of another type, or a {@code defaults()} value outside it. The JSON
     * schema shows it as {@code minLength}/{@code maxLength} (text), {@code minItems}/{@code maxItems}
     * (lists) or {@code minProperties}/{@code maxProperties} (maps).
     */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.RECORD_COMPONENT)
    public @interface Size {

        /**
         * The least length or count.
         *
         * @return the minimum, inclusive
         */
        int min() default 0;

        /**
         * The greatest length or count.
         *
         * @return the maximum, inclusive
         */
        int max() default Integer.MAX_VALUE;
    }

    /**
     * A text parameter that must hold at least one character that is not white space: {@code name=} and
     * {@code name="  "} are refused. Named and meant as Jakarta Bean Validation's {@code @NotBlank}; as
     * for every Loomflow constraint, whether the parameter may be left out or {@code null} is said by its
     * type ({@code Optional}, {@code @Nullable}) and {@code defaults()}. The JSON schema shows it as
     * {@code minLength: 1} and, unless the component has a {@link Pattern}, {@code pattern: "\S"}.
     */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.RECORD_COMPONENT)
    public @interface NotBlank {
    }

    /**
     * A regular expression ({@link java.util.regex.Pattern} syntax) that the whole of a text parameter
     * must match: {@code @Pattern(regexp = "[a-z][a-z0-9]*(-[a-z0-9]+)*") String slug}. Named and meant as Jakarta
     * Bean Validation's {@code @Pattern} (without flags). {@link io.loomflow.ParameterModel} refuses, naming the
     * component, an expression that does not compile, a {@code @Pattern} on a component that is not text,
     * or a {@code defaults()} value that does not match.
     *
     * <p>The JSON schema shows it anchored, as {@code pattern: "^(?:regexp)$"}, and the web form as the
     * input's {@code pattern}. A browser checks it only where JavaScript's syntax (with the {@code v}
     * flag) reads it, and ignores it otherwise, for example with a {@code -} unescaped inside a character
     * class ({@code [a-z0-9-]}; write {@code [a-z0-9\-]}); the server always checks it.
     */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.RECORD_COMPONENT)
    public @interface Pattern {

        /**
         * The expression the whole text must match.
         *
         * @return a {@link java.util.regex.Pattern} expression
         */
        String regexp();
    }
}
