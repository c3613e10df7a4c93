package io.loomflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Guarantee 8: retries, back-off and timeouts wait on the engine's clock, and runs execute on the
 * engine's thread factory. Nothing here sleeps for the durations under test.
 */
class InjectedTimeTest {

    private final ManualTimeSource clock = ManualTimeSource.startingAt(Instant.parse("2026-01-01T00:00:00Z"));

    @Test
    void retryDelaysGrowExponentiallyOnTheInjectedClock() throws Exception {
        EventRecorder events = new EventRecorder();
        AtomicInteger attempts = new AtomicInteger();
        List<Instant> attemptTimes = new java.util.concurrent.CopyOnWriteArrayList<>();
        Task<String, String> flaky = Task.named("flaky", (String s) -> {
            attemptTimes.add(clock.now());
            if (attempts.incrementAndGet() < 4) {
                throw new java.io.IOException("attempt " + attempts.get());
            }
            return s + " after " + attempts.get();
        }).withRetries(Retry.exponential(3, Duration.ofSeconds(10)));
        try (Engine engine = Engine.builder().clock(clock).listener(events).build()) {
            CompletableFuture<String> result = engine.runAsync(Flow.named("f", flaky::call), "ok");
            for (int retry = 0; retry < 3; retry++) {
                clock.awaitSleepers(1, Duration.ofSeconds(10));
                assertThat(result).isNotDone();
                clock.advance(Duration.ofSeconds(10L << retry));
            }
            assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("ok after 4");
        }
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(attemptTimes).containsExactly(start, start.plusSeconds(10), start.plusSeconds(30), start.plusSeconds(70));
        var retrying = events.changes().stream().map(Event.StateChange::state)
                .filter(State.Retrying.class::isInstance).map(State.Retrying.class::cast).toList();
        assertThat(retrying).extracting(State.Retrying::delay)
                .containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(40));
        assertThat(retrying).extracting(State.Retrying::failedAttempt).containsExactly(1, 2, 3);
    }

    @Test
    void aTimeoutFiresWhenTheInjectedClockPassesIt() throws Exception {
        EventRecorder events = new EventRecorder();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch childStarted = new CountDownLatch(1);
        Task<String, String> child = TestTasks.blockingUntilCancelled("child", childStarted);
        Task<String, String> stuck = Task.named("stuck", (String s) -> {
            child.submit(s);
            started.countDown();
            new CountDownLatch(1).await();
            return s;
        }).withTimeout(Duration.ofMinutes(5));
        try (Engine engine = Engine.builder().clock(clock).listener(events).build()) {
            CompletableFuture<String> result = engine.runAsync(Flow.named("f", stuck::call), "x");
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(childStarted.await(10, TimeUnit.SECONDS)).isTrue();
            clock.awaitSleepers(1, Duration.ofSeconds(10));
            clock.advance(Duration.ofMinutes(4));
            Thread.sleep(50);
            assertThat(result).isNotDone();
            clock.advance(Duration.ofMinutes(1));
            assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS)).cause()
                    .isInstanceOf(RunTimeoutException.class)
                    .hasMessageContaining("task 'stuck'").hasMessageContaining("timed out after PT5M");
        }
        assertThat(events.lastChangesOf("child").getFirst().state()).isInstanceOf(State.Cancelled.class);
        assertThat(events.lastChangesOf("stuck").getFirst().state()).isInstanceOfSatisfying(State.Failed.class,
                failed -> assertThat(failed.error()).isInstanceOf(RunTimeoutException.class));
    }

    @Test
    void aTimedOutAttemptIsRetried() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        Task<String, String> slowOnce = Task.named("slow-once", (String s) -> {
            if (attempts.incrementAndGet() == 1) {
                new CountDownLatch(1).await();
            }
            return s + attempts.get();
        }).withTimeout(Duration.ofSeconds(30)).withRetries(Retry.fixed(1, Duration.ZERO));
        try (Engine engine = Engine.builder().clock(clock).build()) {
            CompletableFuture<String> result = engine.runAsync(Flow.named("f", slowOnce::call), "try");
            clock.awaitSleepers(1, Duration.ofSeconds(10));
            clock.advance(Duration.ofSeconds(30));
            assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("try2");
        }
    }

    @Test
    void runsExecuteOnTheEngineThreadFactory() {
        ThreadKind.Tracking threads = ThreadKind.PLATFORM.tracking();
        List<Thread> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        Task<Integer, Integer> record = Task.named("record", (Integer i) -> {
            seen.add(Thread.currentThread());
            return i;
        });
        Flow<Integer, List<Integer>> flow = Flow.named("f", (Integer n) -> {
            seen.add(Thread.currentThread());
            return record.map(List.of(1, 2, 3)).join();
        });
        try (Engine engine = Engine.builder().threadFactory(threads).build()) {
            engine.run(flow, 0);
        }
        assertThat(seen).hasSize(4).allSatisfy(t -> assertThat(t.getName()).startsWith("test-platform-"));
        assertThat(threads.alive()).isEmpty();
    }

    @Test
    void eventsAreStampedWithTheInjectedClock() {
        EventRecorder events = new EventRecorder();
        try (Engine engine = Engine.builder().clock(clock).listener(events).build()) {
            engine.run(Flow.named("f", (Integer i) -> i), 1);
        }
        assertThat(events.events()).isNotEmpty()
                .allSatisfy(e -> assertThat(e.at()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z")));
    }
}
