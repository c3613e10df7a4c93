package io.loomflow.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * How one child run of a durable run ended, as {@link Checkpoints} keeps it: its result, or the
 * type and message of its final error, and where it came from.
 *
 * <p>A durable run that executes again replays a checkpoint instead of running the child: a
 * completed one gives its {@link #value()} to the caller, a {@linkplain #failed() failed} one
 * throws {@code io.loomflow.ReplayedFailureException} naming {@link #errorType()} and
 * {@link #errorMessage()}, so that a flow that caught the failure takes the same path again.
 *
 * <p>Immutable (as far as the value is) and thread-safe. Made with {@link #completed} or
 * {@link #failed}; a checkpoint either has an error type (failed) or not (completed, with a value
 * that may be {@code null}).
 *
 * @param value the child's result; {@code null} if it failed, or if its result was {@code null}
 * @param errorType the fully qualified class name of the child's final error; {@code null} if it completed
 * @param errorMessage the message of that error; {@code null} if it completed or the error had none
 * @param task the name of the child (task, flow or map item's task)
 * @param runId the id of the run that produced it; {@code null} if unknown
 * @param createdAt when it was made, on the engine's clock
 */
public record Checkpoint(@Nullable Object value, @Nullable String errorType, @Nullable String errorMessage, String task,
                         @Nullable UUID runId, Instant createdAt) {

    /** Checks the required parts, and that a completed checkpoint has no error message. */
    public Checkpoint {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(createdAt, "createdAt");
        if (errorType == null && errorMessage != null) {
            throw new IllegalArgumentException("checkpoint of '" + task + "' has an error message (" + errorMessage
                    + ") but no error type; pass the error's class name too, or use Checkpoint.completed");
        }
        if (errorType != null && value != null) {
            throw new IllegalArgumentException("checkpoint of '" + task + "' has both an error (" + errorType
                    + ") and a value; a failed child has no value, use Checkpoint.failed");
        }
    }

    /**
     * A checkpoint of a child that completed.
     *
     * @param value its result, may be {@code null}
     * @param task its name
     * @param runId its run id, {@code null} if unknown
     * @param at when, on the engine's clock
     * @return the checkpoint
     */
    public static Checkpoint completed(@Nullable Object value, String task, @Nullable UUID runId, Instant at) {
        return new Checkpoint(value, null, null, task, runId, at);
    }

    /**
     * A checkpoint of a child that failed for good (after its retries).
     *
     * @param errorType the fully qualified class name of its error
     * @param message the error's message, {@code null} if it had none
     * @param task its name
     * @param runId its run id, {@code null} if unknown
     * @param at when, on the engine's clock
     * @return the checkpoint
     */
    public static Checkpoint failed(String errorType, @Nullable String message, String task, @Nullable UUID runId,
                                    Instant at) {
        return new Checkpoint(null, Objects.requireNonNull(errorType, "errorType"), message, task, runId, at);
    }

    /**
     * Tells whether the child failed.
     *
     * @return {@code true} if it has an error type
     */
    public boolean failed() {
        return errorType != null;
    }
}
