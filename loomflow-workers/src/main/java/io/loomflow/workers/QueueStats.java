package io.loomflow.workers;

/**
 * How deep one queue is right now: its runs waiting for a worker, and those being run.
 *
 * <p>Immutable and thread-safe; a snapshot read in one query.
 *
 * @param queue the queue's name
 * @param queued runs waiting to be claimed, including those whose earliest start is still ahead
 * @param running runs a worker holds under a lease
 */
public record QueueStats(String queue, long queued, long running) {
}
