package io.loomflow;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one process-wide default engine used outside of any run. */
class DefaultEngineTest {

    @Test
    void runsOutsideAnyRunUseOneSharedDefaultEngine() {
        Flow<Integer, String> whichEngine = Flow.named("which", (Integer i) -> RunContext.current().engine().name());
        assertThat(whichEngine.run(1)).isEqualTo("default");
        assertThat(Engine.defaultEngine()).isSameAs(Engine.defaultEngine());
        assertThat(Task.named("t", (Integer i) -> RunContext.current().engine()).call(1)).isSameAs(Engine.defaultEngine());
    }

    @Test
    void aClosedDefaultEngineIsReplacedOnNextUse() {
        Engine first = Engine.defaultEngine();
        first.close();
        assertThat(first.isClosed()).isTrue();
        Flow<Integer, Integer> plusOne = Flow.named("plus-one", (Integer i) -> i + 1);
        assertThat(plusOne.run(1)).isEqualTo(2);
        assertThat(Engine.defaultEngine()).isNotSameAs(first);
        assertThat(Engine.defaultEngine().isClosed()).isFalse();
    }

    @Test
    void insideARunOfAnExplicitEngineFlowsAndTasksStayOnThatEngine() {
        Task<Integer, String> engineName = Task.named("name", (Integer i) -> RunContext.current().engine().name());
        Flow<Integer, String> flow = Flow.named("f", (Integer i) -> engineName.call(i) + "/" + Flow.named("sub",
                (Integer j) -> RunContext.current().engine().name()).run(i));
        try (Engine engine = Engine.builder().name("mine").build()) {
            assertThat(engine.run(flow, 1)).isEqualTo("mine/mine");
        }
    }
}
