package io.loomflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.Handle;
import io.loomflow.RunContext;
import io.loomflow.Task;
import io.loomflow.store.RunRecorder;
import io.loomflow.store.RunStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * logs --follow says at once which run it follows, prints lines as another engine records them,
 * and returns with the run's final state when the run has ended.
 */
class LogsFollowTest {

    @TempDir
    Path directory;

    @Test
    void followSaysWhatItFollowsPrintsNewLinesOfTheRunTreeAndEndsWithTheRunsFinalState() throws Exception {
        CountDownLatch firstHalfWritten = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Task<Integer, Integer> step = Task.named("step", (Integer i) -> {
            RunContext.current().log().info("step %d", i);
            return i;
        });
        Flow<Integer, Integer> flow = Flow.named("steady", (Integer n) -> {
            RunContext.current().log().info("starting");
            step.call(1);
            firstHalfWritten.countDown();
            release.await();
            step.call(2);
            RunContext.current().log().info("done");
            return n;
        });
        Path db = directory.resolve("history");
        RunRecorder recorder = RunRecorder.to(RunStore.embedded(db));
        try (Engine engine = Engine.builder().listener(recorder).build()) {
            Handle<Integer> handle = engine.submit(flow, 2);
            assertThat(firstHalfWritten.await(10, TimeUnit.SECONDS)).isTrue();
            recorder.flush(); // the run is in the history before logs looks for it

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
            PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
            CompletableFuture<Integer> follow = CompletableFuture.supplyAsync(() -> Main.run(new String[] {"logs",
                    handle.runId().toString(), "--follow", "--poll", "PT0.05S", "--db", db.toString()}, outStream, errStream));
            await().atMost(Duration.ofSeconds(20)).until(() -> out.toString(StandardCharsets.UTF_8).contains("step 1"));
            assertThat(err.toString(StandardCharsets.UTF_8)).as("said before the first line, while the run is held")
                    .isEqualTo("following run " + handle.runId() + " (steady, Running); Ctrl-C to stop\n");
            assertThat(follow).as("still following the run, which has not ended").isNotDone();
            release.countDown();
            assertThat(handle.join()).isEqualTo(2);

            assertThat(follow.get(20, TimeUnit.SECONDS)).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8).lines().map(line -> line.substring(14).replaceAll(" +", " ")))
                    .containsExactly("steady INFO starting", "step INFO step 1", "step INFO step 2", "steady INFO done");
            assertThat(err.toString(StandardCharsets.UTF_8).lines()).hasSize(2).last().asString()
                    .matches("run " + handle.runId() + " ended Completed after \\d+ m?s|run " + handle.runId()
                            + " ended Completed after [0-9.]+ s");
        }
    }
}
