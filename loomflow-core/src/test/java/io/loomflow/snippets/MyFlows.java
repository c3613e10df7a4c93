package io.loomflow.snippets;

import io.loomflow.Flow;
import io.loomflow.spi.FlowProvider;
import java.util.Collection;
import java.util.List;

// The example in the javadoc of FlowProvider; SpiSnippets runs it.
// @start region="provider"
public final class MyFlows implements FlowProvider {
    @Override
    public Collection<Flow<?, ?>> flows() {
        return List.of(Reports.report, FlowSnippets.Greetings.hello);
    }
}
// @end
