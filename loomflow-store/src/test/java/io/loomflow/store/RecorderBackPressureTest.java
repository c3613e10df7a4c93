package io.loomflow.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Engine;
import io.loomflow.Event;
import io.loomflow.Flow;
import io.loomflow.RunInfo;
import io.loomflow.State;
import io.loomflow.Task;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The recorder holds at most its capacity: a store slower than the runs slows the runs' threads
 * instead of filling memory, while a thread outside any run never waits, and a closing engine is
 * never held up by runs waiting for a store that is down.
 */
class RecorderBackPressureTest {

    private static final int WORKERS = 8;
    private final Task<Integer, Integer> twice = Task.named("twice", (Integer i) -> i * 2).withLimit("workers", WORKERS);
    private final Flow<Integer, Integer> sum = Flow.named("sum", (Integer n) ->
            twice.map(IntStream.range(0, n).boxed()).join().stream().mapToInt(i -> i).sum());

    private static ThreadFactory threads(String kind) {
        return kind.equals("virtual") ? Thread.ofVirtual().factory() : Thread.ofPlatform().daemon().factory();
    }

    /** Sees each event after the recorder took it, and lets a store wait until the recorder is full. */
    private static final class Watch {
        final ReentrantLock lock = new ReentrantLock();
        final Condition changed = lock.newCondition();
        final AtomicLong mostPending = new AtomicLong();
        final AtomicLong events = new AtomicLong();
        volatile long writtenWhenTheRunEnded = -1;
        boolean runEnded; // guarded by lock

        void saw(Event event, RunRecorder recorder, FlakyStore store) {
            events.incrementAndGet();
            mostPending.accumulateAndGet(recorder.pending(), Math::max);
            boolean rootEnded = event instanceof Event.StateChange change && change.state().isFinal()
                    && change.run().parentId() == null;
            if (rootEnded) {
                writtenWhenTheRunEnded = store.written.size();
            }
            lock.lock();
            try {
                runEnded |= rootEnded;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        /** A store slower than the runs: each write waits until the recorder holds all it may. */
        void untilFull(RunRecorder recorder, int capacity) {
            lock.lock();
            try {
                long deadline = TimeUnit.SECONDS.toNanos(20);
                while (recorder.pending() < capacity && !runEnded && deadline > 0) {
                    deadline = changed.awaitNanos(deadline);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                lock.unlock();
            }
        }
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(strings = {"virtual", "platform"})
    void aSlowStoreSlowsTheRunsWhileTheRecorderHoldsNoMoreThanItsCapacity(String kind) throws Exception {
        int capacity = 100;
        FlakyStore store = new FlakyStore();
        RunRecorder recorder = RunRecorder.to(store, RecorderOptions.defaults().withCapacity(capacity));
        Watch watch = new Watch();
        store.beforeWrite = () -> watch.untilFull(recorder, capacity);
        try (Engine engine = Engine.builder().threadFactory(threads(kind)).listener(recorder)
                .listener(event -> watch.saw(event, recorder, store)).build()) {
            assertThat(engine.runAsync(sum, 1000).get(30, TimeUnit.SECONDS)).isEqualTo(999 * 1000);
        }
        long events = watch.events.get(); // Scheduled, Pending, Running, Completed per task; 3 for the flow
        // The map's workers schedule the items; platform ones never wait, so each may add one beyond the bound.
        int beyond = kind.equals("virtual") ? 0 : WORKERS;
        assertThat(watch.mostPending.get()).as("held at most").isBetween((long) capacity, (long) capacity + beyond);
        assertThat(watch.writtenWhenTheRunEnded).as("written before the run could end")
                .isGreaterThanOrEqualTo(events - capacity - beyond);
        assertThat(store.inner.runs(RunQuery.all().withLimit(2000))).hasSize(1001)
                .allSatisfy(run -> assertThat(run.state()).isEqualTo(State.Kind.COMPLETED));
    }

    @Test
    void aPlatformThreadOutsideAnyRunNeverWaitsForRoom() throws Exception {
        FlakyStore store = new FlakyStore();
        CountDownLatch released = new CountDownLatch(1);
        store.holdWritesUntil(released);
        RunRecorder recorder = RunRecorder.to(store, RecorderOptions.defaults().withCapacity(10));
        CountDownLatch published = new CountDownLatch(1);
        Thread.ofPlatform().start(() -> { // as an event loop that starts root runs: their Scheduled states
            for (int i = 0; i < 50; i++) {
                UUID id = UUID.randomUUID();
                recorder.onEvent(new Event.StateChange(i + 1, Instant.EPOCH, new RunInfo(id, null, id, "root",
                        RunInfo.Kind.FLOW, i, Instant.EPOCH), null, new State.Scheduled()));
            }
            published.countDown();
        });
        assertThat(published.await(10, TimeUnit.SECONDS)).as("50 events published without waiting").isTrue();
        assertThat(recorder.pending()).isEqualTo(50);

        released.countDown();
        RecorderRetryTest.flushWithin(recorder, Duration.ofSeconds(10));
        assertThat(store.inner.runs(RunQuery.all())).hasSize(50);
        recorder.close();
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(strings = {"virtual", "platform"})
    void aClosingEngineIsNotHeldUpByRunsWaitingForAStoreThatIsDown(String kind) throws Exception {
        FlakyStore store = new FlakyStore();
        store.down = true;
        RunRecorder recorder = RunRecorder.to(store, RecorderOptions.defaults().withCapacity(20)
                .withCloseTimeout(Duration.ofMillis(200)));
        Watch watch = new Watch();
        CountDownLatch full = new CountDownLatch(1);
        Engine engine = Engine.builder().threadFactory(threads(kind)).listener(recorder).listener(event -> {
            watch.saw(event, recorder, store);
            if (recorder.pending() >= 20) {
                full.countDown();
            }
        }).build();
        try (CapturedLogs logs = CapturedLogs.of("io.loomflow.store")) {
            CompletableFuture<Integer> run = engine.runAsync(sum, 200);
            assertThat(full.await(10, TimeUnit.SECONDS)).as("the recorder filled up").isTrue();
            assertThat(run).isNotDone();

            CompletableFuture.runAsync(engine::close).get(30, TimeUnit.SECONDS);

            assertThat(run).isCompletedWithValue(199 * 200);
            assertThat(store.closed).isTrue();
            assertThat(store.written).isEmpty();
            assertThat(logs.consoleLines()).hasSize(2);
            assertThat(logs.consoleLines().get(0)).startsWith("WARNING run store FlakyStore cannot be written (the test"
                    + " database is down); ");
            assertThat(logs.consoleLines().get(1)).isEqualTo("WARNING run store FlakyStore still cannot be written 200 ms"
                    + " after its recorder began to close (the test database is down); " + watch.events.get()
                    + " events of 201 runs could not be written: they are missing from the history");
        }
    }
}
