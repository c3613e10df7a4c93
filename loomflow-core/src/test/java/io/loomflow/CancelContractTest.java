package io.loomflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Handle#cancel()} and {@link MapHandle#cancel()} keep one contract: {@code true} only for the call
 * that started the cancellation; {@code false} once it ended or was already being cancelled.
 */
class CancelContractTest {

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aRunIsCancelledByTheFirstCallOnly(ThreadKind kind) throws Exception {
        ThreadKind.Tracking threads = kind.tracking();
        CountDownLatch started = new CountDownLatch(1);
        Task<Integer, Integer> blocks = TestTasks.blockingUntilCancelled("blocks", started);
        Flow<Integer, Integer> flow = Flow.named("f", blocks::call);
        try (Engine engine = Engine.builder().threadFactory(threads).build()) {
            Handle<Integer> running = engine.submit(flow, 1);
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(running.cancel()).isTrue();
            assertThat(running.cancel()).isFalse();
            assertThatThrownBy(running::join).isInstanceOf(RunCancelledException.class);
            assertThat(running.cancel()).isFalse();

            Handle<Integer> ended = engine.submit(Flow.named("quick", (Integer i) -> i), 2);
            assertThat(ended.join()).isEqualTo(2);
            assertThat(ended.cancel()).isFalse();
            assertThat(ended.state()).isInstanceOf(State.Completed.class);
        }
        assertThat(threads.alive()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aMapIsCancelledByTheFirstCallOnly(ThreadKind kind) {
        ThreadKind.Tracking threads = kind.tracking();
        CountDownLatch started = new CountDownLatch(3);
        Task<Integer, Integer> blocks = TestTasks.blockingUntilCancelled("blocks", started);
        Task<Integer, Integer> quick = Task.named("quick", (Integer i) -> i);
        AtomicReference<List<Boolean>> answers = new AtomicReference<>();
        Flow<Integer, List<Outcome<Integer>>> flow = Flow.named("f", (Integer n) -> {
            MapHandle<Integer> items = blocks.map(IntStream.range(0, n).boxed());
            started.await(10, TimeUnit.SECONDS);
            boolean first = items.cancel();
            boolean second = items.cancel();
            assertThatThrownBy(items::join).isInstanceOf(RunCancelledException.class);
            boolean afterEnd = items.cancel();
            MapHandle<Integer> done = quick.map(List.of(1, 2));
            done.join();
            answers.set(List.of(first, second, afterEnd, done.cancel()));
            return items.outcomes();
        });
        try (Engine engine = Engine.builder().threadFactory(threads).build()) {
            assertThat(engine.run(flow, 3)).hasSize(3).allSatisfy(o -> assertThat(o).isInstanceOf(Outcome.Cancelled.class));
        }
        assertThat(answers.get()).containsExactly(true, false, false, false);
        assertThat(threads.alive()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aMapAlreadyCancelledByAFailingItemIsNotCancelledAgain(ThreadKind kind) {
        ThreadKind.Tracking threads = kind.tracking();
        CountDownLatch started = new CountDownLatch(2);
        CountDownLatch cancelledBySibling = new CountDownLatch(1);
        Task<Integer, Integer> item = Task.named("item", (Integer i) -> {
            if (i == 0) {
                started.await(10, TimeUnit.SECONDS);
                throw new IllegalStateException("item 0 fails");
            }
            started.countDown();
            try {
                new CountDownLatch(1).await();
            } finally {
                cancelledBySibling.countDown();
            }
            return i;
        });
        AtomicReference<Boolean> answer = new AtomicReference<>();
        Flow<Integer, List<Outcome<Integer>>> flow = Flow.named("f", (Integer n) -> {
            MapHandle<Integer> items = item.map(IntStream.range(0, n).boxed());
            cancelledBySibling.await(10, TimeUnit.SECONDS);
            answer.set(items.cancel());
            return items.outcomes(); // observed: the failure is the map's answer, not the flow's
        });
        try (Engine engine = Engine.builder().threadFactory(threads).build()) {
            List<Outcome<Integer>> outcomes = engine.run(flow, 3);
            assertThat(outcomes.getFirst()).isInstanceOf(Outcome.Failure.class);
            assertThat(outcomes.subList(1, 3)).allSatisfy(o -> assertThat(o).isInstanceOf(Outcome.Cancelled.class));
        }
        assertThat(answer.get()).isFalse();
        assertThat(threads.alive()).isEmpty();
    }
}
