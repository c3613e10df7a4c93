package io.loomflow.constraints;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

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
