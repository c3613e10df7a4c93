package io.loomflow;

/**
 * A run was lost: the engine closed while it was still executing and gave up waiting for it.
 *
 * <p>When {@link Engine#close()} has cancelled the runs still in flight and their code does not stop
 * within the second grace period, the engine records every run not ended by then as
 * {@link State.Crashed}: the runs whose code ignores cancellation and the ancestors waiting for
 * them alike. Joining such a run, or its future, throws this error; {@link Handle#outcome()} holds it
 * as the failure. Never retried: the engine that would retry it is closed.
 */
public final class RunLostException extends LoomflowException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the error.
     *
     * @param message which run was lost and why
     */
    public RunLostException(String message) {
        super(message, null, false);
    }
}
