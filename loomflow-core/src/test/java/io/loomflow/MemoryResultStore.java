package io.loomflow;

import io.loomflow.spi.ResultStore;
import io.loomflow.spi.StoredResult;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A result store in a map, for tests of the engine's side of the SPI. Inputs are keyed by their
 * {@code toString()} (the real stores hash JSON). It keeps expired entries on purpose: expiry is
 * the engine's rule. Set {@code failing} to make every method throw. Public for the javadoc
 * examples in {@code io.loomflow.snippets}, which use only public types.
 */
public final class MemoryResultStore implements ResultStore {

    final Map<String, StoredResult> results = new ConcurrentHashMap<>();
    final Map<UUID, UUID> scopes = new ConcurrentHashMap<>();
    final AtomicInteger loads = new AtomicInteger();
    volatile boolean failing;
    volatile boolean closed;

    @Override
    public String inputKey(Object input) {
        check("key the input");
        return String.valueOf(input);
    }

    @Override
    public Optional<StoredResult> load(String key, Instant now, ClassLoader loader) {
        loads.incrementAndGet();
        check("load " + key);
        return Optional.ofNullable(results.get(key));
    }

    @Override
    public void save(String key, StoredResult result) {
        check("save " + key);
        results.put(key, result);
    }

    @Override
    public Optional<UUID> loadScope(UUID runId) {
        check("load a scope");
        return Optional.ofNullable(scopes.get(runId));
    }

    @Override
    public void saveScope(UUID runId, UUID scope) {
        check("save a scope");
        scopes.put(runId, scope);
    }

    @Override
    public void close() {
        closed = true;
    }

    private void check(String what) {
        if (failing) {
            throw new IllegalStateException("the test's store refuses to " + what);
        }
    }

    @Override
    public String toString() {
        return "MemoryResultStore";
    }
}
