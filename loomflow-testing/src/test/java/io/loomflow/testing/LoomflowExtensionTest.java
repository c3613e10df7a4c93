package io.loomflow.testing;

import static io.loomflow.testing.LoomflowAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.Handle;
import io.loomflow.ManualTimeSource;
import io.loomflow.Retry;
import io.loomflow.RunContext;
import io.loomflow.RunTimeoutException;
import io.loomflow.State;
import io.loomflow.Task;
import io.loomflow.store.RunStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the kit injects, what its assertions check and what their failure messages show. */
@LoomflowTest
class LoomflowExtensionTest {

    private final AtomicInteger calls = new AtomicInteger();

    /** Fails its first two attempts; retried twice, after 1 min, then 2 min, on the engine's clock. */
    private final Task<String, String> fetch = Task.named("fetch", (String id) -> {
        int call = calls.incrementAndGet();
        if (call < 3) {
            throw new IOException("the service is down (call " + call + ")");
        }
        RunContext.current().log().info("fetched %s on call %s", id, call);
        return id.toUpperCase();
    }).withRetries(Retry.exponential(2, Duration.ofMinutes(1)));

    private final Flow<String, String> report = Flow.named("report", (String id) -> "report of " + fetch.call(id));

    private Engine engineSeenBeforeEach;

    @BeforeEach
    void rememberTheEngine(Engine engine) {
        engineSeenBeforeEach = engine;
    }

    @Test
    void injectsOneEngineOnTheManualClockRecordingToTheStore(Engine engine, ManualTimeSource clock, RunStore store,
            RunHistory history) {
        assertThat(engine).isSameAs(engineSeenBeforeEach);
        assertThat(engine.isClosed()).isFalse();
        assertThat(clock.now()).isEqualTo(LoomflowExtension.CLOCK_START);
        Flow<String, String> now = Flow.named("now", (String ignored) -> RunContext.current().toString());
        Handle<String> run = engine.submit(now, "x");
        run.join();

        assertThat(history.store()).isSameAs(store);
        assertThat(store.run(run.runId())).isPresent();
        assertThat(history.last().record().id()).isEqualTo(run.runId());
        assertThat(history.last().record().createdAt()).isEqualTo(LoomflowExtension.CLOCK_START);
    }

    @Test
    void aRetryWithBackOffCompletesAtOnceWhenTheClockIsAdvanced(Engine engine, ManualTimeSource clock, RunHistory history)
            throws Exception {
        Handle<String> run = engine.submit(report, "a");
        clock.awaitSleepers(1, Duration.ofSeconds(10)); // the first back-off: 1 min
        clock.advance(Duration.ofMinutes(1));
        clock.awaitSleepers(1, Duration.ofSeconds(10)); // the second: 2 min
        clock.advance(Duration.ofMinutes(2));

        assertThat(run.join()).isEqualTo("report of A");
        assertThat(history.run(run.runId()))
                .isCompleted()
                .hasChildren(1)
                .logged("fetched a on call 3")
                .hasChild("fetch")
                .hadAttempts(3)
                .wasRetried(2)
                .hasStates(State.Kind.SCHEDULED, State.Kind.RUNNING, State.Kind.RETRYING, State.Kind.RUNNING,
                        State.Kind.RETRYING, State.Kind.RUNNING, State.Kind.COMPLETED);
    }

    @Test
    void aTimeoutFiresWhenTheClockPassesIt(Engine engine, ManualTimeSource clock, RunHistory history) throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        Task<String, String> slow = Task.named("slow", (String id) -> {
            never.await();
            return id;
        }).withTimeout(Duration.ofHours(1));
        Flow<String, String> flow = Flow.named("waits", slow::call);

        Handle<String> run = engine.submit(flow, "a");
        clock.awaitSleepers(1, Duration.ofSeconds(10)); // the timeout's timer
        clock.advance(Duration.ofHours(1));

        assertThatThrownBy(run::join).isInstanceOf(RunTimeoutException.class);
        assertThat(history.run(run.runId())).hasState(State.Kind.FAILED).hasChild("slow").hasState(State.Kind.FAILED);
    }

    @Test
    void aFailedRunIsCheckedByTheTypeAndMessageOfItsError(Engine engine, RunHistory history) {
        Flow<String, String> broken = Flow.named("broken", (String path) -> {
            throw new UncheckedIOException(new IOException("no file " + path));
        });
        Handle<String> run = engine.submit(broken, "in.csv");
        assertThatThrownBy(run::join).isInstanceOf(UncheckedIOException.class);

        assertThat(history.run(run.runId())).isFailedWith(UncheckedIOException.class, "java.io.IOException: no file in.csv");
        assertThatThrownBy(() -> assertThat(history.run(run.runId())).isFailedWith(UncheckedIOException.class, "other"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("to have failed with java.io.UncheckedIOException: other but it failed with"
                        + " java.io.UncheckedIOException: java.io.IOException: no file in.csv");
    }

    @Test
    void failureMessagesNameTheRunAndShowItsTree(Engine engine, ManualTimeSource clock, RunHistory history)
            throws Exception {
        Handle<String> run = engine.submit(report, "a");
        clock.awaitSleepers(1, Duration.ofSeconds(10));
        clock.advance(Duration.ofMinutes(1));
        clock.awaitSleepers(1, Duration.ofSeconds(10));
        clock.advance(Duration.ofMinutes(2));
        run.join();
        RecordedRun recorded = history.run(run.runId());

        assertThatThrownBy(() -> assertThat(recorded).hasState(State.Kind.FAILED))
                .hasMessageContaining("flow run 'report' (" + run.runId() + ", Completed)")
                .hasMessageContaining("to be Failed but it was Completed")
                .hasMessageContaining("Run tree:\nreport [Completed], states [Scheduled, Running, Completed]\n"
                        + "  fetch [Completed], 3 attempts, states [Scheduled, Running, Retrying, Running, Retrying,"
                        + " Running, Completed]");
        assertThatThrownBy(() -> assertThat(recorded).hasChild("store"))
                .hasMessageContaining("to have a child named 'store' but its children are [fetch]");
        assertThatThrownBy(() -> assertThat(recorded).hasChildren(2))
                .hasMessageContaining("to have 2 children but it has 1");
        assertThatThrownBy(() -> assertThat(recorded).hasChild("fetch").wasRetried(1))
                .hasMessageContaining("task run 'fetch'")
                .hasMessageContaining("to have been retried 1 times but it was retried 2 times");
        assertThatThrownBy(() -> assertThat(recorded).hasChild("fetch").hadAttempts(2))
                .hasMessageContaining("to have had 2 attempts but it had 3");
        assertThatThrownBy(() -> assertThat(recorded).logged("stored"))
                .hasMessageContaining("to have logged a line containing \"stored\" but its lines (and those of the runs"
                        + " below it) are [INFO fetched a on call 3");
        assertThatThrownBy(() -> assertThat(recorded).hasStates(State.Kind.SCHEDULED, State.Kind.COMPLETED))
                .hasMessageContaining("to have gone through the states [Scheduled, Completed] but it went through"
                        + " [Scheduled, Running, Completed]");
    }

    @Test
    void aRunOfAnotherEngineIsNotInTheHistoryAndTheMessageSaysWhichEngineToUse(RunHistory history) {
        assertThatThrownBy(history::last).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("start one on the injected Engine");
        try (Engine other = Engine.builder().build()) {
            Handle<String> run = other.submit(Flow.named("elsewhere", (String s) -> s), "x");
            run.join();
            assertThatThrownBy(() -> history.run(run.runId())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no run " + run.runId() + " was recorded by the test's engine");
        }
    }
}
