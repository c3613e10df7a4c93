package io.loomflow.spi;

import io.loomflow.Engine;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.NullUnmarked;
import org.jspecify.annotations.Nullable;

/**
 * The picture of a flow that runs a graph of steps over named data, such as a pipeline of
 * {@code loomflow-data}: its nodes, each with the datasets it reads and writes, and the datasets,
 * each with its type and where it lives. Tools draw it (the server's web UI, {@code loomflow graph})
 * without depending on the library that made it; a flow carries it with
 * {@link io.loomflow.Flow#withGraph(FlowGraph)}.
 *
 * <p>The graph is checked when made: names are unique among nodes and among datasets (a node and a
 * dataset may share a name), and every input and output of a node is one of the datasets. A node's
 * run is a task run named after the node, so a tool colours a node by the state of the task run of
 * that name in a run of the flow; loads and saves of a dataset are named {@code load NAME} and
 * {@code save NAME}.
 *
 * <p><b>Layout.</b> {@link #layers()} places the graph in layers, the one layering every tool draws:
 * a dataset read by nothing upstream sits just before its first reader, every node after the
 * datasets it reads and every dataset after the node that writes it; within a layer, entries are
 * ordered to cross few edges.
 *
 * <p><b>Preview.</b> A graph may have a {@link Previewer}, which reads the first rows of a dataset
 * and its columns. Locations are shown without credentials: {@link #shownLocation(URI)} leaves out
 * the user information, the query (where SAS tokens and signatures go) and the fragment.
 * Immutable and thread-safe if the previewer is.
 *
 * @param nodes the nodes, in the order they are declared or run
 * @param datasets the datasets the nodes read and write
 * @param previewer what reads the first rows of a dataset, or {@code null} if the graph has none
 */
public record FlowGraph(List<Node> nodes, List<Dataset> datasets, @Nullable Previewer previewer) {

    /** The most characters of a cell a preview shows; longer text is cut and ends with {@code …}. */
    public static final int CELL_CHARS = 200;

    /** The most rows a preview shows, whatever is asked. */
    public static final int MAX_ROWS = 100;

    /**
     * A step of the graph.
     *
     * @param name its name, which is also the name of its task runs
     * @param inputs the names of the datasets it reads, in order
     * @param outputs the names of the datasets it writes, in order
     */
    public record Node(String name, List<String> inputs, List<String> outputs) {
        /**
         * Checks and copies the lists.
         *
         * @param name its name
         * @param inputs what it reads
         * @param outputs what it writes
         */
        public Node {
            Objects.requireNonNull(name, "a graph node needs a name");
            inputs = List.copyOf(inputs);
            outputs = List.copyOf(outputs);
        }
    }

    /** What a dataset of the graph is. */
    public enum Kind {
        /** Saved and loaded through a catalog: it has a type and a location, and may be previewed. */
        CATALOG,
        /** Handed from node to node in memory during a run, never saved. */
        MEMORY,
        /** A parameter value given to the run ({@code params:NAME}). */
        PARAMETER
    }

    /**
     * A piece of data of the graph.
     *
     * @param name its name
     * @param kind what it is
     * @param type its format for a catalog dataset ({@code csv}, {@code json}...), otherwise the kind in lower case
     * @param location where it lives, without credentials ({@link #shownLocation(URI)}), or {@code null} if it
     *     lives in memory
     */
    public record Dataset(String name, Kind kind, String type, @Nullable String location) {
        /**
         * Checks the values.
         *
         * @param name its name
         * @param kind what it is
         * @param type its type
         * @param location where it lives, or {@code null}
         */
        public Dataset {
            Objects.requireNonNull(name, "a graph dataset needs a name");
            Objects.requireNonNull(kind, () -> "dataset '" + name + "' needs a kind");
            Objects.requireNonNull(type, () -> "dataset '" + name + "' needs a type");
        }
    }

    /**
     * Reads the first rows of a dataset of the graph and its columns.
     */
    @FunctionalInterface
    public interface Previewer {
        /**
         * Reads the first rows of a dataset, through the storage that {@code engine} has open.
         *
         * @param dataset the name of a dataset of the graph of kind {@link Kind#CATALOG}
         * @param rows the most rows to return, 1 to {@link FlowGraph#MAX_ROWS}
         * @param engine the engine whose resources (storage clients) are used
         * @return the rows and columns, cells cut to {@link FlowGraph#CELL_CHARS}
         * @throws java.util.NoSuchElementException if the dataset has no data yet (nothing at its location)
         * @throws Exception if the dataset cannot be read, or is not in its format; the message names the
         *     dataset, and shows its location without credentials
         */
        Preview preview(String dataset, int rows, Engine engine) throws Exception;
    }

    /**
     * The first rows of a dataset. A cell is {@code null} where the value is missing (not null-marked, so
     * that JShell can declare a {@code var} of its rows).
     *
     * @param columns its columns, with their types as far as they can be told
     * @param rows the rows, each a cell per column, as text ({@code null} where a value is missing)
     * @param more whether the dataset has more rows than those shown
     */
    @NullUnmarked
    public record Preview(List<Column> columns, List<List<String>> rows, boolean more) {
        /**
         * Copies the lists.
         *
         * @param columns its columns
         * @param rows its rows
         * @param more whether there are more
         */
        public Preview {
            columns = List.copyOf(columns);
            List<List<String>> copied = new ArrayList<>();
            for (List<String> row : rows) {
                copied.add(java.util.Collections.unmodifiableList(new ArrayList<>(row)));
            }
            rows = java.util.Collections.unmodifiableList(copied);
        }
    }

    /**
     * A column of a preview.
     *
     * @param name its name
     * @param type its type, such as {@code string}, {@code integer}, {@code number}, {@code boolean} or a
     *     Java type's simple name
     */
    public record Column(String name, String type) {
    }

    /**
     * An entry of a layer: a node or a dataset.
     *
     * @param node whether it is a node ({@code false}: a dataset)
     * @param name its name
     */
    public record Place(boolean node, String name) {
    }

    /**
     * Checks the graph: unique names, and every input and output a dataset of it.
     *
     * @param nodes the nodes
     * @param datasets the datasets
     * @param previewer the previewer, or {@code null}
     * @throws IllegalArgumentException naming the node or dataset that does not fit
     */
    public FlowGraph {
        nodes = List.copyOf(nodes);
        datasets = List.copyOf(datasets);
        Set<String> nodeNames = new LinkedHashSet<>();
        for (Node node : nodes) {
            if (!nodeNames.add(node.name())) {
                throw new IllegalArgumentException("the graph has two nodes named '" + node.name() + "'");
            }
        }
        Set<String> datasetNames = new LinkedHashSet<>();
        for (Dataset dataset : datasets) {
            if (!datasetNames.add(dataset.name())) {
                throw new IllegalArgumentException("the graph has two datasets named '" + dataset.name() + "'");
            }
        }
        for (Node node : nodes) {
            List<String> both = new ArrayList<>(node.inputs());
            both.addAll(node.outputs());
            for (String name : both) {
                if (!datasetNames.contains(name)) {
                    throw new IllegalArgumentException("node '" + node.name() + "' reads or writes '" + name
                            + "', which is not a dataset of the graph; its datasets are " + new TreeSet<>(datasetNames));
                }
            }
        }
    }

    /**
     * A dataset of the graph.
     *
     * @param name its name
     * @return the dataset, or empty if the graph has none of that name
     */
    public Optional<Dataset> dataset(String name) {
        return datasets.stream().filter(dataset -> dataset.name().equals(name)).findFirst();
    }

    /**
     * A location as tools show it: without user information, query or fragment, where credentials
     * (passwords, SAS tokens, signatures) would be.
     *
     * @param location a dataset's location
     * @return the location without them, such as {@code az://container/path/file.csv}
     */
    public static String shownLocation(URI location) {
        if (location.isOpaque()) {
            return location.getScheme() + ":" + cut(location.getRawSchemeSpecificPart());
        }
        StringBuilder shown = new StringBuilder();
        if (location.getScheme() != null) {
            shown.append(location.getScheme()).append(':');
        }
        if (location.getRawAuthority() != null) {
            shown.append("//");
            if (location.getHost() != null) {
                shown.append(location.getHost());
                if (location.getPort() >= 0) {
                    shown.append(':').append(location.getPort());
                }
            } else {
                String authority = location.getRawAuthority();
                shown.append(authority.substring(authority.indexOf('@') + 1));
            }
        }
        if (location.getRawPath() != null) {
            shown.append(location.getRawPath());
        }
        return shown.toString();
    }

    private static String cut(String part) {
        int query = part.indexOf('?');
        return query < 0 ? part : part.substring(0, query);
    }

    /**
     * The graph in layers, the first drawn leftmost (or topmost): each dataset that no node writes
     * sits in the layer before its first reader, each node in the layer after the last of the
     * datasets it reads, each written dataset in the layer after its writer. Within a layer, entries
     * are ordered by the mean position of their neighbours in the layer before (then after), a few
     * times over, which crosses few edges.
     *
     * @return the layers, each a list of nodes and datasets in order
     */
    public List<List<Place>> layers() {
        Map<String, Node> writers = new HashMap<>();
        Map<String, List<Node>> readers = new HashMap<>();
        for (Node node : nodes) {
            node.outputs().forEach(output -> writers.put(output, node));
            node.inputs().forEach(input -> readers.computeIfAbsent(input, key -> new ArrayList<>()).add(node));
        }
        // Longest path from the datasets nothing writes (layer 0): a node one layer after what it reads, a
        // dataset one after its writer.
        Map<String, Integer> nodeLayers = new HashMap<>();
        for (Node node : nodes) {
            nodeLayer(node, writers, nodeLayers, new java.util.HashSet<>());
        }
        Map<Place, Integer> layer = new LinkedHashMap<>();
        for (Dataset dataset : datasets) {
            Node writer = writers.get(dataset.name());
            layer.put(new Place(false, dataset.name()), writer == null ? 0 : nodeLayers.get(writer.name()) + 1);
        }
        for (Node node : nodes) {
            layer.put(new Place(true, node.name()), nodeLayers.get(node.name()));
        }
        // A dataset nothing writes moves next to its first reader.
        for (Dataset dataset : datasets) {
            List<Node> reading = readers.getOrDefault(dataset.name(), List.of());
            if (!writers.containsKey(dataset.name()) && !reading.isEmpty()) {
                int first = reading.stream().mapToInt(node -> layer.get(new Place(true, node.name()))).min().orElse(1);
                layer.put(new Place(false, dataset.name()), Math.max(0, first - 1));
            }
        }
        int count = layer.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        List<List<Place>> layers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            layers.add(new ArrayList<>());
        }
        // Declared order first: datasets then nodes, as given.
        for (Dataset dataset : datasets) {
            layers.get(layer.get(new Place(false, dataset.name()))).add(new Place(false, dataset.name()));
        }
        for (Node node : nodes) {
            layers.get(layer.get(new Place(true, node.name()))).add(new Place(true, node.name()));
        }
        if (layers.isEmpty()) {
            return List.of();
        }
        Map<Place, List<Place>> neighbours = new HashMap<>();
        for (Node node : nodes) {
            Place place = new Place(true, node.name());
            for (String name : node.inputs()) {
                link(neighbours, place, new Place(false, name));
            }
            for (String name : node.outputs()) {
                link(neighbours, place, new Place(false, name));
            }
        }
        for (int sweep = 0; sweep < 4; sweep++) {
            boolean down = sweep % 2 == 0;
            for (int step = 1; step < layers.size(); step++) {
                int i = down ? step : layers.size() - 1 - step;
                List<Place> fixed = layers.get(down ? i - 1 : i + 1);
                List<Place> moving = layers.get(i);
                Map<Place, Double> centre = new HashMap<>();
                for (int position = 0; position < moving.size(); position++) {
                    Place place = moving.get(position);
                    double sum = 0;
                    int n = 0;
                    for (Place other : neighbours.getOrDefault(place, List.of())) {
                        int at = fixed.indexOf(other);
                        if (at >= 0) {
                            sum += at;
                            n++;
                        }
                    }
                    centre.put(place, n == 0 ? position : sum / n);
                }
                moving.sort(Comparator.comparingDouble(centre::get)); // stable: ties keep their order
            }
        }
        return layers.stream().map(List::copyOf).toList();
    }

    /** The layer of a node: 0 without inputs, else one after the last of its inputs; a cycle is cut where met. */
    private static int nodeLayer(Node node, Map<String, Node> writers, Map<String, Integer> known, Set<String> visiting) {
        Integer found = known.get(node.name());
        if (found != null) {
            return found;
        }
        if (!visiting.add(node.name())) {
            return 0;
        }
        int at = 0;
        for (String input : node.inputs()) {
            Node writer = writers.get(input);
            at = Math.max(at, writer == null ? 1 : nodeLayer(writer, writers, known, visiting) + 2);
        }
        known.put(node.name(), at);
        return at;
    }

    private static void link(Map<Place, List<Place>> neighbours, Place a, Place b) {
        neighbours.computeIfAbsent(a, key -> new ArrayList<>()).add(b);
        neighbours.computeIfAbsent(b, key -> new ArrayList<>()).add(a);
    }

    /**
     * The graph as JSON values (maps, lists, strings, numbers), the one shape tools write it in:
     * {@code nodes} (name, inputs, outputs, layer, position) and {@code datasets} (name, kind, type,
     * location, layer, position), where {@code layer} and {@code position} come from {@link #layers()}.
     *
     * @return the graph as a JSON object
     */
    public Map<String, Object> toJson() {
        Map<Place, int[]> at = new HashMap<>();
        List<List<Place>> layers = layers();
        for (int layer = 0; layer < layers.size(); layer++) {
            for (int position = 0; position < layers.get(layer).size(); position++) {
                at.put(layers.get(layer).get(position), new int[] {layer, position});
            }
        }
        List<Object> nodeList = new ArrayList<>();
        for (Node node : nodes) {
            int[] place = at.get(new Place(true, node.name()));
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", node.name());
            entry.put("inputs", node.inputs());
            entry.put("outputs", node.outputs());
            entry.put("layer", place[0]);
            entry.put("position", place[1]);
            nodeList.add(entry);
        }
        List<Object> datasetList = new ArrayList<>();
        for (Dataset dataset : datasets) {
            int[] place = at.get(new Place(false, dataset.name()));
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", dataset.name());
            entry.put("kind", dataset.kind().name().toLowerCase(java.util.Locale.ROOT));
            entry.put("type", dataset.type());
            entry.put("location", dataset.location());
            entry.put("layer", place[0]);
            entry.put("position", place[1]);
            datasetList.add(entry);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("nodes", nodeList);
        json.put("datasets", datasetList);
        json.put("layers", layers.size());
        json.put("preview", previewer != null);
        return json;
    }

    /**
     * Cuts a cell's text to {@link #CELL_CHARS}, the rule every preview follows.
     *
     * @param text the text, or {@code null}
     * @return the text, cut and ending with {@code …} if it was longer
     */
    public static @Nullable String cell(@Nullable String text) {
        if (text == null || text.length() <= CELL_CHARS) {
            return text;
        }
        int end = CELL_CHARS - 1;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "…";
    }
}
