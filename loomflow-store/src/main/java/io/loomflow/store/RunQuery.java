package io.loomflow.store;

import io.loomflow.State;
import org.jspecify.annotations.Nullable;

/**
 * Which runs to list: by state, by name, only roots, newest first, at most {@code limit} after
 * skipping {@code offset} (a page). Immutable; the {@code with*} methods return changed copies.
 *
 * @param state the kind of state to match, or {@code null} for any; to turn words a person typed into
 *     a kind, use {@link State.Kind#parse(String)}
 * @param name a flow or task name to match, or {@code null} for any
 * @param rootsOnly whether to list only runs without a parent
 * @param limit the most runs to return, 1 or more
 * @param offset how many matching runs to skip first, 0 or more
 */
public record RunQuery(State.@Nullable Kind state, @Nullable String name, boolean rootsOnly, int limit, int offset) {

    /** Checks the limit and the offset. */
    public RunQuery {
        if (limit < 1) {
            throw new IllegalArgumentException("a run query's limit was " + limit + "; pass 1 or more");
        }
        if (offset < 0) {
            throw new IllegalArgumentException("a run query's offset was " + offset + "; pass 0 or more");
        }
    }

    /**
     * A query of the first page.
     *
     * @param state the kind of state to match, or {@code null} for any
     * @param name a flow or task name to match, or {@code null} for any
     * @param rootsOnly whether to list only runs without a parent
     * @param limit the most runs to return, 1 or more
     */
    public RunQuery(State.@Nullable Kind state, @Nullable String name, boolean rootsOnly, int limit) {
        this(state, name, rootsOnly, limit, 0);
    }

    /**
     * Every run, newest first, at most 100.
     *
     * @return the query
     */
    public static RunQuery all() {
        return new RunQuery(null, null, false, 100);
    }

    /**
     * Returns a copy that matches one state.
     *
     * @param kind the kind of state, such as {@link State.Kind#FAILED}
     * @return the changed copy
     */
    public RunQuery withState(State.Kind kind) {
        return new RunQuery(kind, name, rootsOnly, limit, offset);
    }

    /**
     * Returns a copy that matches one name.
     *
     * @param runName a flow or task name
     * @return the changed copy
     */
    public RunQuery withName(String runName) {
        return new RunQuery(state, runName, rootsOnly, limit, offset);
    }

    /**
     * Returns a copy that lists only root runs.
     *
     * @return the changed copy
     */
    public RunQuery withRootsOnly() {
        return new RunQuery(state, name, true, limit, offset);
    }

    /**
     * Returns a copy that returns at most {@code most} runs.
     *
     * @param most 1 or more
     * @return the changed copy
     */
    public RunQuery withLimit(int most) {
        return new RunQuery(state, name, rootsOnly, most, offset);
    }

    /**
     * Returns a copy that skips the first {@code skipped} matching runs, for the next pages.
     *
     * @param skipped 0 or more
     * @return the changed copy
     */
    public RunQuery withOffset(int skipped) {
        return new RunQuery(state, name, rootsOnly, limit, skipped);
    }

    /**
     * Tells whether a run matches.
     *
     * @param run a run
     * @return {@code true} if it matches every condition
     */
    public boolean matches(RunRecord run) {
        return (state == null || state == run.state()) && (name == null || name.equals(run.name()))
                && (!rootsOnly || run.parentId() == null);
    }
}
