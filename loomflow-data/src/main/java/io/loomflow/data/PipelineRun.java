package io.loomflow.data;

import io.loomflow.data.internal.Versions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Which part of a pipeline one run executes, and which versions of its versioned datasets it reads:
 * the parameter of a pipeline's flow. Immutable.
 *
 * <p>On the command line: {@code -p toNodes=clean,join -p onlyMissing=true
 * -p loadVersions.companies=2026-12-04T10.00.00.000Z}.
 *
 * @param fromNodes run these nodes and everything downstream of them (empty: from the start)
 * @param toNodes run these nodes and everything upstream of them (empty: to the end)
 * @param onlyMissing run only the nodes whose catalog outputs are missing, what depends on them,
 *     and what produces their in-memory inputs
 * @param loadVersions the version each named versioned dataset is loaded at in this run, instead of
 *     its latest (Kedro's load versions); a dataset a node of the run writes cannot be pinned
 */
public record PipelineRun(Set<String> fromNodes, Set<String> toNodes, boolean onlyMissing,
                          Map<String, String> loadVersions) {

    /**
     * Copies the sets and the map, and checks that each version is written as a version is.
     *
     * @throws IllegalArgumentException naming the dataset and the version, with an example, for one
     *     that is not
     */
    public PipelineRun {
        fromNodes = Set.copyOf(fromNodes);
        toNodes = Set.copyOf(toNodes);
        loadVersions.forEach(Versions::check);
        loadVersions = Map.copyOf(loadVersions);
    }

    /**
     * The whole pipeline.
     *
     * @return a run of every node, each dataset loaded at its latest version
     */
    public static PipelineRun all() {
        return new PipelineRun(Set.of(), Set.of(), false, Map.of());
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
        return new PipelineRun(Set.of(nodes), toNodes, onlyMissing, loadVersions);
    }

    /**
     * Returns a copy that ends at these nodes.
     *
     * @param nodes node names
     * @return the changed copy
     */
    public PipelineRun withToNodes(String... nodes) {
        return new PipelineRun(fromNodes, Set.of(nodes), onlyMissing, loadVersions);
    }

    /**
     * Returns a copy that runs only what is missing.
     *
     * @return the changed copy
     */
    public PipelineRun withOnlyMissing() {
        return new PipelineRun(fromNodes, toNodes, true, loadVersions);
    }

    /**
     * Returns a copy that loads a versioned dataset at one version rather than its latest.
     *
     * @param dataset the dataset's name in the catalog
     * @param version the version, such as {@code 2026-12-04T10.00.00.000Z}
     * @return the changed copy
     * @throws IllegalArgumentException if the version is not written as a version is
     */
    public PipelineRun withLoadVersion(String dataset, String version) {
        Map<String, String> changed = new LinkedHashMap<>(loadVersions);
        changed.put(dataset, version);
        return new PipelineRun(fromNodes, toNodes, onlyMissing, changed);
    }
}
