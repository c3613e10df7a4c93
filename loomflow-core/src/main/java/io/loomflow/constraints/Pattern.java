package io.loomflow.constraints;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

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
