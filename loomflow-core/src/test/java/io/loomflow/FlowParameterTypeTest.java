package io.loomflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A flow's parameter type is known at run time and survives every changed copy. */
class FlowParameterTypeTest {

    record Params(String name) {
    }

    @Test
    void aFlowDefinedWithAParameterTypeReportsIt() {
        Flow<Params, String> hello = Flow.named("hello", Params.class, p -> "Hello, " + p.name());

        assertThat(hello.parameterType()).contains(Params.class);
    }

    @Test
    void aFlowDefinedWithoutAParameterTypeReportsNone() {
        assertThat(Flow.named("plain", (String s) -> s).parameterType()).isEmpty();
    }

    @Test
    void everyChangedCopyKeepsTheParameterType() {
        Flow<Params, String> copy = Flow.named("hello", Params.class, p -> "Hello, " + p.name())
                .withRetries(Retry.none())
                .withTimeout(Duration.ofSeconds(5))
                .withLimit("db")
                .withFailurePolicy(FailurePolicy.CANCEL_SIBLINGS);

        assertThat(copy.parameterType()).contains(Params.class);
        assertThat(copy.name()).isEqualTo("hello");
    }

    @Test
    void aFlowWithAParameterTypeRunsLikeAnyOther() {
        try (Engine engine = Engine.builder().build()) {
            Flow<Params, String> hello = Flow.named("hello", Params.class, p -> "Hello, " + p.name());
            String greeting = engine.run(hello, new Params("World"));
            assertThat(greeting).isEqualTo("Hello, World");
        }
    }

    @Test
    void aNullParameterTypeIsRefusedWithWhatToPassInstead() {
        assertThatThrownBy(() -> Flow.named("hello", null, (Params p) -> p))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("flow 'hello': parameter type must not be null; pass the parameter record's class, such as"
                        + " Params.class, or use Flow.named(name, body) for none");
    }
}
