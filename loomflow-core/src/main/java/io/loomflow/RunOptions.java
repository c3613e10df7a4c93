package io.loomflow;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * How an engine starts a flow run, beyond the flow and its parameters: the one value that the
 * engine's entry points take instead of multiplying ({@link Engine#run(Flow, Object, RunOptions)},
 * {@link Engine#runAsync(Flow, Object, RunOptions)}, {@link Engine#submit(Flow, Object, RunOptions)}).
 * The entry points without options use {@link #defaults()}.
 *
 * <p>Immutable and thread-safe; each {@code with...} method returns a new value.
 * {@snippet class=io.loomflow.snippets.ResultSnippets region=resuming}
 */
public final class RunOptions {

    private static final RunOptions DEFAULTS = new RunOptions(null, null, null);

    private final @Nullable UUID resumeOf;
    private final @Nullable UUID checkpointScope;
    private final @Nullable UUID runId;

    private RunOptions(@Nullable UUID resumeOf, @Nullable UUID checkpointScope, @Nullable UUID runId) {
        this.resumeOf = resumeOf;
        this.checkpointScope = checkpointScope;
        this.runId = runId;
    }

    /**
     * The options of a plain run: a new run, a child of the current run when started inside a run
     * of the same engine, a root run elsewhere.
     *
     * @return the default options
     */
    public static RunOptions defaults() {
        return DEFAULTS;
    }

    /**
     * The options of a run that resumes an earlier one; short for
     * {@code defaults().withResumeOf(runId)}.
     *
     * @param runId the id of the earlier root run
     * @return options resuming it
     * @see #withResumeOf(UUID)
     */
    public static RunOptions resuming(UUID runId) {
        return DEFAULTS.withResumeOf(runId);
    }

    /**
     * Returns options that run the flow again after a run of it failed (or was cancelled or lost),
     * reusing the results that run persisted: the tasks marked {@link Task#withPersistedResult()}
     * (or cached with {@link Task#withCache(Cache)}) whose result is found for the same input end
     * {@link State.Cached} without running; the others, the one that failed among them, run again.
     *
     * <p>The new run is a root run with an id of its own, even when started inside a run. Its
     * results are persisted in the scope of the run it resumes, so resuming it in turn still reuses
     * everything the earlier runs persisted. The caller supplies the parameters, normally those of
     * the earlier run (the run history records them); a run of which nothing was persisted simply
     * runs everything again. The engine must have a result store ({@link Engine.Builder#results});
     * starting such a run on an engine without one throws {@link IllegalStateException}.
     *
     * @param runId the id of the earlier root run
     * @return a copy of these options resuming it
     */
    public RunOptions withResumeOf(UUID runId) {
        return new RunOptions(Objects.requireNonNull(runId,
                "resuming needs the id of the run to resume, not null"), checkpointScope, this.runId);
    }

    /**
     * The run these options resume, if any.
     *
     * @return the earlier run's id, or empty for a new run
     */
    public Optional<UUID> resumeOf() {
        return Optional.ofNullable(resumeOf);
    }

    /**
     * Returns options that make the run <em>durable</em>: every child run (task, subflow, map item)
     * is checkpointed in the engine's {@link io.loomflow.spi.Checkpoints} under {@code scope} when it
     * ends, before the flow goes on, and a run started again with the same scope (after its process
     * died) replays the children that had ended instead of running them again. A queue of runs
     * passes the queued run's id as the scope, so that every execution of it shares its checkpoints.
     *
     * <p><b>Which children are replayed.</b> A child is matched to its checkpoint by its place in
     * the run, not by its run id (which is new in every execution): its parent's place, its name,
     * its input (the key {@link io.loomflow.spi.Checkpoints#inputKey} makes of it) and how many
     * times the parent had started the same name with an equal input before (0 for the first); a
     * map item by its map's name and its index. So a flow whose code takes the same path given the
     * same parameters and the same checkpointed results is resumed exactly, even when its children
     * run concurrently; what it does differently gets new checkpoints. A child whose input cannot be
     * keyed is matched by its name and the number of children of that name its parent started before
     * it: that is deterministic only if the flow starts them in a deterministic order (not, for
     * example, from threads racing each other).
     *
     * <p><b>What is replayed.</b> A child that had completed ends {@link State.Cached} with its
     * checkpointed result and does not run; a subflow that had completed is replayed whole, without
     * visiting its children; a subflow that had not is run again and its children are looked up in
     * turn. A child that had failed for good ends {@link State.Failed} without running, and its
     * caller gets a {@link ReplayedFailureException} naming the original error's type and message.
     * Children that were in flight when the process died run again: tasks with side effects should
     * pass {@link RunContext#idempotencyKey()} to the systems they change.
     *
     * <p><b>When checkpoints fail.</b> If the checkpoints cannot be read or written (or refuse to be,
     * because another process owns the run now), the run is cancelled at once and ends with
     * {@link RunLostException}; nothing more is saved for it.
     *
     * <p>Only a root run can be durable; the engine must have checkpoints
     * ({@link Engine.Builder#checkpoints}), else starting the run throws
     * {@link IllegalStateException}. Combines with {@link #withRunId(UUID)}.
     *
     * @param scope the id shared by every execution of the durable run
     * @return a copy of these options making the run durable
     */
    public RunOptions withCheckpoints(UUID scope) {
        return new RunOptions(resumeOf, Objects.requireNonNull(scope,
                "a durable run needs the scope of its checkpoints (for example its queued run id), not null"), runId);
    }

    /**
     * The scope of the checkpoints of a durable run, if these options make it durable.
     *
     * @return the scope, or empty for a run that is not durable
     * @see #withCheckpoints(UUID)
     */
    public Optional<UUID> checkpointScope() {
        return Optional.ofNullable(checkpointScope);
    }

    /**
     * A new run id of the kind the engine gives runs: time-ordered (UUID version 7), so that ids
     * sort by creation. For {@link #withRunId(UUID)} when the id must be known before the run
     * starts.
     *
     * @return a new id
     */
    public static UUID newRunId() {
        return io.loomflow.internal.RunIds.next(System.currentTimeMillis());
    }

    /**
     * Returns options that give the root run this id instead of a new one (a queue of runs hands
     * ids out when a run is submitted). A run started with an id is a root run, even when started
     * inside a run. Starting it throws {@link IllegalArgumentException} if a run with this id is in
     * flight on the engine now.
     *
     * @param id the root run's id
     * @return a copy of these options with the id
     */
    public RunOptions withRunId(UUID id) {
        return new RunOptions(resumeOf, checkpointScope, Objects.requireNonNull(id,
                "withRunId needs the id the run should take, not null; leave it unset for a new id"));
    }

    /**
     * The id the root run takes, if these options set one.
     *
     * @return the id, or empty for a new id
     * @see #withRunId(UUID)
     */
    public Optional<UUID> runId() {
        return Optional.ofNullable(runId);
    }

    /** Whether these options start a root run even when called inside a run. */
    boolean startsRoot() {
        return resumeOf != null || checkpointScope != null || runId != null;
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof RunOptions that && Objects.equals(resumeOf, that.resumeOf)
                && Objects.equals(checkpointScope, that.checkpointScope) && Objects.equals(runId, that.runId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(resumeOf, checkpointScope, runId);
    }

    @Override
    public String toString() {
        if (this == DEFAULTS || equals(DEFAULTS)) {
            return "RunOptions[defaults]";
        }
        StringBuilder text = new StringBuilder("RunOptions[");
        String separator = "";
        if (resumeOf != null) {
            text.append("resumeOf=").append(resumeOf);
            separator = ", ";
        }
        if (checkpointScope != null) {
            text.append(separator).append("checkpointScope=").append(checkpointScope);
            separator = ", ";
        }
        if (runId != null) {
            text.append(separator).append("runId=").append(runId);
        }
        return text.append(']').toString();
    }
}
