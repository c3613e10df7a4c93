package io.loomflow.workers;

import java.util.UUID;

/**
 * A worker's write into a queued run was refused because the run is no longer its own: its lease
 * expired (the worker was paused or cut off longer than the lease) and the run was re-queued, or
 * another worker claimed it since. The claim's fencing token no longer matches, so the worker's
 * checkpoints and its completion are refused; the run goes on, or went on, elsewhere.
 *
 * <p>Not retryable. Immutable.
 */
public final class FencedException extends WorkQueueException {

    private static final long serialVersionUID = 1L;

    /** The queued run that was refused. */
    private final UUID runId;
    /** The fencing token of the claim that lost the run. */
    private final long token;

    /**
     * Creates the error.
     *
     * @param runId the queued run
     * @param token the fencing token the refused write carried
     * @param what what was refused, such as "the checkpoint of task 'fetch'"
     */
    public FencedException(UUID runId, long token, String what) {
        super("run " + runId + " is owned by another worker now (this worker's claim, fencing token " + token
                + ", was taken over after its lease expired); " + what + " was refused and this worker stops the run"
                + " here, another worker completes it", null, false);
        this.runId = runId;
        this.token = token;
    }

    /**
     * The queued run that was refused.
     *
     * @return its id
     */
    public UUID runId() {
        return runId;
    }

    /**
     * The fencing token of the claim that lost the run.
     *
     * @return the token
     */
    public long token() {
        return token;
    }
}
