package io.loomflow;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a task caches its results across runs: the version that is part of each key, and how long a
 * stored result may be reused. Given to {@link Task#withCache(Cache)}.
 * {@snippet class=io.loomflow.snippets.ResultSnippets region=cache}
 * A result is stored under a key made of the task's name, this version, and the input (its
 * canonical JSON, hashed by the engine's {@link io.loomflow.spi.ResultStore}, or the key that
 * {@link Task#withCacheKey(java.util.function.Function)} computes). Change the version when the
 * task's code changes what it returns, so that results stored by the old code are no longer
 * reused.
 *
 * <p>Immutable and thread-safe; the {@code with*} methods return changed copies.
 *
 * @param version part of every key; not blank (default {@code "1"})
 * @param expiry how long after it was stored a result may be reused, positive; {@code null} for
 *     results that never expire (the default)
 */
public record Cache(String version, @Nullable Duration expiry) {

    /** Checks the version and the expiry. */
    public Cache {
        Objects.requireNonNull(version, "a cache's version must not be null; pass a short text such as \"2\"");
        if (version.isBlank()) {
            throw new IllegalArgumentException("a cache's version was blank (\"" + version
                    + "\"); pass a short text such as \"2\"");
        }
        if (expiry != null && !expiry.isPositive()) {
            throw new IllegalArgumentException("a cache's expiry was " + expiry
                    + "; pass a positive duration, or use Cache.forever() for results that never expire");
        }
    }

    /**
     * Results that never expire, under version {@code "1"}.
     *
     * @return the policy
     */
    public static Cache forever() {
        return new Cache("1", null);
    }

    /**
     * Results that may be reused for {@code expiry} after they were stored, under version
     * {@code "1"}.
     *
     * @param expiry a positive duration
     * @return the policy
     */
    public static Cache expiringAfter(Duration expiry) {
        return new Cache("1", Objects.requireNonNull(expiry,
                "expiry must not be null; use Cache.forever() for results that never expire"));
    }

    /**
     * Returns a copy with another version.
     *
     * @param newVersion a non-blank text, such as {@code "2"}
     * @return the changed copy
     */
    public Cache withVersion(String newVersion) {
        return new Cache(newVersion, expiry);
    }

    /**
     * Returns a copy whose results may be reused for {@code newExpiry} after they were stored.
     *
     * @param newExpiry a positive duration
     * @return the changed copy
     */
    public Cache withExpiry(Duration newExpiry) {
        return new Cache(version, Objects.requireNonNull(newExpiry,
                "expiry must not be null; use Cache.forever() for results that never expire"));
    }

    /**
     * When a result stored at {@code storedAt} expires.
     *
     * @param storedAt when the result is stored
     * @return the instant from which it is no longer reused, or {@code null} if never
     */
    @Nullable Instant expiresAt(Instant storedAt) {
        return expiry == null ? null : storedAt.plus(expiry);
    }
}
