package io.loomflow;

import org.jspecify.annotations.Nullable;

/**
 * The base of the errors the engine itself raises (never of the errors your code throws, which
 * reach you unchanged).
 *
 * <p>{@link #isRetryable()} tells a {@link Retry} policy whether another attempt could help.
 */
public class LoomflowException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Whether another attempt could succeed. */
    private final boolean retryable;

    /**
     * Creates an error.
     *
     * @param message what went wrong and what to do
     * @param cause the underlying error, if there is one
     * @param retryable whether another attempt could succeed
     */
    public LoomflowException(String message, @Nullable Throwable cause, boolean retryable) {
        super(message, cause);
        this.retryable = retryable;
    }

    /**
     * Tells whether another attempt of the same run could succeed.
     *
     * @return {@code true} if retrying makes sense
     */
    public boolean isRetryable() {
        return retryable;
    }
}
