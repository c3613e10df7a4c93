package io.loomflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.EventLoopThreadsTest.Loop;
import io.loomflow.EventLoopThreadsTest.Running;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Stages attached on an event loop to the future of {@code runAsync} never run on the loop, even when
 * the run has already ended (where {@code CompletableFuture}'s own rules run a stage at once on the
 * thread that attaches it), and neither do the stages chained to them.
 */
class StagesOffTheLoopTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int RUNS = 100;

    @ParameterizedTest
    @EnumSource(Loop.class)
    void stagesAttachedOnAnEventLoopAfterTheRunEndedRunOffTheLoop(Loop kind) throws Exception {
        Flow<Integer, Integer> instant = Flow.named("instant", (Integer i) -> i);
        Flow<Integer, Integer> failing = Flow.named("failing", (Integer i) -> {
            throw new IllegalStateException("failed " + i);
        });
        Queue<Thread> stageThreads = new ConcurrentLinkedQueue<>();
        Function<Object, Integer> record = value -> {
            stageThreads.add(Thread.currentThread());
            return 0;
        };
        try (Running loop = kind.start(); Engine engine = Engine.builder().name("stages").build()) {
            for (int i = 0; i < RUNS; i++) {
                int n = i;
                CompletableFuture<Integer> ok = loop.on(() -> engine.runAsync(instant, n));
                CompletableFuture<Integer> failed = loop.on(() -> engine.runAsync(failing, n));
                // Both runs end before anything is attached: the stages below meet ended futures.
                assertThat(ok.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(n);
                assertThat(failed).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
                        .withCauseInstanceOf(IllegalStateException.class);

                List<CompletableFuture<?>> stages = loop.on(() -> {
                    assertThat(ok).isDone();
                    assertThat(failed).isDone();
                    Runnable recordRun = () -> record.apply(null);
                    CompletableFuture<Integer> other = CompletableFuture.completedFuture(1);
                    return List.of(
                            ok.thenApply(record::apply),
                            ok.thenAccept(record::apply),
                            ok.thenRun(recordRun),
                            ok.thenCombine(other, (a, b) -> record.apply(a)),
                            ok.thenAcceptBoth(other, (a, b) -> record.apply(a)),
                            ok.runAfterBoth(other, recordRun),
                            ok.applyToEither(other, record::apply),
                            ok.acceptEither(other, record::apply),
                            ok.runAfterEither(other, recordRun),
                            ok.thenCompose(value -> CompletableFuture.completedFuture(record.apply(value))),
                            ok.handle((value, error) -> record.apply(value)),
                            ok.whenComplete((value, error) -> record.apply(value)),
                            ok.thenApply(value -> value + 1).thenApply(record::apply).thenApply(record::apply),
                            failed.exceptionally(error -> -1).thenAccept(record::apply),
                            failed.exceptionally(record::apply),
                            failed.exceptionallyCompose(error -> CompletableFuture.completedFuture(record.apply(error))));
                });
                CompletableFuture.allOf(stages.toArray(CompletableFuture[]::new)).handle((v, e) -> null)
                        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(stages.getLast()).isCompleted();

                // A stage's future keeps the rule: a stage attached to it once it has completed.
                CompletableFuture<?> first = stages.getFirst();
                loop.on(() -> first.thenApply(record)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            assertThat(stageThreads).as("every stage ran").hasSize(RUNS * 18);
            assertThat(stageThreads.stream().filter(thread -> thread == loop.thread()).count())
                    .as("stages that ran on the loop, of %s", stageThreads.size()).isZero();
        }
    }
}
