package io.loomflow.data;

import io.loomflow.data.internal.Interpolation;
import io.loomflow.data.internal.YamlFile;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.NullUnmarked;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Parameters for pipelines, read from YAML ({@code conf/parameters.yml}) and read by nodes as
 * {@code params:NAME} inputs. Nested keys are also reachable by their dotted path:
 * <pre>
 * test_size: 0.2
 * model_options:
 *   features: [engines, passenger_capacity]   # params:model_options.features
 * </pre>
 * Stateless; the returned maps are immutable.
 */
public final class Parameters {

    private Parameters() {
    }

    /**
     * Reads a parameters file.
     *
     * @param file the YAML file
     * @return every top-level key and every dotted path to a nested value, with its value; a key given
     *     without a value has the value {@code null}, which the type does not declare
     *     ({@code @NullUnmarked}: JShell cannot declare a {@code var} of a type whose type argument is
     *     annotated)
     * @throws CatalogException naming the file, line and column of a YAML error, a duplicate key, an
     *     alias that refers to itself or expands past the limits (see the module's README), or a file
     *     that is not a mapping of names to values
     */
    @NullUnmarked
    public static Map<String, Object> load(Path file) {
        return flatten(read(file, Interpolation.environmentOnly(Map.of())));
    }

    /**
     * Reads a parameters file as nested maps, checked as {@link #load} checks it, with
     * {@code ${globals:key}} references replaced (a value that is one whole reference takes the
     * global's type); {@code ${NAME}} stays as written, as Kedro leaves the environment out of
     * parameters.
     */
    static Map<String, @Nullable Object> read(Path file, Interpolation interpolation) {
        Node root = YamlFile.compose(file, "parameters file", "create it, or give the right path");
        if (root == null) {
            return Map.of();
        }
        if (!(root instanceof MappingNode mapping) || !(YamlFile.value(file, root) instanceof Map<?, ?> top)) {
            throw new CatalogException(file + ":" + (root.getStartMark().getLine() + 1) + ":"
                    + (root.getStartMark().getColumn() + 1) + ": parameters must be a mapping of names to values"
                    + " (key: value lines)", null);
        }
        Map<String, @Nullable Object> flat = new LinkedHashMap<>();
        flatten(file, "", mapping, mapping.getStartMark(), top, flat, new HashMap<>());
        @SuppressWarnings("unchecked")
        Map<String, @Nullable Object> nested = (Map<String, @Nullable Object>) resolve(top, file, "", mapping,
                mapping.getStartMark(), interpolation);
        return nested;
    }

    /** Every top-level key, and every dotted path to a nested value, of nested maps. */
    @NullUnmarked
    static Map<String, Object> flatten(Map<String, ?> nested) {
        Map<String, @Nullable Object> flat = new LinkedHashMap<>();
        flattenValues("", nested, flat);
        return Collections.unmodifiableMap(flat);
    }

    private static void flattenValues(String prefix, Map<?, ?> map, Map<String, @Nullable Object> into) {
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String key = prefix + entry.getKey();
            into.put(key, entry.getValue());
            if (entry.getValue() instanceof Map<?, ?> nested) {
                flattenValues(key + ".", nested, into);
            }
        }
    }

    /** Replaces {@code ${globals:...}} in the strings of a value read from {@code node}, at {@code where}. */
    private static @Nullable Object resolve(@Nullable Object value, Path file, String key, @Nullable Node node,
                                            Mark where, Interpolation interpolation) {
        Mark mark = node == null ? where : node.getStartMark();
        switch (value) {
            case String text when text.contains("${") -> {
                String at = file + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1) + ": parameter '" + key + "'";
                String whole = Interpolation.wholeGlobalReference(text);
                if (whole != null) {
                    interpolation.resolve(text, at, false); // the message, if it is not defined
                    Object global = interpolation.global(whole);
                    return global;
                }
                return interpolation.resolve(text, at, false);
            }
            case Map<?, ?> map -> {
                Map<String, NodeTuple> tuples = new HashMap<>();
                if (node instanceof MappingNode mapping) {
                    for (NodeTuple tuple : mapping.getValue()) {
                        if (tuple.getKeyNode() instanceof ScalarNode scalar) {
                            tuples.putIfAbsent(scalar.getValue(), tuple);
                        }
                    }
                }
                Map<String, @Nullable Object> out = new LinkedHashMap<>();
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    NodeTuple tuple = tuples.get(String.valueOf(entry.getKey()));
                    out.put(String.valueOf(entry.getKey()), resolve(entry.getValue(), file,
                            (key.isEmpty() ? "" : key + ".") + entry.getKey(), tuple == null ? null : tuple.getValueNode(),
                            mark, interpolation));
                }
                return Collections.unmodifiableMap(out);
            }
            case List<?> list -> {
                List<@Nullable Object> out = new java.util.ArrayList<>();
                for (int i = 0; i < list.size(); i++) {
                    Node item = node instanceof SequenceNode sequence && i < sequence.getValue().size()
                            ? sequence.getValue().get(i) : null;
                    out.add(resolve(list.get(i), file, key + "[" + i + "]", item, mark, interpolation));
                }
                return Collections.unmodifiableList(out);
            }
            case null, default -> {
                return value;
            }
        }
    }

    /**
     * Adds every key of {@code map} (the value of {@code node}) under {@code prefix}, and its nested
     * keys by their dotted paths. A dotted key that names the same parameter as a nested one
     * ({@code a.b: 1} beside {@code a: {b: 2}}) is refused, as YAML refuses a key given twice.
     * {@code node} is {@code null} for a mapping merged in with {@code <<}, whose keys then take the
     * position {@code where}.
     */
    private static void flatten(Path file, String prefix, @Nullable MappingNode node, Mark where, Map<?, ?> map,
                                Map<String, @Nullable Object> into, Map<String, Mark> positions) {
        Map<String, NodeTuple> tuples = new HashMap<>();
        for (NodeTuple tuple : node == null ? List.<NodeTuple>of() : node.getValue()) {
            if (tuple.getKeyNode() instanceof ScalarNode key) {
                tuples.putIfAbsent(key.getValue(), tuple); // keys merged in with << have no tuple here
            }
        }
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String key = prefix + entry.getKey();
            NodeTuple tuple = tuples.get(String.valueOf(entry.getKey()));
            Mark mark = tuple == null ? where : tuple.getKeyNode().getStartMark();
            Mark first = positions.putIfAbsent(key, mark);
            if (first != null) {
                throw new CatalogException(file + ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1)
                        + ": parameter '" + key + "' is given twice (first at line " + (first.getLine() + 1)
                        + ", column " + (first.getColumn() + 1) + "): a dotted key and a nested one name the same"
                        + " parameter; give it once", null);
            }
            into.put(key, entry.getValue());
            if (entry.getValue() instanceof Map<?, ?> nested) {
                MappingNode nestedNode = tuple != null && tuple.getValueNode() instanceof MappingNode value ? value : null;
                flatten(file, key + ".", nestedNode, mark, nested, into, positions);
            }
        }
    }
}
