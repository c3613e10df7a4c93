package io.loomflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Limits shared by several engines through {@link io.loomflow.spi.SharedLimits}: held across the
 * engines, re-entrant along a lineage, released exactly once on every ending, and never taken by a
 * run cancelled while it waits. The in-memory fixture stands for the PostgreSQL implementation.
 */
class SharedLimitTest {

    private final MemorySharedLimits shared = new MemorySharedLimits(Map.of("model", 2, "one", 1));

    @AfterEach
    void theTokenProtocolWasKept() {
        assertThat(shared.violations()).isEmpty();
        assertThat(shared.released()).isEqualTo(shared.acquired());
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aSharedLimitHoldsAcrossTheEnginesThatShareIt(ThreadKind kind) throws Exception {
        ThreadKind.Tracking threads = kind.tracking();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        // Holders meet in pairs: a third holder anywhere would be inside while a pair waits here.
        CyclicBarrier pair = new CyclicBarrier(2);
        Flow<Integer, Integer> limited = Flow.named("limited", (Integer i) -> {
            most.accumulateAndGet(inside.incrementAndGet(), Math::max);
            try {
                pair.await(10, TimeUnit.SECONDS);
            } catch (BrokenBarrierException | TimeoutException broken) {
                // most already shows a third holder
            } finally {
                inside.decrementAndGet();
            }
            return i;
        }).withLimit("model", 8); // the shared size, 2, wins over the declared one
        List<CompletableFuture<Integer>> results = new ArrayList<>();
        try (Engine first = Engine.builder().name("first").threadFactory(threads).sharedLimits(shared).build();
             Engine second = Engine.builder().name("second").threadFactory(threads).sharedLimits(shared).build()) {
            for (int i = 0; i < 10; i++) {
                results.add(first.runAsync(limited, i));
                results.add(second.runAsync(limited, i));
            }
            for (CompletableFuture<Integer> result : results) {
                result.get(30, TimeUnit.SECONDS);
            }
        }
        assertThat(most).hasValue(2);
        assertThat(shared.acquired()).isEqualTo(20);
        assertThat(threads.alive()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aRunUnderAnAncestorHoldingASharedLimitRunsUnderItsPermit(ThreadKind kind) {
        ThreadKind.Tracking threads = kind.tracking();
        Task<Integer, Integer> inner = Task.named("inner", (Integer i) -> i + 1).withLimit("one");
        Task<Integer, Integer> middle = Task.named("middle", (Integer i) -> inner.map(List.of(i, i)).join().size())
                .withLimit("one");
        Flow<Integer, Integer> outer = Flow.named("outer", (Integer i) -> middle.call(i) + inner.call(i)).withLimit("one");
        try (Engine engine = Engine.builder().threadFactory(threads).sharedLimits(shared).build()) {
            assertThat(engine.run(outer, 1)).isEqualTo(4);
        }
        assertThat(shared.acquired()).as("only the outermost run takes a permit").isEqualTo(1);
        assertThat(shared.free("one")).isEqualTo(1);
        assertThat(threads.alive()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void thePermitIsReleasedOnceWhenARunCompletesFailsIsRetriedOrIsCancelled(ThreadKind kind) throws Exception {
        ThreadKind.Tracking threads = kind.tracking();
        AtomicInteger attempts = new AtomicInteger();
        Task<String, String> flakyTask = Task.named("flaky", (String s) -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("first attempt fails");
            }
            return s;
        }).withLimit("one").withRetries(Retry.fixed(1, Duration.ZERO));
        Flow<String, String> flaky = Flow.named("calls-flaky", flakyTask::call);
        Flow<String, String> failing = Flow.<String, String>named("failing", (String s) -> {
            throw new IllegalArgumentException("always fails: " + s);
        }).withLimit("one");
        CountDownLatch started = new CountDownLatch(1);
        Flow<String, String> blocked = Flow.named("blocked", (String s) -> {
            started.countDown();
            new CountDownLatch(1).await();
            return s;
        }).withLimit("one");
        try (Engine engine = Engine.builder().threadFactory(threads).sharedLimits(shared).build()) {
            assertThat(engine.run(Flow.named("plain", (String s) -> s).withLimit("one"), "ok")).isEqualTo("ok");
            assertThat(shared.released()).as("after a completed run").isEqualTo(1);

            assertThat(engine.run(flaky, "again")).isEqualTo("again");
            assertThat(shared.acquired()).as("one permit per attempt").isEqualTo(3);
            assertThat(shared.released()).as("released before the retry and at the end").isEqualTo(3);

            assertThatThrownBy(() -> engine.run(failing, "x")).hasMessageContaining("always fails: x");
            assertThat(shared.released()).as("after a failed run").isEqualTo(4);

            Handle<String> handle = engine.submit(blocked, "y");
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(engine.cancel(handle.runId())).isTrue();
            assertThat(handle.outcome()).isInstanceOf(Outcome.Cancelled.class);
            assertThat(shared.released()).as("after a cancelled run").isEqualTo(5);
        }
        assertThat(shared.free("one")).isEqualTo(1);
        assertThat(threads.alive()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aRunCancelledWhileItWaitsForASharedPermitTakesNone(ThreadKind kind) throws Exception {
        ThreadKind.Tracking threads = kind.tracking();
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        Flow<String, String> holder = Flow.named("holder", (String s) -> {
            holding.countDown();
            letGo.await();
            return s;
        }).withLimit("one");
        Flow<String, String> waiter = Flow.named("waiter", (String s) -> s).withLimit("one");
        EventRecorder events = new EventRecorder();
        try (Engine engine = Engine.builder().threadFactory(threads).sharedLimits(shared).listener(events).build()) {
            Handle<String> held = engine.submit(holder, "held");
            assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
            Handle<String> waiting = engine.submit(waiter, "waits");
            assertThat(shared.waiting().await(10, TimeUnit.SECONDS)).as("the second run waits").isTrue();

            assertThat(engine.cancel(waiting.runId())).isTrue();
            assertThat(waiting.outcome()).isInstanceOf(Outcome.Cancelled.class);
            assertThat(shared.acquired()).as("the cancelled run took no permit").isEqualTo(1);

            letGo.countDown();
            assertThat(held.join()).isEqualTo("held");
        }
        assertThat(events.lastChangePerRun().values()).anySatisfy(change ->
                assertThat(change.state()).isInstanceOf(State.Cancelled.class));
        assertThat(shared.free("one")).isEqualTo(1);
        assertThat(threads.alive()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aLimitTheSharedLimitsDoNotKnowStaysTheEnginesOwn(ThreadKind kind) {
        ThreadKind.Tracking threads = kind.tracking();
        Task<Integer, Integer> local = Task.named("local", (Integer i) -> i * 2).withLimit("local", 1);
        Flow<Integer, Integer> flow = Flow.named("fan-out", (Integer n) -> local.map(List.of(1, 2, 3)).join().size());
        try (Engine engine = Engine.builder().threadFactory(threads).sharedLimits(shared).build()) {
            assertThat(engine.run(flow, 3)).isEqualTo(3);
        }
        assertThat(shared.asked()).containsOnly("local");
        assertThat(shared.acquired()).isZero();
        assertThat(threads.alive()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void anEngineThatSizesASharedLimitDifferentlyFailsTheRunNamingBothSizes(ThreadKind kind) {
        ThreadKind.Tracking threads = kind.tracking();
        Flow<Integer, Integer> flow = Flow.named("limited", (Integer i) -> i).withLimit("model");
        try (Engine engine = Engine.builder().threadFactory(threads).limit("model", 5).sharedLimits(shared).build()) {
            assertThatThrownBy(() -> engine.run(flow, 1)).hasMessageContaining("limit 'model'")
                    .hasMessageContaining("5 permits").hasMessageContaining("shared with 2 permits");
        }
        assertThat(threads.alive()).isEmpty();
    }
}
