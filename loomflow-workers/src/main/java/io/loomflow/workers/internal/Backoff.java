package io.loomflow.workers.internal;

import java.time.Duration;

/**
 * How long to wait before trying the database again after {@code failures} failures in a row:
 * doubling from {@code first} up to {@code most}. A pure function; the waiting itself is done on a
 * {@link Signal}, so that closing the worker ends it at once.
 *
 * @param first the wait after the first failure
 * @param most the longest wait
 */
record Backoff(Duration first, Duration most) {

    /** The back-off of the workers and the queue: 100 ms, doubling up to 5 s. */
    static final Backoff DATABASE = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));

    /** The wait after {@code failures} failures in a row (1 or more). */
    Duration after(int failures) {
        int doublings = Math.max(0, Math.min(failures - 1, 30));
        Duration wait = first.multipliedBy(1L << doublings);
        return wait.compareTo(most) > 0 ? most : wait;
    }
}
