package io.loomflow.constraints;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

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
