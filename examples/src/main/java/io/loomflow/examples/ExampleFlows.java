package io.loomflow.examples;

import io.loomflow.Flow;
import io.loomflow.examples.hello.Hello;
import io.loomflow.examples.s2.Spaceflights;
import io.loomflow.examples.s4.Evaluation;
import io.loomflow.examples.s5.MappedSubflows;
import io.loomflow.spi.FlowProvider;
import java.util.Collection;
import java.util.List;

/**
 * The examples' flows for the {@code loomflow} command: {@code hello}, {@code s5},
 * {@code spaceflights} and {@code evaluation}. Listed in
 * {@code META-INF/services/io.loomflow.spi.FlowProvider}.
 */
public final class ExampleFlows implements FlowProvider {

    /** Made by {@link java.util.ServiceLoader}. */
    public ExampleFlows() {
    }

    @Override
    public Collection<Flow<?, ?>> flows() {
        return List.of(Hello.FLOW, MappedSubflows.flow(), Spaceflights.commandLineFlow(), Evaluation.FLOW);
    }
}
