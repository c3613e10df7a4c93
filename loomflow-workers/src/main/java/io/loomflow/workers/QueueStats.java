package io.loomflow.workers;

import java.time.Duration;
import java.util.Objects;

/**
 * How deep one queue is right now: its runs waiting for a worker, those being run, and how long the
 * run that has waited longest has waited.
 *
 * <p>Immutable and thread-safe; a snapshot read in one query, on the database's clock.
 *
 * @param queue the queue's name
 * @param queued runs waiting to be claimed, including those whose earliest start is still ahead
 * @param running runs a worker holds under a lease
 * @param oldestWait how long the oldest due queued run has waited, from its earliest start
 *     ({@code notBefore}, else its submission) to now; zero when no queued run is due
 */
public record QueueStats(String queue, long queued, long running, Duration oldestWait) {

    /**
     * Checks the parts.
     *
     * @throws NullPointerException if the queue or the wait is null
     */
    public QueueStats {
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(oldestWait, "oldestWait");
    }
}
