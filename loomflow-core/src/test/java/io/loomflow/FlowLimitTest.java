package io.loomflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code Flow.withLimit(name, permits)}: a flow run holds a permit for its whole run, re-entrant along its lineage. */
class FlowLimitTest {

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aFlowRunHoldsItsPermitForItsWholeRunAndTheLimitIsReachedNeverExceeded(ThreadKind kind) throws Exception {
        ThreadKind.Tracking threads = kind.tracking();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        java.util.concurrent.CountDownLatch twoInside = new java.util.concurrent.CountDownLatch(2);
        Task<Integer, Integer> child = Task.named("child", (Integer i) -> {
            most.accumulateAndGet(inside.get(), Math::max); // the parent still holds its permit here
            return i;
        });
        Flow<Integer, Integer> flow = Flow.named("limited", (Integer i) -> {
            most.accumulateAndGet(inside.incrementAndGet(), Math::max);
            // The first two runs wait for each other, so the limit is reached however the machine schedules them
            // (with one permit the first would wait out the deadline alone, and the test fails).
            twoInside.countDown();
            twoInside.await(10, TimeUnit.SECONDS);
            try {
                return child.call(i) + child.map(List.of(i, i)).join().size();
            } finally {
                inside.decrementAndGet();
            }
        }).withLimit("flows", 2);
        try (Engine engine = Engine.builder().threadFactory(threads).build()) {
            List<CompletableFuture<Integer>> runs = IntStream.range(0, 40).mapToObj(i -> engine.runAsync(flow, i)).toList();
            int sum = 0;
            for (CompletableFuture<Integer> run : runs) {
                sum += run.get(30, TimeUnit.SECONDS);
            }
            assertThat(sum).isEqualTo(39 * 40 / 2 + 2 * 40);
        }
        assertThat(most).hasValue(2);
        assertThat(threads.alive()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aSubflowAndATaskNestedUnderTheSameLimitOfOneDoNotDeadlock(ThreadKind kind) throws Exception {
        ThreadKind.Tracking threads = kind.tracking();
        Task<Integer, Integer> leaf = Task.named("leaf", (Integer i) -> i + 1).withLimit("one", 1);
        Flow<Integer, Integer> inner = Flow.named("inner", (Integer i) -> leaf.map(List.of(i, i)).join().getFirst()
                + leaf.call(i)).withLimit("one", 1);
        Flow<Integer, Integer> outer = Flow.named("outer", (Integer i) -> inner.call(i) + inner.submit(i).join())
                .withLimit("one", 1);
        try (Engine engine = Engine.builder().threadFactory(threads).build()) {
            List<CompletableFuture<Integer>> runs = IntStream.range(0, 5).mapToObj(i -> engine.runAsync(outer, i)).toList();
            for (int i = 0; i < runs.size(); i++) {
                assertThat(runs.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(4 * (i + 1));
            }
        }
        assertThat(threads.alive()).isEmpty();
    }

    @Test
    void aLimitOfNoPermitsIsRefusedNamingTheFlowAndTheValue() {
        Flow<Integer, Integer> flow = Flow.named("report", (Integer i) -> i);
        assertThatThrownBy(() -> flow.withLimit("db", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("report").hasMessageContaining("limit 'db' was given 0 permits; pass 1 or more");
    }
}
