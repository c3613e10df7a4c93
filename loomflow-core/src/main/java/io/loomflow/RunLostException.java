package io.loomflow;

/**
 * A run was lost: the engine closed while it was still executing and gave up waiting for it, or,
 * for a durable run ({@link RunOptions#withCheckpoints}), its checkpoints could not be loaded or saved
 * (or refused to be, because another process owns the run now), so the engine cancelled it at once.
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

    /**
     * Creates the error with the failure that made the run lost, such as the exception thrown by
     * the {@link io.loomflow.spi.Checkpoints} of a durable run.
     *
     * @param message which run was lost and why
     * @param cause what made it lost
     */
    public RunLostException(String message, Throwable cause) {
        super(message, cause, false);
    }
}
