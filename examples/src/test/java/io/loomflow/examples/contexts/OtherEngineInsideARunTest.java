package io.loomflow.examples.contexts;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.Task;
import org.junit.jupiter.api.Test;

/**
 * The context matrix inside a run, for an engine other than the run's own: {@code Engine.run} is
 * documented to work from any thread that may block, "a run" included, and, outside a run of
 * <em>this</em> engine, to start a root run. So a flow running on the default engine (or on engine
 * A) that calls {@code engineB.run(flow, p)} must get the reference result; and no thread of either
 * engine may be left behind.
 */
class OtherEngineInsideARunTest {

    @Test
    void anEnginesRunCalledInsideARunOfTheDefaultEngineReturnsItsResult() throws Exception {
        try (MatrixHarness harness = new MatrixHarness(); var _ = CallerState.mark("test")) {
            Flow<Integer, String> outer = Flow.named("outer-on-default",
                    (Integer items) -> harness.engine.run(MatrixFlows.FLOW, items));
            assertThat(outer.run(MatrixFlows.ITEMS)).isEqualTo(MatrixFlows.reference());
            harness.closeAndAssertNothingLeftBehind();
        }
    }

    @Test
    void anEnginesTaskRunCalledInsideARunOfAnotherEngineReturnsItsResult() throws Exception {
        try (MatrixHarness harness = new MatrixHarness(); var _ = CallerState.mark("test")) {
            TrackingThreadFactory threads = new TrackingThreadFactory("loomflow-other-");
            try (Engine other = Engine.builder().name("other").threadFactory(threads).build()) {
                Task<Integer, String> outer = Task.named("outer-on-other",
                        (Integer items) -> harness.engine.run(MatrixFlows.TASK, items));
                assertThat(other.run(outer, MatrixFlows.ITEMS)).isEqualTo(MatrixFlows.reference());
            }
            assertThat(threads.notTerminated()).isEmpty();
            harness.closeAndAssertNothingLeftBehind();
        }
    }

    @Test
    void anEnginesRunAsyncJoinedInsideARunOfAnotherEngineReturnsItsResult() throws Exception {
        try (MatrixHarness harness = new MatrixHarness(); var _ = CallerState.mark("test")) {
            Flow<Integer, String> outer = Flow.named("outer-async-on-default",
                    (Integer items) -> harness.engine.runAsync(MatrixFlows.FLOW, items).join());
            assertThat(outer.run(MatrixFlows.ITEMS)).isEqualTo(MatrixFlows.reference());
            harness.closeAndAssertNothingLeftBehind();
        }
    }
}
