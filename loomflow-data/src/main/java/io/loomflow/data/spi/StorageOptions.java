package io.loomflow.data.spi;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The options a {@link StorageProvider} opens a storage with: string keys and values, as written
 * in a catalog's {@code storage:} section or given in code. Immutable.
 *
 * @param scheme the URI scheme they are for, used in messages
 * @param values the options
 */
public record StorageOptions(String scheme, Map<String, String> values) {

    /** Copies the values and checks the parts. */
    public StorageOptions {
        Objects.requireNonNull(scheme, "scheme");
        values = Map.copyOf(Objects.requireNonNull(values, "values"));
    }

    /** Options whose values may be shown, such as in {@link #toString}; the others are hidden as {@code ***}. */
    private static final java.util.Set<String> SHOWN = java.util.Set.of("root", "region", "endpoint", "pathStyle",
            "createContainers", "createBuckets", "accountName", "profile", "credential", "roleArn", "roleSessionName");

    /**
     * The scheme and the options, each value but a few known harmless ones (such as {@code region},
     * {@code endpoint} and {@code root}) shown as {@code ***}: options hold credentials.
     *
     * @return a text without secrets
     */
    @Override
    public String toString() {
        java.util.StringJoiner shown = new java.util.StringJoiner(", ", "StorageOptions[" + scheme + ": ", "]");
        new java.util.TreeMap<>(values).forEach((key, value) -> shown.add(key + "=" + (SHOWN.contains(key) ? value : "***")));
        return shown.toString();
    }

    /**
     * Options with no values.
     *
     * @param scheme the URI scheme
     * @return empty options
     */
    public static StorageOptions none(String scheme) {
        return new StorageOptions(scheme, Map.of());
    }

    /**
     * Returns a copy with one option set.
     *
     * @param key the option's name
     * @param value its value
     * @return the changed copy
     */
    public StorageOptions with(String key, String value) {
        Map<String, String> changed = new java.util.LinkedHashMap<>(values);
        changed.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new StorageOptions(scheme, changed);
    }

    /**
     * An option that may be absent.
     *
     * @param key its name
     * @return its value, if given and not blank
     */
    public Optional<String> optional(String key) {
        return Optional.ofNullable(values.get(key)).filter(value -> !value.isBlank());
    }

    /**
     * An option that must be given.
     *
     * @param key its name
     * @param example an example value for the message
     * @return its value
     * @throws IllegalArgumentException naming the option, the scheme and an example if it is absent
     */
    public String required(String key, String example) {
        return optional(key).orElseThrow(() -> new IllegalArgumentException("storage '" + scheme + ":' needs the option '"
                + key + "' (for example " + key + ": " + example + "); add it to the storage section of the catalog"));
    }
}
