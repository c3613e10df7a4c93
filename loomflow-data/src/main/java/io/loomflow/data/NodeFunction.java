package io.loomflow.data;

import org.jspecify.annotations.Nullable;

/**
 * The code of a pipeline {@link Node}: computes its outputs from its inputs.
 *
 * <p>Returns the value of the node's single output; for a node with several outputs, a {@code Map}
 * from each output name to its value; for a node without outputs, anything (ignored). May throw any
 * exception: it reaches the pipeline's caller unchanged.
 */
@FunctionalInterface
public interface NodeFunction {

    /**
     * Computes the node's outputs.
     *
     * @param inputs the node's inputs by name
     * @return the output value, or a map of output values
     * @throws Exception anything; passed on unchanged
     */
    @Nullable Object apply(Inputs inputs) throws Exception;
}
