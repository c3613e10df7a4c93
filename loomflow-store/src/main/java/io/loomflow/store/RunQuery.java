package io.loomflow.store;

/**
 * Which runs to list: by state, by name, only roots, newest first, at most {@code limit}. Immutable;
 * the {@code with*} methods return changed copies.
 *
 * @param state a state label to match, or {@code null} for any
 * @param name a flow or task name to match, or {@code null} for any
 * @param rootsOnly whether to list only runs without a parent
 * @param limit the most runs to return, 1 or more
 */
public record RunQuery(String state, String name, boolean rootsOnly, int limit) {

    /** Checks the limit. */
    public RunQuery {
        if (limit < 1) {
            throw new IllegalArgumentException("a run query's limit was " + limit + "; pass 1 or more");
        }
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
     * @param label a state label such as {@code "Failed"}
     * @return the changed copy
     */
    public RunQuery withState(String label) {
        return new RunQuery(label, name, rootsOnly, limit);
    }

    /**
     * Returns a copy that matches one name.
     *
     * @param runName a flow or task name
     * @return the changed copy
     */
    public RunQuery withName(String runName) {
        return new RunQuery(state, runName, rootsOnly, limit);
    }

    /**
     * Returns a copy that lists only root runs.
     *
     * @return the changed copy
     */
    public RunQuery withRootsOnly() {
        return new RunQuery(state, name, true, limit);
    }

    /**
     * Returns a copy that returns at most {@code most} runs.
     *
     * @param most 1 or more
     * @return the changed copy
     */
    public RunQuery withLimit(int most) {
        return new RunQuery(state, name, rootsOnly, most);
    }

    /**
     * Tells whether a run matches.
     *
     * @param run a run
     * @return {@code true} if it matches every condition
     */
    public boolean matches(RunRecord run) {
        return (state == null || state.equals(run.state())) && (name == null || name.equals(run.name()))
                && (!rootsOnly || run.parentId() == null);
    }
}
