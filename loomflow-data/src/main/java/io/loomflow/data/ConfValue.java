package io.loomflow.data;

import io.loomflow.data.internal.Interpolation;
import io.loomflow.data.internal.YamlFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One value of a YAML file of a {@link Conf} (see {@link Conf#entries}), with the place it was
 * written, so that a reader of the file can report a mistake at its line: a text, a mapping of
 * names to values, or a list. Texts have their {@code ${NAME}}, {@code ${oc.env:NAME}} and
 * {@code ${globals:key}} references resolved. Immutable.
 */
public final class ConfValue {

    private final Path file;
    private final Node node;
    private final String where;
    private final Interpolation interpolation;

    ConfValue(Path file, Node node, Node at, Interpolation interpolation) {
        this.file = file;
        this.node = node;
        this.where = file + ":" + (at.getStartMark().getLine() + 1) + ":" + (at.getStartMark().getColumn() + 1);
        this.interpolation = interpolation;
    }

    /**
     * Where the value was written: {@code file:line:column} of its key in a mapping, of the value
     * itself in a list.
     *
     * @return the place
     */
    public String where() {
        return where;
    }

    /**
     * An error at this value's place: the message is prefixed with {@link #where()}.
     *
     * @param message what is wrong and what to write instead
     * @return the error, to throw
     */
    public CatalogException error(String message) {
        return new CatalogException(where + ": " + message, null);
    }

    /**
     * Whether the value is a mapping (names to values).
     *
     * @return whether it is
     */
    public boolean isMapping() {
        return node instanceof MappingNode;
    }

    /**
     * Whether the value is a list.
     *
     * @return whether it is
     */
    public boolean isList() {
        return node instanceof SequenceNode;
    }

    /**
     * Whether the value is absent ({@code key:} with nothing after it, or {@code null}).
     *
     * @return whether it is
     */
    public boolean isNull() {
        return node instanceof ScalarNode scalar && Tag.NULL.equals(scalar.getTag());
    }

    /**
     * The value as written, when it is a single value (not a mapping or a list), with its
     * references resolved; {@code 5m}, {@code 12} and {@code true} are all texts here.
     *
     * @return the text, or {@code null} for a mapping, a list or an absent value
     * @throws CatalogException at this value's place for a reference to nothing defined
     */
    public @Nullable String text() {
        if (!(node instanceof ScalarNode scalar) || isNull()) {
            return null;
        }
        return interpolation.resolve(scalar.getValue(), where, true);
    }

    /**
     * The entries of a mapping, in file order.
     *
     * @return the entries, empty when the value is not a mapping
     * @throws CatalogException at the key's place for a key that is a mapping or a list
     */
    public Map<String, ConfValue> entries() {
        if (!(node instanceof MappingNode mapping)) {
            return Map.of();
        }
        Map<String, ConfValue> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                throw new ConfValue(file, tuple.getKeyNode(), tuple.getKeyNode(), interpolation)
                        .error("a key must be a single name, not a list or mapping");
            }
            entries.put(key.getValue(), new ConfValue(file, tuple.getValueNode(), key, interpolation));
        }
        return Collections.unmodifiableMap(entries);
    }

    /**
     * The items of a list, in file order.
     *
     * @return the items, empty when the value is not a list
     */
    public List<ConfValue> items() {
        if (!(node instanceof SequenceNode sequence)) {
            return List.of();
        }
        List<ConfValue> items = new ArrayList<>();
        for (Node item : sequence.getValue()) {
            items.add(new ConfValue(file, item, item, interpolation));
        }
        return List.copyOf(items);
    }

    /**
     * The plain Java value: maps (in file order), lists, strings, numbers, booleans as YAML types
     * them; a text with a reference is resolved and stays a text.
     *
     * @return the value, or {@code null} for an absent one
     * @throws CatalogException at the place of a value that cannot be built
     */
    public @Nullable Object value() {
        if (node instanceof MappingNode) {
            Map<String, @Nullable Object> map = new LinkedHashMap<>();
            entries().forEach((key, value) -> map.put(key, value.value()));
            return Collections.unmodifiableMap(map);
        }
        if (node instanceof SequenceNode) {
            return Collections.unmodifiableList(new ArrayList<>(items().stream().map(ConfValue::value).toList()));
        }
        if (isNull()) {
            return null;
        }
        String raw = ((ScalarNode) node).getValue();
        return raw.contains("${") ? text() : YamlFile.value(file, node);
    }

    /** The place and, for a single value, its text. */
    @Override
    public String toString() {
        return where + (node instanceof ScalarNode scalar ? " " + scalar.getValue() : "");
    }
}
