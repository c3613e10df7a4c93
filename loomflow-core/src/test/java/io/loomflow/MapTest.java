package io.loomflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** map: results in input order, fail fast or collect all, lists and streams, inside and outside runs. */
class MapTest {

    private final Task<Integer, Integer> jittery = Task.named("jittery", (Integer i) -> {
        Thread.sleep(ThreadLocalRandom.current().nextInt(5));
        return i * 10;
    });

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void resultsComeInInputOrderWhateverOrderItemsFinishIn(ThreadKind kind) {
        ThreadKind.Tracking threads = kind.tracking();
        Flow<Integer, List<Integer>> flow = Flow.named("f", (Integer n) -> jittery.map(IntStream.range(0, n).boxed()).join());
        try (Engine engine = Engine.builder().threadFactory(threads).build()) {
            assertThat(engine.run(flow, 300)).isEqualTo(IntStream.range(0, 300).map(i -> i * 10).boxed().toList());
        }
        assertThat(threads.alive()).isEmpty();
    }

    @Test
    void anEmptyMapIsDoneAtOnce() {
        Flow<Integer, List<Integer>> flow = Flow.named("f", (Integer n) -> jittery.map(List.of()).join());
        try (Engine engine = Engine.builder().build()) {
            assertThat(engine.run(flow, 0)).isEmpty();
        }
    }

    @Test
    void nullInputsAndResultsAreKept() {
        Task<String, String> echo = Task.named("echo", (String s) -> s);
        List<String> inputs = new ArrayList<>(List.of("a", "b"));
        inputs.add(1, null);
        Flow<Integer, List<String>> flow = Flow.named("f", (Integer n) -> echo.map(inputs).join());
        try (Engine engine = Engine.builder().build()) {
            assertThat(engine.run(flow, 0)).containsExactly("a", null, "b");
        }
    }

    @Test
    void theFirstFailureCancelsTheItemsStillWaitingAndReachesJoinUnchanged() {
        EventRecorder events = new EventRecorder();
        IllegalStateException boom = new IllegalStateException("item 3 is bad");
        CountDownLatch never = new CountDownLatch(1);
        Task<Integer, Integer> third = Task.named("third-fails", (Integer i) -> {
            if (i == 3) {
                throw boom;
            }
            never.await(); // every other item waits until cancelled
            return i;
        }).withLimit("two", 2);
        Flow<Integer, List<Integer>> flow = Flow.named("f", (Integer n) -> third.map(Stream.iterate(3, i -> i + 1).limit(n)).join());
        try (Engine engine = Engine.builder().listener(events).build()) {
            assertThatThrownBy(() -> engine.run(flow, 50)).isSameAs(boom);
        }
        // Two workers: the failing item, and at most one other that had started; the 48 or more
        // items that never started are not runs (MapCancelTest).
        List<Event.StateChange> items = events.lastChangesOf("third-fails");
        assertThat(items).hasSizeBetween(1, 2);
        assertThat(items).filteredOn(c -> c.state() instanceof State.Failed).hasSize(1);
        assertThat(items).allSatisfy(c -> assertThat(c.state()).isInstanceOfAny(State.Failed.class, State.Cancelled.class));
    }

    @Test
    void outsideAnyRunEachItemIsARootRunOnTheDefaultEngine() {
        List<Integer> results = jittery.map(List.of(1, 2, 3)).join();
        assertThat(results).containsExactly(10, 20, 30);
    }

    @Test
    void aMapCanBeCancelledAsAWhole() throws Exception {
        CountDownLatch started = new CountDownLatch(4);
        Task<Integer, Integer> blocks = TestTasks.blockingUntilCancelled("blocks", started);
        try (Engine engine = Engine.builder().build()) {
            Flow<Integer, List<Outcome<Integer>>> flow = Flow.named("f", (Integer n) -> {
                MapHandle<Integer> items = blocks.map(IntStream.range(0, n).boxed());
                started.await(10, TimeUnit.SECONDS);
                items.cancel();
                assertThatThrownBy(items::join).isInstanceOf(RunCancelledException.class)
                        .hasMessageContaining("map of task 'blocks' was cancelled");
                return items.outcomes();
            });
            List<Outcome<Integer>> outcomes = engine.run(flow, 4);
            assertThat(outcomes).hasSize(4).allSatisfy(o -> assertThat(o).isInstanceOf(Outcome.Cancelled.class));
        }
    }
}
