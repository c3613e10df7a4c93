package io.loomflow.spi;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Where an engine keeps the results of tasks that cache or persist them, so that later runs can
 * reuse them: across runs for {@code Task.withCache(...)}, and within the runs of one resumed flow
 * run for {@code Task.withPersistedResult()} and {@code RunOptions.resuming(runId)}.
 *
 * <p>Given to {@code Engine.builder().results(store)}; the engine closes it after its last run. The
 * engine, not the store, makes the keys: it combines the task's name, its cache version, a
 * <em>scope</em> for persisted results, and the input's key, which it asks the store for
 * ({@link #inputKey(Object)}) because core cannot serialize inputs, unless the task computes the key
 * itself. {@code io.loomflow.store.ResultStores.directory(path)} is the default implementation: one
 * JSON file per result.
 *
 * <p><b>Scopes.</b> The results persisted by a flow run are stored under the id of its root run,
 * its scope. A run started by {@code engine.run(flow, params, RunOptions.resuming(earlierRunId))} uses the scope of
 * the earlier run instead, which the engine looks up with {@link #loadScope(UUID)} (a run that was
 * not itself a resume has none: its scope is its own id) and records for the new run with
 * {@link #saveScope(UUID, UUID)}, so that resuming a resumed run still finds every result.
 *
 * <p><b>Failures.</b> Every method may throw an unchecked exception; the engine logs it and goes on
 * as if nothing were stored (the task runs), so a failing store never fails a run. Implementations
 * should still report an entry they cannot read (corrupt, or of a type they refuse to build) as
 * absent rather than throw, and log why.
 *
 * <p><b>Thread-safety.</b> Implementations must be thread-safe: the engine calls them from many run
 * threads at once, possibly for the same key. They may block (the engine calls them on the run's
 * own thread, before it takes a limit permit).
 */
public interface ResultStore extends AutoCloseable {

    /**
     * A stable text that identifies an input: equal for equal inputs, in this process and the
     * next, and short enough to be part of a key. The default store hashes the input's canonical
     * JSON (properties and map keys sorted) with SHA-256.
     *
     * @param input a task's input
     * @return the input's key, not blank
     * @throws RuntimeException if the input cannot be represented (the engine then neither looks
     *     up nor saves the result, and logs why; the task can supply its own key with
     *     {@code Task.withCacheKey(...)})
     */
    String inputKey(@Nullable Object input);

    /**
     * The result stored under {@code key}, if there is one.
     *
     * @param key the key, made by the engine
     * @param now the engine's current time; a store may treat entries expired at {@code now} as
     *     absent and delete them (the engine ignores expired entries in any case)
     * @param loader the class loader of the task's code, to build the result's classes with
     * @return the stored result; empty if nothing usable is stored
     */
    Optional<StoredResult> load(String key, Instant now, ClassLoader loader);

    /**
     * Stores a result under {@code key}, replacing what was stored there. Readers see either the
     * old entry or the new one, never a part of one.
     *
     * @param key the key, made by the engine
     * @param result the result and what is known of it
     * @throws RuntimeException if it cannot be stored, for example because its value cannot be
     *     serialized (the engine logs it; the run is not affected)
     */
    void save(String key, StoredResult result);

    /**
     * The scope recorded for a run by {@link #saveScope(UUID, UUID)}.
     *
     * @param runId the id of a root run
     * @return the scope of the run it resumed, or empty if it was not a resume (or is unknown)
     */
    Optional<UUID> loadScope(UUID runId);

    /**
     * Records that the results of a resumed run are in {@code scope}.
     *
     * @param runId the id of the new root run
     * @param scope the id of the first run of the chain of resumes
     */
    void saveScope(UUID runId, UUID scope);

    /** Releases what the store holds open; called by the engine once, after its last run. */
    @Override
    default void close() {
    }
}
