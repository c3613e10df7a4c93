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

    private static final RunOptions DEFAULTS = new RunOptions(null);

    private final @Nullable UUID resumeOf;

    private RunOptions(@Nullable UUID resumeOf) {
        this.resumeOf = resumeOf;
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
                "resuming needs the id of the run to resume, not null"));
    }

    /**
     * The run these options resume, if any.
     *
     * @return the earlier run's id, or empty for a new run
     */
    public Optional<UUID> resumeOf() {
        return Optional.ofNullable(resumeOf);
    }

    @Override
    public boolean equals(@Nullable Object other) {
        return other instanceof RunOptions that && Objects.equals(resumeOf, that.resumeOf);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(resumeOf);
    }

    @Override
    public String toString() {
        return resumeOf == null ? "RunOptions[defaults]" : "RunOptions[resumeOf=" + resumeOf + "]";
    }
}
