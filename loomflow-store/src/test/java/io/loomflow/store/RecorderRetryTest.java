package io.loomflow.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Engine;
import io.loomflow.Event;
import io.loomflow.Flow;
import io.loomflow.ManualTimeSource;
import io.loomflow.RunContext;
import io.loomflow.RunInfo;
import io.loomflow.State;
import io.loomflow.Task;
import io.loomflow.TimeSource;
import io.loomflow.store.contract.Unprintable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A store that is unavailable is retried with back-off and gets every event, in order, once it is
 * back, with one line for each; an event the store refuses is left out alone, and the rest written.
 */
class RecorderRetryTest {

    private final Task<Integer, Integer> square = Task.named("square", (Integer i) -> {
        RunContext.current().log().info("squaring %d", i);
        return i * i;
    });
    private final Flow<Integer, Integer> steps = Flow.named("steps", (Integer n) -> {
        int sum = 0;
        for (int i = 0; i < n; i++) {
            sum += square.call(i);
        }
        return sum;
    });
    private final Task<Unprintable, String> accept = Task.named("accept", (Unprintable value) -> "accepted");
    private final Flow<Integer, Integer> mixed = Flow.named("mixed", (Integer unprintables) -> {
        int sum = square.call(3);
        accept.map(IntStream.range(0, unprintables).mapToObj(i -> new Unprintable()).toList()).join();
        return sum + square.call(4);
    });

    /** The test's clock, which notes how long each sleep on it is. */
    private record NotedClock(ManualTimeSource clock, List<Duration> sleeps) implements TimeSource {
        @Override
        public Instant now() {
            return clock.now();
        }

        @Override
        public void sleep(Duration duration) throws InterruptedException {
            sleeps.add(duration);
            clock.sleep(duration);
        }
    }

    @Test
    void anUnavailableStoreIsRetriedWithBackOffAndGetsEveryEventInOrderOnceBack() throws Exception {
        ManualTimeSource clock = ManualTimeSource.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
        List<Duration> sleeps = new CopyOnWriteArrayList<>();
        FlakyStore store = new FlakyStore();
        store.down = true;
        List<Long> published = new CopyOnWriteArrayList<>();
        RunRecorder recorder = RunRecorder.to(store, RecorderOptions.defaults().withClock(new NotedClock(clock, sleeps)));
        List<Duration> pauses = List.of(50, 100, 200, 400, 800, 1600, 3200, 5000, 5000).stream()
                .map(Duration::ofMillis).toList();
        try (CapturedLogs logs = CapturedLogs.of("io.loomflow.store");
             Engine engine = Engine.builder().listener(recorder).listener(event -> published.add(event.sequence())).build()) {
            try {
                assertThat(engine.run(steps, 3)).isEqualTo(0 + 1 + 4); // the runs never wait for a store that is down
                assertThat(store.attempts.tryAcquire(10, TimeUnit.SECONDS)).as("the first attempt, at once").isTrue();
                for (int i = 0; i < pauses.size(); i++) {
                    clock.awaitSleepers(1, Duration.ofSeconds(10));
                    store.down = i < pauses.size() - 1; // back for the last retry
                    clock.advance(pauses.get(i));
                    assertThat(store.attempts.tryAcquire(10, TimeUnit.SECONDS)).as("retry %d", i + 1).isTrue();
                }
                flushWithin(recorder, Duration.ofSeconds(10));
            } finally {
                store.down = false; // so that closing never waits for the test's clock
            }

            assertThat(sleeps).as("the pauses between attempts").isEqualTo(pauses);
            assertThat(store.written).as("every event, in the order published").isEqualTo(published);
            assertThat(store.inner.runs(RunQuery.all())).hasSize(4)
                    .allSatisfy(run -> assertThat(run.state()).isEqualTo(State.Kind.COMPLETED));
            assertThat(logs.consoleLines()).hasSize(2);
            assertThat(logs.consoleLines().get(0)).matches("WARNING run store FlakyStore cannot be written \\(the test"
                    + " database is down\\); \\d+ events? (is|are) kept and retried every 50 ms, doubling up to 5\\.0 s");
            assertThat(logs.consoleLines().get(1))
                    .isEqualTo("INFO run store FlakyStore is written again after 16.4 s of failing; nothing was lost");
        }
    }

    @Test
    void anEventTheStoreRefusesIsLeftOutAloneAndTheRestOfItsBatchIsWritten() throws Exception {
        FlakyStore store = new FlakyStore();
        CountDownLatch runEnded = new CountDownLatch(1);
        store.holdWritesUntil(runEnded); // every event but the first comes in one batch
        List<Event> published = new CopyOnWriteArrayList<>();
        RunRecorder recorder = RunRecorder.to(store);
        try (CapturedLogs logs = CapturedLogs.of("io.loomflow.store");
             Engine engine = Engine.builder().listener(recorder).listener(published::add).build()) {
            assertThat(engine.run(mixed, 1)).isEqualTo(9 + 16);
            runEnded.countDown();
            flushWithin(recorder, Duration.ofSeconds(10));

            RunInfo refused = published.stream().map(Event::run).filter(run -> run.name().equals("accept")).findFirst()
                    .orElseThrow();
            assertThat(store.inner.runs(RunQuery.all())).extracting(RunRecord::name)
                    .containsExactlyInAnyOrder("mixed", "square", "square");
            assertThat(store.inner.runs(RunQuery.all())).allSatisfy(run -> assertThat(run.history())
                    .extracting(StateRecord::state).containsExactly("Scheduled", "Running", "Completed"));
            assertThat(store.written).hasSize(published.size() - 3);
            assertThat(logs.consoleLines()).containsExactly(
                    refusal("the Scheduled state of task 'accept' (run " + refused.id() + ")"),
                    refusal("the Running state of task 'accept' (run " + refused.id() + ")"),
                    refusal("the Completed state of task 'accept' (run " + refused.id() + ")"));
        }
    }

    @Test
    void afterTenRefusalsOneLineEachTimeTheirCountDoubles() throws Exception {
        FlakyStore store = new FlakyStore();
        RunRecorder recorder = RunRecorder.to(store);
        try (CapturedLogs logs = CapturedLogs.of("io.loomflow.store");
             Engine engine = Engine.builder().listener(recorder).build()) {
            engine.run(mixed, 40); // 120 events refused
            flushWithin(recorder, Duration.ofSeconds(10));

            assertThat(store.inner.runs(RunQuery.all())).hasSize(3);
            assertThat(logs.consoleLines()).hasSize(10 + 3).allSatisfy(line -> assertThat(line).doesNotContain("[stack"));
            assertThat(logs.consoleLines().subList(10, 13)).allSatisfy(line -> assertThat(line)
                    .contains("(no text for this value either)"))
                    .satisfiesExactly(
                            line -> assertThat(line).startsWith("WARNING run store FlakyStore has refused 16 events so far"),
                            line -> assertThat(line).startsWith("WARNING run store FlakyStore has refused 32 events so far"),
                            line -> assertThat(line).startsWith("WARNING run store FlakyStore has refused 64 events so far"));
        }
    }

    private static String refusal(String event) {
        return "WARNING run store FlakyStore refused " + event + " (no text for this value either); that event is left"
                + " out of the history, and recording goes on";
    }

    static void flushWithin(RunRecorder recorder, Duration deadline) throws Exception {
        CompletableFuture.runAsync(() -> {
            try {
                recorder.flush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }).get(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }
}
