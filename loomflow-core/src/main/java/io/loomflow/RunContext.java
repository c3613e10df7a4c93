package io.loomflow;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

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

    /**
     * A key that identifies this run across re-executions, for a task to pass to the external
     * systems it changes (as an idempotency key of a payment API, a unique key of a row it inserts)
     * so that running it again does no harm. A task of a durable run (see
     * {@link RunOptions#withCheckpoints(java.util.UUID)}) that was in flight when its process died runs
     * again in the next execution; this key is then the same: the run's checkpoint scope, a slash and
     * its checkpoint key (made of its place in the run: names, input keys, call order, map indexes).
     * Siblings have different keys. For a run that is not durable it is its run id, stable only
     * within this execution.
     *
     * @return the key, never blank
     */
    String idempotencyKey();

    /**
     * Records that this run read or wrote a version of a dataset, as an {@link Event.DatasetAccess}
     * of the engine's event stream, so the run history keeps the run's lineage: which version of each
     * dataset it used and made. The data layer calls it for every load and save; code that reads or
     * writes data of its own may call it too.
     *
     * @param access whether the run read or wrote
     * @param dataset the dataset's name, not blank
     * @param version the version, or {@code null} for a dataset that is not versioned
     * @param location where the data is, without credentials
     * @throws IllegalArgumentException if {@code dataset} or {@code location} is blank
     */
    void recordDatasetAccess(Event.DatasetAccess.Access access, String dataset, @Nullable String version, String location);
}
