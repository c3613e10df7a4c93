package io.loomflow.examples.hello;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.spi.FlowProvider;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The examples offer their flows to the loomflow command through one service-loaded provider. */
class ExampleFlowsTest {

    @Test
    void theServiceLoaderFindsHelloS5SpaceflightsAndEvaluationEachWithAParameterRecord() {
        List<Flow<?, ?>> flows = ServiceLoader.load(FlowProvider.class).stream()
                .flatMap(provider -> provider.get().flows().stream()).toList();

        assertThat(flows).extracting(Flow::name).containsExactly("hello", "s5", "spaceflights", "evaluation");
        assertThat(flows).allSatisfy(flow -> assertThat(flow.parameterType()).hasValueSatisfying(type ->
                assertThat(type.isRecord()).isTrue()));
    }

    @Test
    void helloGreetsTheNameGiven() {
        try (Engine engine = Engine.builder().build()) {
            assertThat(engine.run(Hello.FLOW, new Hello.Params("World"))).isEqualTo("Hello, World!");
        }
    }
}
