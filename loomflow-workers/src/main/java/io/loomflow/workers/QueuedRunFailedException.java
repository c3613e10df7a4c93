package io.loomflow.workers;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A queued run ended Failed on a worker (or was cancelled there): what {@link QueuedRun#result()}
 * completes with. The original error lived in another JVM, so it is carried as its type and
 * message; the message of this exception names the run and both.
 *
 * <p>Not retryable: the run's own retries (its flow's {@code withRetries}) already ran on the
 * worker. Immutable.
 */
public final class QueuedRunFailedException extends WorkQueueException {

    private static final long serialVersionUID = 1L;

    /** The queued run that failed. */
    private final UUID runId;
    /** The class name of the error on the worker. */
    private final String errorType;
    /** The message of the error on the worker. */
    private final @Nullable String errorMessage;

    /**
     * Creates the error.
     *
     * @param runId the queued run
     * @param flow its flow's name
     * @param errorType the fully qualified class name of the error it failed with
     * @param errorMessage that error's message, {@code null} if it had none
     */
    public QueuedRunFailedException(UUID runId, String flow, String errorType, @Nullable String errorMessage) {
        super("queued run " + runId + " of flow '" + flow + "' failed on a worker with " + errorType
                + (errorMessage == null ? "" : ": " + errorMessage), null, false);
        this.runId = runId;
        this.errorType = errorType;
        this.errorMessage = errorMessage;
    }

    /**
     * The queued run that failed.
     *
     * @return its id
     */
    public UUID runId() {
        return runId;
    }

    /**
     * The class name of the error the run failed with on the worker.
     *
     * @return a fully qualified class name
     */
    public String errorType() {
        return errorType;
    }

    /**
     * The message of the error the run failed with.
     *
     * @return the message, {@code null} if it had none
     */
    public @Nullable String errorMessage() {
        return errorMessage;
    }
}
