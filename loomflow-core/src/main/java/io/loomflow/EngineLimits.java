package io.loomflow;

import io.loomflow.internal.Limit;
import io.loomflow.spi.SharedLimits;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The named concurrency limits of one engine: sized by the engine's builder, or else by the first
 * flow or task that declares one; made on first use. A limit that the engine's
 * {@link SharedLimits} shares is held across engines instead ({@link #sharedOf}); an engine without
 * shared limits never looks there. Thread-safe.
 */
final class EngineLimits {

    /** A limit that the engine's {@link SharedLimits} sizes; {@code permits} 0 when it does not share it. */
    record Shared(String name, int permits, SharedLimits limits) {
    }

    private final String engineName;
    private final Map<String, Integer> configuredLimits;
    private final ConcurrentHashMap<String, Limit> limits = new ConcurrentHashMap<>();
    private final @Nullable SharedLimits sharedLimits;
    private final ConcurrentHashMap<String, Shared> shared = new ConcurrentHashMap<>();

    EngineLimits(String engineName, Map<String, Integer> configuredLimits, @Nullable SharedLimits sharedLimits) {
        this.engineName = engineName;
        this.configuredLimits = configuredLimits;
        this.sharedLimits = sharedLimits;
    }

    /**
     * The shared limit a run's definition names, or null when it is the engine's own (or the engine
     * shares none).
     *
     * @throws IllegalStateException if the engine's builder defines the name with another size
     */
    @Nullable Shared sharedOf(RunSpec spec) {
        if (sharedLimits == null) {
            return null;
        }
        String limitName = spec.limit();
        Shared limit = shared.computeIfAbsent(limitName, key -> new Shared(key, sharedLimits.permits(key), sharedLimits));
        if (limit.permits() == 0) {
            return null;
        }
        Integer configured = configuredLimits.get(limitName);
        if (configured != null && configured != limit.permits()) {
            throw new IllegalStateException("limit '" + limitName + "' of engine '" + engineName + "' is defined with "
                    + configured + " permits by the engine's builder, but shared with " + limit.permits()
                    + " permits by " + sharedLimits + "; define it in one place, or give both the same size");
        }
        return limit;
    }

    /** The size of the limit a run's definition names, shared or the engine's own. */
    int permits(RunSpec spec) {
        Shared limit = sharedOf(spec);
        return limit != null ? limit.permits() : of(spec).permits();
    }

    /**
     * The engine's own limit a run's definition names.
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
