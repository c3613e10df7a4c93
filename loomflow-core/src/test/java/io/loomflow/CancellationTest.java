package io.loomflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Cancellation by handle, by id, through a future, and by interrupting the calling thread. */
class CancellationTest {

    private final CountDownLatch started = new CountDownLatch(1);
    private final Task<Integer, Integer> blocks = TestTasks.blockingUntilCancelled("blocks", started);
    private final Flow<Integer, Integer> flow = Flow.named("waits", blocks::call);

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void byRunId(ThreadKind kind) throws Exception {
        EventRecorder events = new EventRecorder();
        try (Engine engine = Engine.builder().threadFactory(kind.tracking()).listener(events).build()) {
            Handle<Integer> handle = engine.submit(flow, 1);
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(engine.cancel(handle.runId())).isTrue();
            assertThatThrownBy(handle::join).isInstanceOf(RunCancelledException.class)
                    .hasMessageContaining("flow 'waits'").hasMessageContaining("cancelled on request");
            assertThat(engine.cancel(handle.runId())).isFalse();
            assertThat(handle.outcome()).isInstanceOf(Outcome.Cancelled.class);
        }
        assertThat(events.lastChangePerRun().values())
                .allSatisfy(c -> assertThat(c.state()).isInstanceOf(State.Cancelled.class));
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void byCancellingTheFutureOfRunAsync(ThreadKind kind) throws Exception {
        EventRecorder events = new EventRecorder();
        try (Engine engine = Engine.builder().threadFactory(kind.tracking()).listener(events).build()) {
            CompletableFuture<Integer> future = engine.runAsync(flow, 1);
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(future.cancel(true)).isTrue();
        }
        assertThat(events.lastChangePerRun().values()).hasSize(2)
                .allSatisfy(c -> assertThat(c.state()).isInstanceOf(State.Cancelled.class));
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void interruptingTheCallerCancelsTheRunAwaitsItAndKeepsTheInterrupt(ThreadKind kind) throws Exception {
        EventRecorder events = new EventRecorder();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();
        try (Engine engine = Engine.builder().threadFactory(kind.tracking()).listener(events).build()) {
            Thread caller = Thread.ofPlatform().start(() -> {
                try {
                    engine.run(flow, 1);
                } catch (Throwable t) {
                    thrown.set(t);
                }
                interruptedAfter.set(Thread.currentThread().isInterrupted());
            });
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            caller.interrupt();
            caller.join(10_000);
            assertThat(caller.isAlive()).isFalse();
        }
        assertThat(thrown.get()).isInstanceOf(RunCancelledException.class)
                .hasMessageContaining("the thread waiting for it was interrupted");
        assertThat(interruptedAfter.get()).isTrue();
        assertThat(events.lastChangePerRun().values()).hasSize(2)
                .allSatisfy(c -> assertThat(c.state()).isInstanceOf(State.Cancelled.class));
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aRunCanCheckWhetherItIsCancelled(ThreadKind kind) throws Exception {
        CountDownLatch spinning = new CountDownLatch(1);
        Task<Integer, Integer> spins = Task.named("spins", (Integer i) -> {
            spinning.countDown();
            long iterations = 0;
            while (!RunContext.current().isCancelled()) {
                iterations++;
                Thread.onSpinWait();
            }
            return (int) Math.min(iterations, Integer.MAX_VALUE);
        });
        try (Engine engine = Engine.builder().threadFactory(kind.tracking()).build()) {
            Handle<Integer> handle = engine.submit(Flow.named("f", spins::call), 1);
            assertThat(spinning.await(10, TimeUnit.SECONDS)).isTrue();
            handle.cancel();
            assertThatThrownBy(handle::join).isInstanceOf(RunCancelledException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void theCallersThreadIsLeftAsItWas(ThreadKind kind) {
        ThreadLocal<String> local = ThreadLocal.withInitial(() -> "initial");
        local.set("caller's value");
        ClassLoader loader = new ClassLoader(getClass().getClassLoader()) { };
        Thread caller = Thread.currentThread();
        String name = caller.getName();
        ClassLoader before = caller.getContextClassLoader();
        caller.setContextClassLoader(loader);
        try (Engine engine = Engine.builder().threadFactory(kind.tracking()).build()) {
            Flow<Integer, String> sees = Flow.named("sees", (Integer i) -> local.get() + "/" + RunContext.current().info().name());
            assertThat(engine.run(sees, 1)).isEqualTo("initial/sees"); // runs never borrow the caller's thread
            assertThat(local.get()).isEqualTo("caller's value");
            assertThat(caller.getContextClassLoader()).isSameAs(loader);
            assertThat(caller.getName()).isEqualTo(name);
            assertThat(caller.isInterrupted()).isFalse();
            assertThat(RunContext.find()).isEmpty();
        } finally {
            caller.setContextClassLoader(before);
        }
    }
}
