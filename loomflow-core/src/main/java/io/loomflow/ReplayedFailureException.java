package io.loomflow;

import org.jspecify.annotations.Nullable;

/**
 * The failure of a child run of a durable run, replayed from its checkpoint: in an earlier
 * execution of the root run the child failed for good with an error of type {@link #originalType()},
 * and this execution, instead of running the child again, rethrows this error to the caller, so that
 * a flow that caught the failure takes the same path again.
 *
 * <p>The original exception itself is not kept (exceptions are not serialized); its class name and
 * message are. Never retried: the child's retries were spent in the execution that failed.
 * Immutable; thread-safe.
 */
public final class ReplayedFailureException extends LoomflowException {

    private static final long serialVersionUID = 1L;

    /** The class name of the original error. */
    private final String originalType;
    /** The original error's message, or null if it had none. */
    private final @Nullable String originalMessage;

    /**
     * Creates the error.
     *
     * @param task the name of the child whose failure is replayed
     * @param originalType the fully qualified class name of the original error
     * @param originalMessage the original error's message, {@code null} if it had none
     */
    public ReplayedFailureException(String task, String originalType, @Nullable String originalMessage) {
        super("'" + task + "' failed in an earlier execution of this durable run with " + originalType
                + (originalMessage != null ? ": " + originalMessage : "")
                + " (replayed from checkpoint; it is not run again)", null, false);
        this.originalType = originalType;
        this.originalMessage = originalMessage;
    }

    /**
     * The class name of the error the child originally failed with.
     *
     * @return a fully qualified class name, such as {@code java.io.IOException}
     */
    public String originalType() {
        return originalType;
    }

    /**
     * The message of the error the child originally failed with.
     *
     * @return the message, or {@code null} if it had none
     */
    public @Nullable String originalMessage() {
        return originalMessage;
    }
}
