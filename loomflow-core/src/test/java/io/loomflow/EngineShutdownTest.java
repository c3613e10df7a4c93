package io.loomflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Guarantee 5: close() is ordered and idempotent, safe from any thread, and clear when misused. */
class EngineShutdownTest {

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void runsInFlightFinishWithinTheGracePeriod(ThreadKind kind) throws Exception {
        ThreadKind.Tracking threads = kind.tracking();
        EventRecorder events = new EventRecorder();
        CountDownLatch started = new CountDownLatch(10);
        Task<Integer, Integer> work = Task.named("work", (Integer i) -> {
            started.countDown();
            Thread.sleep(100);
            return i;
        });
        Flow<Integer, Integer> flow = Flow.named("f", work::call);
        Engine engine = Engine.builder().threadFactory(threads).listener(events)
                .shutdownGrace(Duration.ofSeconds(30), Duration.ofSeconds(5)).build();
        List<CompletableFuture<Integer>> runs = java.util.stream.IntStream.range(0, 10)
                .mapToObj(i -> engine.runAsync(flow, i)).toList();
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        engine.close();
        for (int i = 0; i < 10; i++) {
            assertThat(runs.get(i)).isCompletedWithValue(i);
        }
        assertThat(events.lastChangePerRun().values()).hasSize(20)
                .allSatisfy(c -> assertThat(c.state()).isInstanceOf(State.Completed.class));
        assertThat(threads.alive()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void runsStillGoingAfterTheGracePeriodAreCancelledAndAwaited(ThreadKind kind) throws Exception {
        ThreadKind.Tracking threads = kind.tracking();
        EventRecorder events = new EventRecorder();
        CountDownLatch started = new CountDownLatch(1);
        Task<Integer, Integer> endless = TestTasks.blockingUntilCancelled("endless", started);
        Flow<Integer, Integer> flow = Flow.named("f", endless::call);
        Engine engine = Engine.builder().threadFactory(threads).listener(events)
                .shutdownGrace(Duration.ofMillis(200), Duration.ofSeconds(5)).build();
        CompletableFuture<Integer> run = engine.runAsync(flow, 1);
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        engine.close();
        assertThat(run).isCompletedExceptionally();
        assertThatThrownBy(run::join).cause().isInstanceOf(RunCancelledException.class)
                .hasMessageContaining("grace period");
        assertThat(events.lastChangePerRun().values()).hasSize(2)
                .allSatisfy(c -> assertThat(c.state()).isInstanceOf(State.Cancelled.class));
        assertThat(threads.alive()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aRunThatIgnoresCancellationIsRecordedCrashedAndCloseStillReturns(ThreadKind kind) throws Exception {
        EventRecorder events = new EventRecorder();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Task<Integer, Integer> stubborn = TestTasks.ignoringCancellation("stubborn", started, release);
        Engine engine = Engine.builder().threadFactory(kind.tracking()).listener(events)
                .shutdownGrace(Duration.ofMillis(100), Duration.ofMillis(100)).build();
        CompletableFuture<Integer> run = engine.runAsync(Flow.named("f", stubborn::call), 1);
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        engine.close();
        assertThat(events.lastChangesOf("stubborn").getFirst().state()).isInstanceOfSatisfying(State.Crashed.class,
                crashed -> assertThat(crashed.reason()).contains("did not stop within PT0.1S of being cancelled"));
        // The parent itself stopped when asked; it ends Cancelled, or Crashed if the sweep reached it first.
        assertThat(events.lastChangesOf("f").getFirst().state()).isInstanceOfAny(State.Cancelled.class, State.Crashed.class);
        assertThat(run).isCompletedExceptionally();
        release.countDown();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void closeClosesResourcesInReverseOrderThenListenersLast(ThreadKind kind) {
        List<String> order = new CopyOnWriteArrayList<>();
        Resource<String> first = Resource.named("first", () -> "a").withCloser(v -> order.add("close first"));
        Resource<String> second = Resource.named("second", () -> "b").withCloser(v -> order.add("close second"));
        Resource<String> third = Resource.named("third", () -> "c").withCloser(v -> order.add("close third"));
        EventListener listenerA = new EventListener() {
            @Override
            public void onEvent(Event event) {
            }

            @Override
            public void close() {
                order.add("close listener a");
            }
        };
        EventListener listenerB = new EventListener() {
            @Override
            public void onEvent(Event event) {
                if (event instanceof Event.StateChange change && change.state().isFinal() && change.run().isRoot()) {
                    order.add("last event");
                }
            }

            @Override
            public void close() {
                order.add("close listener b");
            }
        };
        Flow<Integer, String> flow = Flow.named("uses", (Integer i) -> first.get() + second.get() + third.get());
        try (Engine engine = Engine.builder().threadFactory(kind.tracking()).listener(listenerA).listener(listenerB).build()) {
            assertThat(engine.run(flow, 1)).isEqualTo("abc");
        }
        assertThat(order).containsExactly("last event", "close third", "close second", "close first",
                "close listener b", "close listener a");
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void closeIsIdempotentAndSafeFromManyThreadsAtOnce(ThreadKind kind) throws Exception {
        ThreadKind.Tracking threads = kind.tracking();
        List<String> closed = new CopyOnWriteArrayList<>();
        Resource<String> resource = Resource.named("once", () -> "r").withCloser(v -> closed.add(v));
        Engine engine = Engine.builder().threadFactory(threads).build();
        engine.run(Flow.named("open", (Integer i) -> resource.get()), 1);
        List<Thread> closers = java.util.stream.IntStream.range(0, 8)
                .mapToObj(i -> (i % 2 == 0 ? Thread.ofVirtual() : Thread.ofPlatform()).start(engine::close)).toList();
        for (Thread closer : closers) {
            closer.join(10_000);
            assertThat(closer.isAlive()).isFalse();
        }
        engine.close();
        assertThat(closed).containsExactly("r");
        assertThat(engine.isClosed()).isTrue();
        assertThat(threads.alive()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void closeFromInsideARunFailsInsteadOfWaitingForItself(ThreadKind kind) {
        AtomicReference<Engine> self = new AtomicReference<>();
        Flow<Integer, Integer> closesItsEngine = Flow.named("closes-its-engine", (Integer i) -> {
            self.get().close();
            return i;
        });
        try (Engine engine = Engine.builder().name("self-closing").threadFactory(kind.tracking()).build()) {
            self.set(engine);
            assertThatThrownBy(() -> engine.run(closesItsEngine, 1)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("engine 'self-closing'.close() was called from inside flow 'closes-its-engine'")
                    .hasMessageContaining("and so for itself");
            assertThat(engine.isClosed()).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aCompletionCallbackOfARunMayCloseTheEngine(ThreadKind kind) throws Exception {
        ThreadKind.Tracking threads = kind.tracking();
        Engine engine = Engine.builder().threadFactory(threads).build();
        CountDownLatch closed = new CountDownLatch(1);
        engine.runAsync(Flow.named("f", (Integer i) -> i), 1).whenComplete((result, error) -> {
            engine.close();
            closed.countDown();
        });
        assertThat(closed.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(engine.isClosed()).isTrue();
        for (Thread thread : threads.alive()) {
            thread.join(10_000);
        }
        assertThat(threads.alive()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void useAfterCloseGivesAClearError(ThreadKind kind) {
        Engine engine = Engine.builder().name("old").threadFactory(kind.tracking()).build();
        Flow<Integer, Integer> flow = Flow.named("late", (Integer i) -> i);
        Task<Integer, Integer> task = Task.named("late-task", (Integer i) -> i);
        Resource<String> resource = Resource.named("late-resource", () -> "r");
        engine.close();
        assertThatThrownBy(() -> engine.run(flow, 1)).isInstanceOf(EngineClosedException.class)
                .hasMessage("engine 'old' is closed and cannot start flow 'late'; build a new engine with"
                        + " Engine.builder(), or run it before closing this one");
        assertThatThrownBy(() -> engine.runAsync(flow, 1)).isInstanceOf(EngineClosedException.class);
        assertThatThrownBy(() -> engine.submit(flow, 1)).isInstanceOf(EngineClosedException.class);
        assertThatThrownBy(() -> engine.run(task, 1)).isInstanceOf(EngineClosedException.class)
                .hasMessageContaining("task 'late-task'");
        assertThatThrownBy(() -> resource.get(engine)).isInstanceOf(EngineClosedException.class)
                .hasMessageContaining("resource 'late-resource' cannot be opened: engine 'old' is closed");
    }
}
