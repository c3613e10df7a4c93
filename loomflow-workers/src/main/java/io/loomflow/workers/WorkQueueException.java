package io.loomflow.workers;

import io.loomflow.LoomflowException;
import org.jspecify.annotations.Nullable;

/**
 * The base of the errors this module raises: a queue database that cannot be reached or used (its
 * message names the database, without password, and what to do), a run lost to another worker
 * ({@link FencedException}), or a queued run that failed ({@link QueuedRunFailedException}).
 *
 * <p>{@link #isRetryable()} is {@code true} when the database is unavailable for a while
 * (unreachable, restarting) and the same call may succeed later. Immutable.
 */
public class WorkQueueException extends LoomflowException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an error.
     *
     * @param message what went wrong and what to do
     * @param cause the underlying error, if there is one
     * @param retryable whether the same call could succeed later
     */
    public WorkQueueException(String message, @Nullable Throwable cause, boolean retryable) {
        super(message, cause, retryable);
    }
}
