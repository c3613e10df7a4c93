package io.loomflow.data;

import java.util.Set;

/**
 * Which part of a pipeline one run executes: the parameter of a pipeline's flow. Immutable.
 *
 * @param fromNodes run these nodes and everything downstream of them (empty: from the start)
 * @param toNodes run these nodes and everything upstream of them (empty: to the end)
 * @param onlyMissing run only the nodes whose catalog outputs are missing, what depends on them,
 *     and what produces their in-memory inputs
 */
public record PipelineRun(Set<String> fromNodes, Set<String> toNodes, boolean onlyMissing) {

    /** Copies the sets. */
    public PipelineRun {
        fromNodes = Set.copyOf(fromNodes);
        toNodes = Set.copyOf(toNodes);
    }

    /**
     * The whole pipeline.
     *
     * @return a run of every node
     */
    public static PipelineRun all() {
        return new PipelineRun(Set.of(), Set.of(), false);
    }

    /**
     * The defaults of a run whose parameters name none of these (the command line, the API and the
     * web form bind by them): the whole pipeline, as {@link #all()}.
     *
     * @return a run of every node
     */
    public static PipelineRun defaults() {
        return all();
    }

    /**
     * Returns a copy that starts at these nodes.
     *
     * @param nodes node names
     * @return the changed copy
     */
    public PipelineRun withFromNodes(String... nodes) {
        return new PipelineRun(Set.of(nodes), toNodes, onlyMissing);
    }

    /**
     * Returns a copy that ends at these nodes.
     *
     * @param nodes node names
     * @return the changed copy
     */
    public PipelineRun withToNodes(String... nodes) {
        return new PipelineRun(fromNodes, Set.of(nodes), onlyMissing);
    }

    /**
     * Returns a copy that runs only what is missing.
     *
     * @return the changed copy
     */
    public PipelineRun withOnlyMissing() {
        return new PipelineRun(fromNodes, toNodes, true);
    }
}
