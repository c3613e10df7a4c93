package io.loomflow.examples.hello;

import static io.loomflow.testing.LoomflowAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.spi.FlowProvider;
import io.loomflow.testing.LoomflowTest;
import io.loomflow.testing.RunHistory;
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
    @LoomflowTest
    void helloGreetsTheNameGivenInOneTaskThatLogsIt(Engine engine, RunHistory history) {
        assertThat(engine.run(Hello.FLOW, new Hello.Params("World"))).isEqualTo("Hello, World!");

        assertThat(history.last()).isCompleted().hasChildren(1)
                .hasChild("greet").isCompleted().hadAttempts(1).logged("greeting World");
    }
}
