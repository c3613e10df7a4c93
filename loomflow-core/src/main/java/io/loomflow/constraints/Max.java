package io.loomflow.constraints;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

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
