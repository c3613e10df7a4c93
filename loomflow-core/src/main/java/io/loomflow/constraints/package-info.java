/**
 * Constraints on the components of a flow's parameter record, named and meant as Jakarta Bean
 * Validation's ({@code jakarta.validation.constraints}), without depending on it:
 * {@link io.loomflow.constraints.Min}, {@link io.loomflow.constraints.Max},
 * {@link io.loomflow.constraints.Size}, {@link io.loomflow.constraints.NotBlank} and
 * {@link io.loomflow.constraints.Pattern}. {@link io.loomflow.ParameterModel} checks them on every
 * bind, so the command line, the HTTP API and the web form refuse alike, and shows them in its JSON
 * schema. A package of their own, as Jakarta's are, so that {@code import io.loomflow.*} (as in a
 * JShell, which imports {@code java.util.regex.*}) does not make {@code Pattern} ambiguous.
 */
@NullMarked
package io.loomflow.constraints;

import org.jspecify.annotations.NullMarked;
