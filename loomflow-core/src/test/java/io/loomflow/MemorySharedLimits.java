package io.loomflow;

import io.loomflow.spi.SharedLimits;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Shared limits in one JVM, a fixture of the {@link SharedLimits} contract for tests of the
 * engine's side: a fair semaphore per shared name, which several engines of a test share. It
 * counts acquisitions and releases, and records a second release of one permit as a contract
 * violation instead of letting it through.
 */
final class MemorySharedLimits implements SharedLimits {

    private final Map<String, Integer> sizes;
    private final Map<String, Semaphore> semaphores = new ConcurrentHashMap<>();
    private final AtomicInteger acquired = new AtomicInteger();
    private final AtomicInteger released = new AtomicInteger();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final List<String> asked = new CopyOnWriteArrayList<>();
    private final CountDownLatch waiting = new CountDownLatch(1);

    MemorySharedLimits(Map<String, Integer> sizes) {
        this.sizes = Map.copyOf(sizes);
        this.sizes.forEach((name, size) -> semaphores.put(name, new Semaphore(size, true)));
    }

    @Override
    public int permits(String limitName) {
        asked.add(limitName);
        return sizes.getOrDefault(limitName, 0);
    }

    @Override
    public Permit acquire(String limitName, RunInfo run, Runnable beforeWaiting) throws InterruptedException {
        Semaphore semaphore = semaphores.get(limitName);
        if (semaphore == null) {
            violations.add("acquire of '" + limitName + "', which is not shared");
            throw new IllegalArgumentException("limit '" + limitName + "' is not shared");
        }
        if (!semaphore.tryAcquire()) {
            beforeWaiting.run();
            waiting.countDown();
            semaphore.acquire();
        }
        acquired.incrementAndGet();
        AtomicBoolean held = new AtomicBoolean(true);
        return () -> {
            if (!held.compareAndSet(true, false)) {
                violations.add("a second release of a permit of '" + limitName + "' held by " + run.name());
                return;
            }
            released.incrementAndGet();
            semaphore.release();
        };
    }

    /** Counted down when a run first waits for a permit. */
    CountDownLatch waiting() {
        return waiting;
    }

    /** Permits taken so far. */
    int acquired() {
        return acquired.get();
    }

    /** Permits given back so far. */
    int released() {
        return released.get();
    }

    /** Permits of that name free now. */
    int free(String limitName) {
        return semaphores.get(limitName).availablePermits();
    }

    /** Breaches of the token protocol seen so far. */
    List<String> violations() {
        return List.copyOf(violations);
    }

    /** The names engines asked the size of, in order. */
    List<String> asked() {
        return List.copyOf(asked);
    }

    @Override
    public String toString() {
        return "MemorySharedLimits" + sizes;
    }
}
