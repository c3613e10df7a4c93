package io.loomflow;

import io.loomflow.spi.ResultStore;
import io.loomflow.spi.StoredResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The result-store side of one task run: the keys of its result, the lookup before it runs, and
 * the save after it completes.
 *
 * <p>The store is outside the engine's control (a disk, a database), and a result is only ever an
 * optimization: every failure here (the store throws, an input cannot be keyed, a key function
 * throws) is logged, on the engine's logger and as a warning line of the run, and then treated as
 * "nothing stored", so that the task runs. Never throws, except an {@link Error} that is not one of
 * the kinds serialization libraries raise.
 *
 * <p>Keys are made here, not by the store, so that every store agrees on them:
 * {@code task/version/input} for the cache, and {@code run:<scope>/task/version/input} for results
 * persisted for resume, where {@code input} is {@code input:<the store's key of the input>} or
 * {@code key:<the task's own key>}. The task name, version and the task's own key are escaped
 * ({@code %} and {@code /}), so that no two different combinations make the same key.
 */
final class StoredResults {

    /** A key to save the result under; {@code cached} for the cache's key (which expires), and whether to look it up. */
    private record Key(String key, boolean cached, boolean lookUp) {
    }

    private final EngineImpl engine;
    private final ResultStore store;
    private final RunNode run;
    private final ResultPolicy policy;
    private final List<Key> keys;

    private StoredResults(EngineImpl engine, ResultStore store, RunNode run, ResultPolicy policy, List<Key> keys) {
        this.engine = engine;
        this.store = store;
        this.run = run;
        this.policy = policy;
        this.keys = keys;
    }

    /**
     * The stored results of a run, or null when there is nothing to look up or save: the task
     * neither caches nor persists its result, the engine has no store, or no key could be made.
     */
    static StoredResults of(EngineImpl engine, RunNode run) {
        ResultPolicy policy = run.spec().results();
        ResultStore store = engine.results();
        if (store == null || !policy.isActive()) {
            return null;
        }
        String input = inputKey(store, run, policy);
        if (input == null) {
            return null;
        }
        String name = escape(run.spec().name()) + "/" + escape(policy.version()) + "/" + input;
        List<Key> keys = new ArrayList<>(2);
        if (policy.persisted()) {
            // Only a resumed run has anything to find in its scope: a new one would look in vain.
            keys.add(new Key("run:" + run.resultScope() + "/" + name, false, run.isInResumedRun()));
        }
        if (policy.cache() != null) {
            keys.add(new Key(name, true, true));
        }
        return new StoredResults(engine, store, run, policy, List.copyOf(keys));
    }

    /**
     * The scope of a root run started by {@code Engine.resume}: that of the run it resumes, which
     * is the resumed run's own id unless it was a resume too. Recorded for the new run, so that it
     * can be resumed in turn.
     */
    static UUID scopeOfResumed(EngineImpl engine, RunNode root, UUID resumed) {
        ResultStore store = engine.results();
        UUID scope = resumed;
        try {
            scope = store.loadScope(resumed).orElse(resumed);
        } catch (RuntimeException | LinkageError | StackOverflowError failure) {
            warn(root, "result store " + store + " failed to load the result scope of run " + resumed
                    + "; this run reuses only the results that run itself persisted, not those of the runs it"
                    + " resumed", failure);
        }
        try {
            store.saveScope(root.runId(), scope);
        } catch (RuntimeException | LinkageError | StackOverflowError failure) {
            warn(root, "result store " + store + " failed to record the result scope " + scope
                    + " of this run; it runs normally, but resuming it will not reuse the results of the runs"
                    + " before it", failure);
        }
        return scope;
    }

    private static String inputKey(ResultStore store, RunNode run, ResultPolicy policy) {
        Object input = run.info().input();
        if (policy.key() != null) {
            String own;
            try {
                own = policy.key().apply(input);
            } catch (RuntimeException | LinkageError | StackOverflowError failure) {
                warn(run, "its cache key function threw, so its result is neither looked up nor"
                        + " stored in this run; fix the function given to withCacheKey", failure);
                return null;
            }
            if (own == null) {
                warn(run, "its cache key function returned null for input " + input + ", so its"
                        + " result is neither looked up nor stored in this run; return a non-null key from the"
                        + " function given to withCacheKey", null);
                return null;
            }
            return "key:" + escape(own);
        }
        try {
            return "input:" + escape(store.inputKey(input));
        } catch (RuntimeException | LinkageError | StackOverflowError failure) {
            warn(run, "result store " + store + " could not make a key of its input " + input
                    + ", so its result is neither looked up nor stored in this run; give the task its own key"
                    + " with withCacheKey(input -> ...)", failure);
            return null;
        }
    }

    /**
     * Looks the result up, first in the resumed run's scope, then in the cache.
     *
     * @return the Cached state to end the run in, or null if it must run
     */
    State.Cached lookup() {
        ClassLoader loader = codeLoader(run.spec());
        for (Key key : keys) {
            if (!key.lookUp()) {
                continue;
            }
            Instant now = engine.clock().now();
            Optional<StoredResult> found;
            try {
                found = store.load(key.key(), now, loader);
            } catch (RuntimeException | LinkageError | StackOverflowError failure) {
                if (!run.isCancelled()) {
                    warn(run, "result store " + store + " failed to load key " + key.key()
                            + "; the task runs instead", failure);
                }
                continue;
            }
            if (found != null && found.isPresent() && !found.get().isExpiredAt(now)) {
                return new State.Cached(found.get().value(), key.key(), found.get().runId());
            }
        }
        return null;
    }

    /** Stores the result of a completed run under each of its keys. */
    void save(Object value) {
        Instant now = engine.clock().now();
        for (Key key : keys) {
            StoredResult result = new StoredResult(value, run.spec().name(), policy.version(), run.runId(), now,
                    key.cached() ? policy.cache().expiresAt(now) : null);
            try {
                store.save(key.key(), result);
            } catch (RuntimeException | LinkageError | StackOverflowError failure) {
                warn(run, "result store " + store + " failed to save its result under key " + key.key()
                        + "; the run is not affected, but later runs will not find this result", failure);
            }
        }
    }

    /** The loader of the task's code, so that stores build the result's classes as the task sees them. */
    static ClassLoader codeLoader(RunSpec spec) {
        ClassLoader loader = spec.body().getClass().getClassLoader();
        if (loader == null) {
            loader = Thread.currentThread().getContextClassLoader();
        }
        return loader != null ? loader : ClassLoader.getSystemClassLoader();
    }

    /** Escapes {@code %} and {@code /}, so that a part of a key never reads as two parts. */
    static String escape(String part) {
        return part.replace("%", "%25").replace("/", "%2F");
    }

    private static void warn(RunNode run, String what, Throwable failure) {
        run.warn(run.describe() + ": " + what, failure);
    }
}
