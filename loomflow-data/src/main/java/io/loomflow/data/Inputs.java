package io.loomflow.data;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The inputs of one execution of a pipeline {@link Node}, by name. Immutable.
 */
public final class Inputs {

    private final String node;
    private final Map<String, @Nullable Object> values;

    Inputs(String node, Map<String, @Nullable Object> values) {
        this.node = node;
        this.values = values;
    }

    /**
     * One input's value.
     *
     * @param name the input's name, as the node declares it
     * @param <T> the type the caller expects
     * @return the value; {@code null} if the node that produced it returned {@code null}
     * @throws IllegalArgumentException if the node has no input of that name
     */
    @SuppressWarnings("unchecked")
    public <T extends @Nullable Object> T get(String name) {
        if (!values.containsKey(name)) {
            throw new IllegalArgumentException("node '" + node + "' has no input '" + name + "'; its inputs are "
                    + values.keySet() + ". Declare it in Node.of(...)");
        }
        return (T) values.get(name);
    }

    @Override
    public String toString() {
        return "Inputs" + values.keySet();
    }
}
