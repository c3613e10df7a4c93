package io.loomflow.spring;

import io.loomflow.Flow;
import io.loomflow.spi.FlowProvider;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The flows of the application: every {@link Flow} bean and the flows of every {@link FlowProvider} bean, by
 * name. Two flows of one name are refused when the context starts, naming the beans that declared them.
 */
public final class LoomflowFlows {

    private final Map<String, Flow<?, ?>> flows;

    private LoomflowFlows(Map<String, Flow<?, ?>> flows) {
        this.flows = flows;
    }

    /**
     * Collects the flows.
     *
     * @param flowBeans the {@link Flow} beans, by bean name
     * @param providerBeans the {@link FlowProvider} beans, by bean name
     * @return the flows
     * @throws IllegalStateException if two flows share a name (the message names both beans)
     */
    public static LoomflowFlows of(Map<String, ? extends Flow<?, ?>> flowBeans, Map<String, ? extends FlowProvider> providerBeans) {
        Map<String, Flow<?, ?>> byName = new LinkedHashMap<>();
        Map<String, String> declaredBy = new LinkedHashMap<>();
        flowBeans.forEach((bean, flow) -> add(byName, declaredBy, flow, "bean '" + bean + "'"));
        providerBeans.forEach((bean, provider) -> {
            Collection<? extends Flow<?, ?>> offered = provider.flows();
            for (Flow<?, ?> flow : offered) {
                add(byName, declaredBy, flow, "FlowProvider bean '" + bean + "'");
            }
        });
        return new LoomflowFlows(byName);
    }

    private static void add(Map<String, Flow<?, ?>> byName, Map<String, String> declaredBy, Flow<?, ?> flow, String source) {
        String earlier = declaredBy.putIfAbsent(flow.name(), source);
        if (earlier != null) {
            throw new IllegalStateException("two flows are named '" + flow.name() + "': one from " + earlier
                    + " and one from " + source + "; give each flow a name of its own (Flow.named)");
        }
        byName.put(flow.name(), flow);
    }

    /**
     * The flows, in the order their beans were declared.
     *
     * @return the flows
     */
    public List<Flow<?, ?>> all() {
        return List.copyOf(new ArrayList<>(flows.values()));
    }

    /**
     * The flow of this name.
     *
     * @param name the flow's name
     * @return the flow, or empty
     */
    public Optional<Flow<?, ?>> find(String name) {
        return Optional.ofNullable(flows.get(name));
    }

    @Override
    public String toString() {
        return "LoomflowFlows" + flows.keySet();
    }
}
