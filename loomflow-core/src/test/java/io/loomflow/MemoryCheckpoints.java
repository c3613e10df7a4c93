package io.loomflow;

import io.loomflow.spi.Checkpoint;
import io.loomflow.spi.Checkpoints;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Checkpoints in a map, a fixture of the {@link Checkpoints} contract for tests of the engine's side.
 * Inputs are keyed by their {@code toString()}, except inputs of type {@link Unkeyable}, which it
 * refuses to key; values of type {@link Unserializable} it refuses to save, naming their type, as
 * a real implementation that cannot serialize them does. {@link #allowSaves(int)} makes it refuse
 * every save after the first {@code n}, as a worker that lost its lease is refused; {@link #failLoads}
 * makes every load throw.
 */
final class MemoryCheckpoints implements Checkpoints {

    /** An input that cannot be keyed. */
    record Unkeyable(int value) {
    }

    /** A value that cannot be saved. */
    record Unserializable(int value) {
    }

    private final Map<String, Checkpoint> saved = new ConcurrentHashMap<>();
    private final AtomicInteger saves = new AtomicInteger();
    private final AtomicInteger loads = new AtomicInteger();
    private volatile int savesAllowed = Integer.MAX_VALUE;
    private volatile boolean failLoads;

    /** From now on, refuses every save after the first {@code n} (counted since this object was made). */
    void allowSaves(int n) {
        savesAllowed = n;
    }

    /** Lets every save through again, as the next worker to own the run is. */
    void allowAllSaves() {
        savesAllowed = Integer.MAX_VALUE;
        saves.set(0);
    }

    void failLoads(boolean fail) {
        failLoads = fail;
    }

    /** The checkpoints saved in {@code scope}, by key. */
    Map<String, Checkpoint> savedIn(UUID scope) {
        Map<String, Checkpoint> inScope = new java.util.TreeMap<>();
        saved.forEach((key, checkpoint) -> {
            if (key.startsWith(scope + " ")) {
                inScope.put(key.substring(scope.toString().length() + 1), checkpoint);
            }
        });
        return inScope;
    }

    int loads() {
        return loads.get();
    }

    @Override
    public String inputKey(Object input) {
        if (input instanceof Unkeyable) {
            throw new IllegalArgumentException("the test's checkpoints cannot key " + input);
        }
        return String.valueOf(input);
    }

    @Override
    public Optional<Checkpoint> load(UUID scope, String key, ClassLoader loader) {
        loads.incrementAndGet();
        if (failLoads) {
            throw new IllegalStateException("the test's checkpoints refuse to load " + key);
        }
        return Optional.ofNullable(saved.get(scope + " " + key));
    }

    @Override
    public void save(UUID scope, String key, Checkpoint checkpoint) {
        if (checkpoint.value() instanceof Unserializable) {
            throw new IllegalArgumentException("the test's checkpoints cannot serialize a value of type "
                    + Unserializable.class.getName());
        }
        int number = saves.incrementAndGet();
        if (number > savesAllowed) {
            throw new IllegalStateException("the test's checkpoints refuse save " + number + " of " + key
                    + ": this process no longer owns the run");
        }
        saved.put(scope + " " + key, checkpoint);
    }

    @Override
    public String toString() {
        return "MemoryCheckpoints";
    }
}
