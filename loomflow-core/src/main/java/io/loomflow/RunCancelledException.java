package io.loomflow;

/**
 * A run was cancelled before it produced a result.
 *
 * <p>Thrown by {@code join} and {@code run} for a cancelled run, and out of a blocking call inside a
 * run whose own run is being cancelled. Never retried.
 */
public final class RunCancelledException extends LoomflowException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the error.
     *
     * @param message which run was cancelled and why
     */
    public RunCancelledException(String message) {
        super(message, null, false);
    }
}
