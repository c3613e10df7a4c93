package io.loomflow;

import java.time.Duration;

/**
 * An attempt of a run took longer than its timeout and was cancelled.
 *
 * <p>What the user's code threw while being stopped, if anything, is attached as a suppressed
 * exception. Retryable: a {@link Retry} policy tries the run again.
 */
public final class RunTimeoutException extends LoomflowException {

    private static final long serialVersionUID = 1L;

    private final transient Duration timeout;

    /**
     * Creates the error.
     *
     * @param message which run timed out, after how long, and what to do
     * @param timeout the timeout that ran out
     */
    public RunTimeoutException(String message, Duration timeout) {
        super(message, null, true);
        this.timeout = timeout;
    }

    /**
     * The timeout that ran out.
     *
     * @return the run's timeout
     */
    public Duration timeout() {
        return timeout;
    }
}
