package io.loomflow.data;

import io.loomflow.CheckedFunction;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One step of a {@link Pipeline}: a function from named inputs to named outputs. Inputs and
 * outputs are dataset names from the catalog, names of other nodes' outputs kept in memory, or
 * {@code params:NAME} for a parameter. Immutable.
 * {@snippet class=io.loomflow.data.snippets.PipelineSnippets region=nodes}
 */
public final class Node {

    private final String name;
    private final List<String> inputs;
    private final List<String> outputs;
    private final NodeFunction function;

    private Node(String name, List<String> inputs, List<String> outputs, NodeFunction function) {
        this.name = name;
        this.inputs = inputs;
        this.outputs = outputs;
        this.function = function;
    }

    /**
     * Defines a node.
     *
     * @param name a non-blank name, unique in its pipeline
     * @param inputs the names of its inputs
     * @param outputs the names of its outputs
     * @param function its code
     * @return the node
     */
    public static Node of(String name, List<String> inputs, List<String> outputs, NodeFunction function) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a node needs a non-blank name, was "
                    + (name == null ? "null" : "\"" + name + "\""));
        }
        Objects.requireNonNull(function, () -> "node '" + name + "' needs a function");
        List<String> in = List.copyOf(Objects.requireNonNull(inputs, () -> "node '" + name + "': inputs must not be null"));
        List<String> out = List.copyOf(Objects.requireNonNull(outputs, () -> "node '" + name + "': outputs must not be null"));
        checkNames(name, "input", in);
        checkNames(name, "output", out);
        for (String output : out) {
            if (output.startsWith("params:")) {
                throw new IllegalArgumentException("node '" + name + "' writes '" + output + "', but parameters are"
                        + " read-only; name the output without the params: prefix");
            }
        }
        return new Node(name, in, out, function);
    }

    /**
     * Defines a node with one input and one output.
     *
     * @param name a non-blank name
     * @param input the name of its input
     * @param output the name of its output
     * @param function its code
     * @param <A> the input's type
     * @param <B> the output's type
     * @return the node
     */
    @SuppressWarnings("unchecked")
    public static <A extends @Nullable Object, B extends @Nullable Object> Node of(String name, String input, String output,
                                                                             CheckedFunction<A, B> function) {
        Objects.requireNonNull(function, () -> "node '" + name + "' needs a function");
        return of(name, List.of(input), List.of(output), in -> function.apply((A) in.get(input)));
    }

    private static void checkNames(String node, String what, List<String> names) {
        Set<String> seen = new HashSet<>();
        for (String name : names) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("node '" + node + "' has a blank " + what + " name; name every "
                        + what);
            }
            if (!seen.add(name)) {
                throw new IllegalArgumentException("node '" + node + "' lists " + what + " '" + name + "' twice");
            }
        }
    }

    /**
     * The node's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The names of its inputs.
     *
     * @return the inputs, in declared order
     */
    public List<String> inputs() {
        return inputs;
    }

    /**
     * The names of its outputs.
     *
     * @return the outputs, in declared order
     */
    public List<String> outputs() {
        return outputs;
    }

    NodeFunction function() {
        return function;
    }

    @Override
    public String toString() {
        return "Node[" + name + ": " + inputs + " -> " + outputs + "]";
    }

    static List<String> names(List<Node> nodes) {
        List<String> names = new ArrayList<>();
        nodes.forEach(node -> names.add(node.name()));
        return names;
    }
}
