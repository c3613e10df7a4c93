package io.loomflow.internal;

import java.util.concurrent.Semaphore;

/**
 * A named concurrency limit: at most {@link #permits()} holders at once, granted in arrival order.
 *
 * <p>Token protocol: every successful {@link #tryAcquire()} or {@link #acquire()} is followed by
 * exactly one {@link #release()}. Thread-safe.
 */
public final class Limit {

    private final String name;
    private final int permits;
    private final Semaphore semaphore;

    /**
     * Creates a limit.
     *
     * @param name its name, for messages
     * @param permits how many holders at once, 1 or more
     */
    public Limit(String name, int permits) {
        if (permits < 1) {
            throw new IllegalArgumentException("limit '" + name + "' was given " + permits + " permits; pass 1 or more");
        }
        this.name = name;
        this.permits = permits;
        this.semaphore = new Semaphore(permits, true);
    }

    /**
     * The limit's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The limit's size.
     *
     * @return how many holders it allows at once
     */
    public int permits() {
        return permits;
    }

    /**
     * Takes a permit if one is free now.
     *
     * @return {@code true} if a permit was taken
     */
    public boolean tryAcquire() {
        return semaphore.tryAcquire();
    }

    /**
     * Waits for a permit and takes it.
     *
     * @throws InterruptedException if interrupted while waiting; no permit is then taken
     */
    public void acquire() throws InterruptedException {
        semaphore.acquire();
    }

    /** Gives a permit back. */
    public void release() {
        semaphore.release();
    }

    /**
     * How many permits are held now.
     *
     * @return the number of holders
     */
    public int inUse() {
        return permits - semaphore.availablePermits();
    }

    @Override
    public String toString() {
        return "Limit[" + name + ", " + inUse() + "/" + permits + " in use]";
    }
}
