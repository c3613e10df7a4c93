package io.loomflow.data;

import io.loomflow.Flow;
import io.loomflow.Handle;
import io.loomflow.RunCancelledException;
import io.loomflow.RunContext;
import io.loomflow.Task;
import io.loomflow.data.internal.Previews;
import io.loomflow.data.internal.Versions;
import io.loomflow.spi.FlowGraph;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.stream.BaseStream;
import org.jspecify.annotations.NullUnmarked;
import org.jspecify.annotations.Nullable;

/**
 * A graph of {@link Node}s, connected by the names of their inputs and outputs, that runs as a
 * {@link Flow}: every node a task, each node's catalog inputs loaded concurrently and its catalog
 * outputs saved concurrently, outputs that are not in the catalog handed to their consumers in
 * memory, independent nodes running at the same time.
 * {@snippet class=io.loomflow.data.snippets.PipelineSnippets region=pipeline}
 * Loads and saves share the engine-wide limit {@value #IO_LIMIT}.
 *
 * <p>Streams of records (datasets of a {@linkplain Format#streaming() streaming} format) pass
 * through a node without being held: its input is a lazy {@code Stream}, the stream it returns is
 * saved as it is produced, and the pipeline closes every input stream once the node's outputs are
 * saved (or the node failed). A stream that a node returns for a catalog dataset is saved, and the
 * nodes that read that dataset load it again from the store (a stream can be consumed once).
 *
 * <p>A run saves every {@linkplain Dataset#versioned() versioned} dataset under one version: the
 * time its run was created, on its engine's clock (Kedro's session timestamp); it loads the latest
 * version of each, or the one its {@link PipelineRun#loadVersions()} pins. Every load and save is
 * recorded in the lineage of its {@code load NAME} or {@code save NAME} run (see {@link Dataset}).
 *
 * <p>Validated when built: two nodes with one name, two nodes writing one output, and cycles are
 * errors naming the nodes and datasets; {@link #toFlow} also checks that every input can be found.
 * Immutable and thread-safe.
 */
public final class Pipeline {

    /**
     * The named concurrency limit that every dataset load and save of a pipeline takes a permit
     * of: at most {@value #DEFAULT_IO_PERMITS} at once across the engine, unless the engine sets
     * another size with {@code Engine.builder().limit("dataset-io", n)}.
     */
    public static final String IO_LIMIT = "dataset-io";

    /** The size of {@link #IO_LIMIT} when the engine does not set one. */
    public static final int DEFAULT_IO_PERMITS = 64;

    private final List<Node> nodes; // in an order where producers come before consumers
    private final Map<String, Node> byName;
    private final Map<String, Node> producers;
    private final Map<String, List<Node>> consumers;

    private Pipeline(List<Node> nodes, Map<String, Node> byName, Map<String, Node> producers,
                     Map<String, List<Node>> consumers) {
        this.nodes = nodes;
        this.byName = byName;
        this.producers = producers;
        this.consumers = consumers;
    }

    /**
     * Builds and validates a pipeline.
     *
     * @param nodes its nodes, in any order
     * @return the pipeline
     * @throws IllegalArgumentException for two nodes with one name, two producers of one output, or
     *     a cycle, naming them
     */
    public static Pipeline of(Node... nodes) {
        return of(List.of(nodes));
    }

    /**
     * Builds and validates a pipeline.
     *
     * @param nodes its nodes, in any order
     * @return the pipeline
     * @throws IllegalArgumentException for two nodes with one name, two producers of one output, or
     *     a cycle, naming them
     */
    public static Pipeline of(List<Node> nodes) {
        Map<String, Node> byName = new LinkedHashMap<>();
        Map<String, Node> producers = new HashMap<>();
        Map<String, List<Node>> consumers = new HashMap<>();
        for (Node node : nodes) {
            Objects.requireNonNull(node, "a pipeline's nodes must not be null");
            if (byName.putIfAbsent(node.name(), node) != null) {
                throw new IllegalArgumentException("the pipeline has two nodes named '" + node.name()
                        + "'; give each node its own name");
            }
            for (String output : node.outputs()) {
                Node other = producers.putIfAbsent(output, node);
                if (other != null) {
                    throw new IllegalArgumentException("nodes '" + other.name() + "' and '" + node.name() + "' both write '"
                            + output + "'; a dataset has one producer, so rename one of the outputs");
                }
            }
            for (String input : node.inputs()) {
                consumers.computeIfAbsent(input, key -> new ArrayList<>()).add(node);
            }
        }
        return new Pipeline(sorted(List.copyOf(byName.values()), producers), Map.copyOf(byName), Map.copyOf(producers),
                Map.copyOf(consumers));
    }

    /** Orders nodes so that producers come first (Kahn), or names a cycle. */
    private static List<Node> sorted(List<Node> nodes, Map<String, Node> producers) {
        List<Node> order = new ArrayList<>();
        Set<Node> placed = new LinkedHashSet<>();
        while (order.size() < nodes.size()) {
            boolean progress = false;
            for (Node node : nodes) {
                if (!placed.contains(node) && node.inputs().stream().map(producers::get)
                        .allMatch(producer -> producer == null || placed.contains(producer))) {
                    placed.add(node);
                    order.add(node);
                    progress = true;
                }
            }
            if (!progress) {
                throw new IllegalArgumentException("the pipeline has a cycle: " + cycle(nodes, placed, producers)
                        + "; a node cannot depend, through other nodes, on its own output");
            }
        }
        return List.copyOf(order);
    }

    private static String cycle(List<Node> nodes, Set<Node> placed, Map<String, Node> producers) {
        // Walk back from a node that could not be placed along unplaced producers until one repeats.
        Node start = nodes.stream().filter(node -> !placed.contains(node)).findFirst().orElseThrow();
        List<Node> path = new ArrayList<>();
        List<String> through = new ArrayList<>();
        Node at = start;
        while (!path.contains(at)) {
            path.add(at);
            for (String input : at.inputs()) {
                Node producer = producers.get(input);
                if (producer != null && !placed.contains(producer)) {
                    through.add(input);
                    at = producer;
                    break;
                }
            }
        }
        int from = path.indexOf(at);
        // path[i] reads through[i], which path[i + 1] writes (at, for the last): tell it producer first.
        StringBuilder text = new StringBuilder("node '" + at.name() + "'");
        for (int i = path.size() - 1; i >= from; i--) {
            text.append(" writes '").append(through.get(i)).append("', read by node '").append(path.get(i).name())
                    .append("'");
        }
        return text.toString();
    }

    /**
     * The nodes, producers before consumers.
     *
     * @return the nodes
     */
    public List<Node> nodes() {
        return nodes;
    }

    /**
     * The pipeline as a flow that reads and writes datasets through {@code catalog}.
     *
     * @param name the flow's name
     * @param catalog where inputs are loaded from and outputs saved to
     * @return the flow; its parameter says which nodes run ({@code null} or no parameters given on
     *     the command line, the API or the form: every node), its result holds the outputs that are not
     *     in the catalog (an output is {@code null} where its node returned {@code null}, which the type
     *     does not declare: {@code @NullUnmarked}, as JShell cannot declare a {@code var} of a type
     *     whose type argument is annotated); a run whose parameter names unknown nodes, or pins a
     *     version of a dataset that is not versioned or that a node of the run writes, fails with an
     *     {@code IllegalArgumentException} naming it
     * @throws IllegalArgumentException if an input is neither written by a node nor in the catalog
     */
    @NullUnmarked
    public Flow<PipelineRun, Map<String, Object>> toFlow(String name, Catalog catalog) {
        return toFlow(name, catalog, Map.of());
    }

    /**
     * The pipeline as a flow, with parameters for the inputs named {@code params:NAME}.
     *
     * @param name the flow's name
     * @param catalog where inputs are loaded from and outputs saved to
     * @param parameters the values of {@code params:} inputs, such as {@link Parameters#load(java.nio.file.Path)}
     *     gives them
     * @return the flow, as {@link #toFlow(String, Catalog)} makes it
     * @throws IllegalArgumentException if an input cannot be found, naming the node and the input
     */
    @NullUnmarked
    public Flow<PipelineRun, Map<String, Object>> toFlow(String name, Catalog catalog, Map<String, ?> parameters) {
        // Not Map.copyOf: a parameter written without a value in YAML is null, and reaches its node so.
        Map<String, @Nullable Object> params = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        for (Node node : nodes) {
            for (String input : node.inputs()) {
                if (input.startsWith("params:")) {
                    if (!params.containsKey(input.substring("params:".length()))) {
                        throw new IllegalArgumentException("node '" + node.name() + "' reads '" + input + "', but there is"
                                + " no parameter '" + input.substring("params:".length()) + "'; the parameters are "
                                + new TreeSet<>(params.keySet()));
                    }
                } else if (!producers.containsKey(input) && !catalog.contains(input)) {
                    throw new IllegalArgumentException("node '" + node.name() + "' reads '" + input + "', which no node"
                            + " writes and the catalog does not have; add '" + input + "' to the catalog, or a node"
                            + " that writes it");
                }
            }
        }
        return Flow.named(name, PipelineRun.class, (PipelineRun run) -> {
            PipelineRun chosen = run == null ? PipelineRun.all() : run;
            List<Node> selected = select(chosen, catalog);
            // One version for every versioned dataset the run saves: when it started, on its engine's clock.
            String version = Versions.of(RunContext.current().info().createdAt());
            return new Execution(pinned(chosen, catalog, selected), params, selected, version).run();
        }).withGraph(graph(catalog));
    }

    /** The catalog with the run's load versions pinned, each checked against the catalog and the run. */
    private static Catalog pinned(PipelineRun run, Catalog catalog, List<Node> selected) {
        Catalog pinned = catalog;
        for (Map.Entry<String, String> pin : new TreeMap<>(run.loadVersions()).entrySet()) {
            String dataset = pin.getKey();
            if (!catalog.isVersioned(dataset)) {
                Set<String> versioned = catalog.versionedNames();
                throw new IllegalArgumentException("loadVersions names '" + dataset + "', which is not a versioned"
                        + " dataset of the catalog; " + (versioned.isEmpty() ? "the catalog has none"
                        : "its versioned datasets are " + versioned) + ". Pin only those, or add versioned: true to"
                        + " its entry");
            }
            for (Node node : selected) {
                if (node.outputs().contains(dataset)) {
                    throw new IllegalArgumentException("loadVersions pins dataset '" + dataset + "', but node '"
                            + node.name() + "' writes it in this run, so its readers get the version the run saves;"
                            + " pin only datasets the run reads and does not write, or leave this one out");
                }
            }
            pinned = pinned.withLoadVersion(dataset, pin.getValue());
        }
        return pinned;
    }

    /**
     * The pipeline as a picture, which {@link #toFlow} attaches to its flow ({@link Flow#graph()}):
     * its nodes, and every dataset they read or write, of kind {@code CATALOG} (with its format and
     * its location, shown without credentials), {@code MEMORY} (handed between nodes, not in the
     * catalog) or {@code PARAMETER} ({@code params:NAME}). Its previewer reads a catalog dataset
     * through {@code catalog} with the storage of the engine it is given, and returns its first rows
     * and columns: rows of a CSV, records or JSON list as a table, a JSON object a row per key, text a
     * row per line, bytes in hexadecimal. Give it to a flow that runs the pipeline inside
     * ({@code Flow.named(...).withGraph(pipeline.graph(catalog))}) so that tools draw that flow too.
     *
     * @param catalog where the datasets are
     * @return the graph
     */
    public FlowGraph graph(Catalog catalog) {
        Objects.requireNonNull(catalog, "the graph of a pipeline needs its catalog");
        Map<String, FlowGraph.Dataset> datasets = new LinkedHashMap<>();
        List<FlowGraph.Node> graphNodes = new ArrayList<>();
        for (Node node : nodes) {
            graphNodes.add(new FlowGraph.Node(node.name(), node.inputs(), node.outputs()));
            List<String> both = new ArrayList<>(node.inputs());
            both.addAll(node.outputs());
            for (String name : both) {
                datasets.computeIfAbsent(name, key -> {
                    if (key.startsWith("params:")) {
                        return new FlowGraph.Dataset(key, FlowGraph.Kind.PARAMETER, "parameter", null);
                    }
                    if (!catalog.contains(key)) {
                        return new FlowGraph.Dataset(key, FlowGraph.Kind.MEMORY, "memory", null);
                    }
                    if (catalog.isPartitioned(key)) {
                        PartitionedDataset<Object> parts = catalog.partitioned(key);
                        return new FlowGraph.Dataset(key, FlowGraph.Kind.CATALOG, (parts.isIncremental() ? "incremental "
                                : "partitioned ") + parts.format().name(), FlowGraph.shownLocation(parts.location()));
                    }
                    Dataset<Object> dataset = catalog.dataset(key);
                    return new FlowGraph.Dataset(key, FlowGraph.Kind.CATALOG, dataset.format().name(),
                            FlowGraph.shownLocation(dataset.location()));
                });
            }
        }
        Set<String> previewable = new TreeSet<>();
        datasets.values().stream().filter(dataset -> dataset.kind() == FlowGraph.Kind.CATALOG
                        && !catalog.isPartitioned(dataset.name())) // a prefix of many objects has no first rows
                .forEach(dataset -> previewable.add(dataset.name()));
        return new FlowGraph(graphNodes, List.copyOf(datasets.values()), (dataset, rows, engine) -> {
            if (!previewable.contains(dataset)) {
                throw new IllegalArgumentException("'" + dataset + "' is not a catalog dataset of this pipeline; those"
                        + " that can be previewed are " + previewable);
            }
            Dataset<Object> read = catalog.dataset(dataset);
            String location = read.location().toString();
            String shown = FlowGraph.shownLocation(read.location());
            int first = Math.clamp(rows, 1, FlowGraph.MAX_ROWS);
            try { // with a format that reads only the rows shown
                return Previews.of(catalog.dataset(dataset, Previews.format(read.format(), first)).load(engine), first);
            } catch (DatasetNotFoundException absent) {
                throw new java.util.NoSuchElementException("dataset '" + dataset + "' has no data yet at " + shown
                        + "; a run of the pipeline writes it, or put the file there");
            } catch (DatasetException failed) {
                throw new IllegalStateException(String.valueOf(failed.getMessage()).replace(location, shown), failed);
            }
        });
    }

    /** The nodes one run executes, in pipeline order. */
    private List<Node> select(PipelineRun run, Catalog catalog) {
        Set<Node> chosen = new LinkedHashSet<>(nodes);
        if (!run.fromNodes().isEmpty()) {
            chosen.retainAll(closure(named(run.fromNodes()), true));
        }
        if (!run.toNodes().isEmpty()) {
            chosen.retainAll(closure(named(run.toNodes()), false));
        }
        if (run.onlyMissing()) {
            Set<Node> missing = new LinkedHashSet<>();
            for (Node node : chosen) {
                if (node.outputs().stream().anyMatch(output -> catalog.contains(output) && !catalog.exists(output))) {
                    missing.add(node);
                }
            }
            Set<Node> needed = closure(missing, true);
            needed.retainAll(chosen);
            // Nodes whose in-memory outputs the needed nodes read must run too.
            Deque<Node> toCheck = new ArrayDeque<>(needed);
            while (!toCheck.isEmpty()) {
                for (String input : toCheck.pop().inputs()) {
                    Node producer = producers.get(input);
                    if (producer != null && !catalog.contains(input) && needed.add(producer)) {
                        toCheck.push(producer);
                    }
                }
            }
            chosen.retainAll(needed);
        }
        for (Node node : chosen) {
            for (String input : node.inputs()) {
                Node producer = producers.get(input);
                if (producer != null && !chosen.contains(producer) && !catalog.contains(input)) {
                    throw new IllegalArgumentException("node '" + node.name() + "' reads '" + input + "', which only node '"
                            + producer.name() + "' writes, in memory, and that node is not part of this run; include it"
                            + " in the run, or add '" + input + "' to the catalog so that it is saved");
                }
            }
        }
        return nodes.stream().filter(chosen::contains).toList();
    }

    private Set<Node> named(Set<String> names) {
        Set<Node> found = new LinkedHashSet<>();
        for (String name : names) {
            Node node = byName.get(name);
            if (node == null) {
                throw new IllegalArgumentException("the pipeline has no node '" + name + "'; its nodes are "
                        + new TreeSet<>(byName.keySet()));
            }
            found.add(node);
        }
        return found;
    }

    /** The given nodes with everything downstream of them (or upstream, if {@code downstream} is false). */
    private Set<Node> closure(Set<Node> start, boolean downstream) {
        Set<Node> reached = new LinkedHashSet<>(start);
        Deque<Node> toVisit = new ArrayDeque<>(start);
        while (!toVisit.isEmpty()) {
            Node node = toVisit.pop();
            List<Node> next = new ArrayList<>();
            if (downstream) {
                node.outputs().forEach(output -> next.addAll(consumers.getOrDefault(output, List.of())));
            } else {
                node.inputs().stream().map(producers::get).filter(Objects::nonNull).forEach(next::add);
            }
            for (Node other : next) {
                if (reached.add(other)) {
                    toVisit.push(other);
                }
            }
        }
        return reached;
    }

    @Override
    public String toString() {
        return "Pipeline" + Node.names(nodes);
    }

    /** One run of a selection of nodes, inside the pipeline's flow. */
    private static final class Execution {
        private final Catalog catalog;
        private final Map<String, @Nullable Object> parameters;
        private final List<Node> selected;
        private final Map<String, CompletableFuture<@Nullable Object>> produced = new ConcurrentHashMap<>();
        /** Stands for a stream that was saved, and so consumed: its readers load the dataset again. */
        private static final Object SAVED_STREAM = new Object();
        /** The incremental datasets loaded, whose checkpoints move once every node has succeeded. */
        private final Queue<Partitions<?>> toConfirm = new ConcurrentLinkedQueue<>();
        /** The version every versioned dataset is saved under in this run. */
        private final String version;

        Execution(Catalog catalog, Map<String, @Nullable Object> parameters, List<Node> selected, String version) {
            this.catalog = catalog;
            this.parameters = parameters;
            this.selected = selected;
            this.version = version;
            for (Node node : selected) {
                node.outputs().forEach(output -> produced.put(output, new CompletableFuture<>()));
            }
        }

        /**
         * Starts loading a dataset, in a task run named after it ("load companies"). A partitioned
         * dataset's run lists it without a permit of the limit, which each partition's own run takes
         * (a parent holding a permit while its children wait for one could starve them).
         */
        private Handle<Object> load(String dataset) {
            return load(dataset, false);
        }

        /**
         * Starts loading a dataset; with {@code saved}, one this run saved, at the version it saved (a
         * later version another run saved meanwhile is not this run's).
         */
        private Handle<Object> load(String dataset, boolean saved) {
            Task<String, Object> task = Task.named("load " + dataset, (String name) -> {
                Object value = saved && catalog.isVersioned(name) ? catalog.dataset(name).withLoadVersion(version).load()
                        : catalog.load(name);
                if (value instanceof Partitions<?> partitions && partitions.dataset().isIncremental()
                        && !partitions.isEmpty()) {
                    toConfirm.add(partitions);
                }
                return value;
            });
            return (catalog.isPartitioned(dataset) ? task : task.withLimit(IO_LIMIT, DEFAULT_IO_PERMITS)).submit(dataset);
        }

        /**
         * Hands a catalog dataset that a node of this run saved to a node that reads it, in memory, in a
         * task run named as a load ("load clean_companies"), which records the read of the version saved
         * in the run's lineage: the data is that version's, without reading it back from storage. The
         * run's input is the dataset's name, as a load's is: the history records a run's input, and the
         * value may be large.
         */
        private Handle<Object> handOver(String dataset, @Nullable Object value) {
            return Task.named("load " + dataset, (String name) -> {
                catalog.dataset(name).recordHandedOver(version);
                return value;
            }).submit(dataset);
        }

        /** Starts saving a dataset, in a task run named after it ("save model_input"); see load for partitions. */
        private Handle<String> save(String dataset, @Nullable Object value) {
            // The run's input is the dataset's name, not the value: the history records a run's input.
            Task<String, String> task = Task.named("save " + dataset, (String name) -> {
                catalog.save(name, value, version);
                return name;
            });
            return (catalog.isPartitioned(dataset) ? task : task.withLimit(IO_LIMIT, DEFAULT_IO_PERMITS)).submit(dataset);
        }

        Map<String, @Nullable Object> run() {
            List<Handle<Node>> running = new ArrayList<>();
            for (Node node : selected) {
                running.add(Task.named(node.name(), this::execute).submit(node)); // each node's run bears its name
            }
            for (Handle<Node> handle : running) {
                handle.join(); // the first failure is thrown; the others were cancelled by it
            }
            // Only now: a failed run loads the same partitions again. A dataset two nodes listed moves to
            // the later of their last partitions.
            Map<String, Partitions<?>> latest = new HashMap<>();
            toConfirm.forEach(partitions -> latest.merge(partitions.dataset().name(), partitions,
                    (one, other) -> one.lastId().compareTo(other.lastId()) >= 0 ? one : other));
            latest.values().forEach(Partitions::confirm);
            Map<String, @Nullable Object> inMemory = new LinkedHashMap<>();
            for (Node node : selected) {
                for (String output : node.outputs()) {
                    if (!catalog.contains(output)) {
                        inMemory.put(output, produced.get(output).join());
                    }
                }
            }
            return inMemory;
        }

        private Node execute(Node node) throws Exception {
            List<String> fromCatalog = new ArrayList<>();
            for (String input : node.inputs()) {
                if (!produced.containsKey(input) && !input.startsWith("params:")) {
                    fromCatalog.add(input);
                }
            }
            List<Handle<Object>> loading = new ArrayList<>(fromCatalog.stream().map(this::load).toList()); // all at once
            Map<String, @Nullable Object> values = new HashMap<>();
            try {
                for (String input : node.inputs()) {
                    if (produced.containsKey(input)) {
                        Object upstream = awaitUpstream(node, input);
                        if (upstream == SAVED_STREAM) {
                            fromCatalog.add(input);
                            loading.add(load(input, true));
                        } else if (catalog.contains(input) && !catalog.isPartitioned(input)) {
                            fromCatalog.add(input);
                            loading.add(handOver(input, upstream));
                        } else {
                            values.put(input, upstream);
                        }
                    } else if (input.startsWith("params:")) {
                        values.put(input, parameters.get(input.substring("params:".length())));
                    }
                }
                for (int i = 0; i < fromCatalog.size(); i++) {
                    values.put(fromCatalog.get(i), loading.get(i).join());
                }
                Map<String, @Nullable Object> inputs = new LinkedHashMap<>();
                node.inputs().forEach(input -> inputs.put(input, values.get(input)));
                Map<String, @Nullable Object> outputs = outputs(node, node.function().apply(new Inputs(node.name(), inputs)));
                List<Handle<String>> saving = new ArrayList<>();
                outputs.forEach((output, value) -> {
                    if (catalog.contains(output)) {
                        saving.add(save(output, value));
                    }
                });
                saving.forEach(Handle::join);
                // Published only once saved: a consumer never sees data that failed to persist.
                outputs.forEach((output, value) -> produced.get(output).complete(
                        value instanceof BaseStream<?, ?> && catalog.contains(output) ? SAVED_STREAM : value));
            } finally {
                for (Object value : values.values()) {
                    if (value instanceof BaseStream<?, ?> stream) {
                        stream.close(); // the node's input streams: their connections and files
                    }
                }
            }
            return node;
        }

        private @Nullable Object awaitUpstream(Node node, String input) {
            try {
                return produced.get(input).get();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new RunCancelledException("node '" + node.name() + "' stopped waiting for its input '" + input
                        + "': the run is being cancelled");
            } catch (ExecutionException impossible) {
                throw new IllegalStateException("outputs are never completed with an error", impossible);
            }
        }

        private static Map<String, @Nullable Object> outputs(Node node, @Nullable Object result) {
            List<String> names = node.outputs();
            Map<String, @Nullable Object> outputs = new LinkedHashMap<>();
            if (names.size() == 1) {
                outputs.put(names.getFirst(), result);
            } else if (names.size() > 1) {
                if (!(result instanceof Map<?, ?> map) || !map.keySet().equals(Set.copyOf(names))) {
                    Set<Object> returned = result instanceof Map<?, ?> map ? new TreeSet<>(map.keySet().stream()
                            .map(String::valueOf).toList()) : Set.of();
                    throw new IllegalStateException("node '" + node.name() + "' has the outputs " + names + " and must"
                            + " return a Map with exactly those keys; it returned " + (result instanceof Map<?, ?>
                            ? "a Map with the keys " + returned : result == null ? "null" : "a " + result.getClass().getName()));
                }
                names.forEach(name -> outputs.put(name, ((Map<?, ?>) result).get(name)));
            }
            return outputs;
        }
    }
}
