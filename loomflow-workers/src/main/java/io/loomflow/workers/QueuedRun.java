package io.loomflow.workers;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * A run submitted to the queue: its id at once, its result when some worker has finished it.
 *
 * <p>Thread-safe. The future completes with the run's result, or exceptionally with a
 * {@link QueuedRunFailedException} (the run failed or was cancelled on a worker) or a
 * {@link WorkQueueException} (the queue was closed before the run ended). Cancelling the future
 * stops only this wait, not the run. The future is completed by the {@link WorkQueue} that made it,
 * so it never completes after that queue is closed.
 *
 * @param <R> the result type
 */
public interface QueuedRun<R extends @Nullable Object> {

    /**
     * The run's id, the key of its row in the queue; known as soon as it is submitted.
     *
     * @return the id
     */
    UUID id();

    /**
     * Tells whether this submission queued the run, rather than finding it queued already under the
     * same idempotency key.
     *
     * @return {@code true} if this submission created the run
     */
    boolean created();

    /**
     * The run's result, once a worker has finished it.
     *
     * @return a future of the result
     */
    CompletableFuture<R> result();
}
