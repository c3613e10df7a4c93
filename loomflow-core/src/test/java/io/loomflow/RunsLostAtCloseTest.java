package io.loomflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs that ignore cancellation when the engine closes end the same way every time: each run not
 * ended when close gives up (the stubborn one and the ancestors waiting for it) is Crashed, and
 * waiting for one throws {@link RunLostException}, whatever order close visits them in.
 */
class RunsLostAtCloseTest {

    private static final int ROUNDS = 12;

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void everyRunStillExecutingWhenCloseGivesUpIsCrashedAndLost(ThreadKind kind) throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            CountDownLatch started = new CountDownLatch(2); // both trees are executing their stubborn task
            CountDownLatch release = new CountDownLatch(1);
            Task<Integer, Integer> stubborn = TestTasks.ignoringCancellation("stubborn", started, release);
            Flow<Integer, Integer> middle = Flow.named("middle", stubborn::call);
            Flow<Integer, Integer> top = Flow.named("top", middle::call);
            EventRecorder events = new EventRecorder();
            Engine engine = Engine.builder().threadFactory(kind.tracking()).listener(events)
                    .shutdownGrace(Duration.ofMillis(10), Duration.ofMillis(50)).build();
            Handle<Integer> handle = engine.submit(top, 1);
            CompletableFuture<Integer> future = engine.runAsync(top, 2);
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

            engine.close();

            for (String name : List.of("top", "middle", "stubborn")) {
                assertThat(events.lastChangesOf(name)).as("round %d, %s", round, name)
                        .isNotEmpty()
                        .allSatisfy(change -> assertThat(change.state()).isInstanceOfSatisfying(State.Crashed.class,
                                crashed -> assertThat(crashed.reason()).contains("did not stop within PT0.05S")));
            }
            assertThatThrownBy(handle::join).isInstanceOf(RunLostException.class)
                    .hasMessageContaining("top").hasMessageContaining("was lost");
            assertThat(handle.outcome()).isInstanceOfSatisfying(Outcome.Failure.class,
                    failure -> assertThat(failure.error()).isInstanceOf(RunLostException.class));
            assertThatThrownBy(future::get).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(RunLostException.class);
            release.countDown();
        }
    }
}
