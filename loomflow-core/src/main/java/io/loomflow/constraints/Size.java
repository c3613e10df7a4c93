package io.loomflow.constraints;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

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
