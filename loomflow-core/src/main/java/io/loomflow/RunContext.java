package io.loomflow;

import java.util.Optional;

/**
 * The run the current code executes in: its identity, attempt, logger and cancellation status.
 *
 * <p>Found through a {@link ScopedValue}, so it is present exactly in the code a run executes,
 * on the run's own thread, and never leaks into the caller's thread. Thread-safe.
 * {@snippet class=io.loomflow.snippets.FlowSnippets region=log}
 */
public interface RunContext {

    /**
     * The run the calling code executes in.
     *
     * @return the current run
     * @throws IllegalStateException outside of any run
     */
    static RunContext current() {
        return find().orElseThrow(() -> new IllegalStateException(
                "RunContext.current() was called outside of any run; call it from the code of a flow or task,"
                        + " or use RunContext.find() where no run may be present"));
    }

    /**
     * The run the calling code executes in, if any.
     *
     * @return the current run, or empty outside of any run
     */
    static Optional<RunContext> find() {
        return Optional.ofNullable(RunNode.currentOrNull());
    }

    /**
     * The run's identity.
     *
     * @return the run's info
     */
    RunInfo info();

    /**
     * The number of the attempt executing now, 1 for the first.
     *
     * @return the attempt number
     */
    int attempt();

    /**
     * The engine the run belongs to.
     *
     * @return the engine
     */
    Engine engine();

    /**
     * The run's logger.
     *
     * @return a logger whose lines carry this run's id
     */
    RunLog log();

    /**
     * Tells whether the run has been asked to stop (cancelled, timed out, or its engine is closing
     * past its grace period). Long computations that do not block should check it now and then.
     *
     * @return {@code true} once cancellation was requested
     */
    boolean isCancelled();
}
