package io.loomflow;

import java.util.function.Function;

/**
 * What a task does with its results: cache them across runs ({@code cache}), persist them for
 * resume ({@code persisted}), with the input's key computed by the engine's result store or by
 * {@code key}. Immutable.
 */
record ResultPolicy(Cache cache, boolean persisted, Function<Object, String> key) {

    static final ResultPolicy NONE = new ResultPolicy(null, false, null);

    /** Whether results are looked up or saved at all. */
    boolean isActive() {
        return cache != null || persisted;
    }

    /** The version in keys: the cache's, or "1" for results that are only persisted. */
    String version() {
        return cache == null ? "1" : cache.version();
    }

    ResultPolicy withCache(Cache newCache) {
        return new ResultPolicy(newCache, persisted, key);
    }

    ResultPolicy withPersisted() {
        return new ResultPolicy(cache, true, key);
    }

    ResultPolicy withKey(Function<Object, String> newKey) {
        return new ResultPolicy(cache, persisted, newKey);
    }
}
