package io.loomflow.data.internal;

import io.loomflow.data.CatalogException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The {@code ${...}} references of configuration files, and the values they stand for:
 * <ul>
 *   <li>{@code ${NAME}} and {@code ${oc.env:NAME}} (as Kedro writes it): the environment variable
 *       {@code NAME};</li>
 *   <li>{@code ${globals:key}} or {@code ${globals:nested.key}}: a value of {@code globals.yml}.</li>
 * </ul>
 * A reference that cannot be resolved is a {@link CatalogException} naming the file, line, entry
 * and what to define. Immutable and thread-safe.
 *
 * @param environment the environment variables
 * @param globals the values of {@code globals.yml} (nested maps), empty if there is none
 * @param globalsFiles the files the globals were read from, for messages
 */
public record Interpolation(Map<String, String> environment, Map<String, Object> globals, String globalsFiles) {

    private static final Pattern REFERENCE =
            Pattern.compile("\\$\\{(?:(oc\\.env|globals):)?\\s*([A-Za-z_][A-Za-z0-9_.\\-]*)\\s*}");
    private static final Pattern ANY_RESOLVER = Pattern.compile("\\$\\{\\s*([A-Za-z_][A-Za-z0-9_.]*):[^}]*}");

    /** Copies the maps. */
    public Interpolation {
        environment = Map.copyOf(environment);
        globals = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(globals));
    }

    /**
     * References to environment variables only, as a single catalog file has them.
     *
     * @param environment the environment variables
     * @return the interpolation
     */
    public static Interpolation environmentOnly(Map<String, String> environment) {
        return new Interpolation(environment, Map.of(), "");
    }

    /**
     * Replaces every reference in a value.
     *
     * @param value the text as written
     * @param where {@code file:line:column: entry} for messages
     * @param withEnvironment whether {@code ${NAME}} and {@code ${oc.env:NAME}} are resolved here
     *     ({@code false} in parameters, where Kedro does not read the environment either: the text
     *     stays as written)
     * @return the text with the references replaced
     * @throws CatalogException for a reference that names nothing defined
     */
    public String resolve(String value, String where, boolean withEnvironment) {
        Matcher unknown = ANY_RESOLVER.matcher(value);
        while (unknown.find()) {
            String resolver = unknown.group(1);
            if (!resolver.equals("globals") && !resolver.equals("oc.env")) {
                throw new CatalogException(where + ": ${" + resolver + ":...} is not a resolver Loomflow knows; use"
                        + " ${NAME} or ${oc.env:NAME} for an environment variable, or ${globals:key} for a value of"
                        + " globals.yml", null);
            }
        }
        Matcher references = REFERENCE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (references.find()) {
            String resolver = references.group(1);
            String name = references.group(2);
            String replacement;
            if ("globals".equals(resolver)) {
                Object global = global(name);
                if (global == null) {
                    throw new CatalogException(where + ": ${globals:" + name + "} is not defined: "
                            + (globalsFiles.isEmpty() ? "there is no globals.yml; create conf/base/globals.yml with "
                            : globalsFiles + " has no key '" + name + "'; add ") + "'" + name + ": <value>'"
                            + (name.contains(".") ? " (nested keys as nested mappings)" : ""), null);
                }
                if (global instanceof Map<?, ?> || global instanceof java.util.List<?>) {
                    throw new CatalogException(where + ": ${globals:" + name + "} is a "
                            + (global instanceof Map<?, ?> ? "mapping" : "list") + " in " + globalsFiles
                            + "; refer to one of its values (${globals:" + name + ".<key>}) inside a text", null);
                }
                replacement = String.valueOf(global);
            } else {
                if (!withEnvironment || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    references.appendReplacement(out, Matcher.quoteReplacement(references.group()));
                    continue;
                }
                replacement = environment.get(name);
                if (replacement == null) {
                    throw new CatalogException(where + ": ${" + (resolver == null ? "" : resolver + ":") + name
                            + "} is not defined in the environment; set " + name
                            + " before running, or write the value itself", null);
                }
            }
            references.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        references.appendTail(out);
        return out.toString();
    }

    /**
     * The global a whole value refers to, keeping its type, if the value is exactly one
     * {@code ${globals:key}} reference.
     *
     * @param value the text as written
     * @return the key, or {@code null} if the value is not one whole globals reference
     */
    public static @Nullable String wholeGlobalReference(String value) {
        Matcher matcher = REFERENCE.matcher(value.strip());
        return matcher.matches() && "globals".equals(matcher.group(1)) ? matcher.group(2) : null;
    }

    /**
     * A value of the globals by its dotted path.
     *
     * @param path such as {@code paths.raw}
     * @return its value, or {@code null} if there is none
     */
    public @Nullable Object global(String path) {
        if (globals.containsKey(path)) {
            return globals.get(path);
        }
        Object current = globals;
        for (String part : path.split("\\.", -1)) {
            if (!(current instanceof Map<?, ?> map) || !map.containsKey(part)) {
                return null;
            }
            current = map.get(part);
        }
        return current;
    }
}
