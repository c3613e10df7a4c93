package io.loomflow;

import io.loomflow.internal.Limit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The named concurrency limits of one engine: sized by the engine's builder, or else by the first
 * flow or task that declares one; made on first use. Thread-safe.
 */
final class EngineLimits {

    private final String engineName;
    private final Map<String, Integer> configuredLimits;
    private final ConcurrentHashMap<String, Limit> limits = new ConcurrentHashMap<>();

    EngineLimits(String engineName, Map<String, Integer> configuredLimits) {
        this.engineName = engineName;
        this.configuredLimits = configuredLimits;
    }

    /**
     * The limit a run's definition names.
     *
     * @throws IllegalStateException if no size is known for it, or two definitions declare different sizes
     */
    Limit of(RunSpec spec) {
        String limitName = spec.limit();
        Integer configured = configuredLimits.get(limitName);
        Limit limit = limits.computeIfAbsent(limitName, key -> {
            int size = configured != null ? configured : spec.limitSize();
            if (size < 1) {
                throw new IllegalStateException(spec.describe() + " uses limit '" + key + "', which engine '" + engineName
                        + "' does not define; add .limit(\"" + key + "\", N) to the engine's builder, or declare"
                        + " the size with withLimit(\"" + key + "\", N)");
            }
            return new Limit(key, size);
        });
        if (configured == null && spec.limitSize() != 0 && spec.limitSize() != limit.permits()) {
            throw new IllegalStateException(spec.describe() + " declares limit '" + limitName + "' with "
                    + spec.limitSize() + " permits, but another flow or task declared it with " + limit.permits()
                    + "; declare one size everywhere, or set it once with Engine.builder().limit(\"" + limitName
                    + "\", N)");
        }
        return limit;
    }
}
