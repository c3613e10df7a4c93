package io.loomflow.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.store.contract.FillingDisk;
import io.loomflow.Engine;
import io.loomflow.Event;
import io.loomflow.Flow;
import io.loomflow.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store on a disk that fills up: retried like an outage, named, and nothing recorded is lost. */
class RecorderDiskFullTest {

    @TempDir
    Path directory;

    private final Task<Integer, Integer> twice = Task.named("twice", (Integer i) -> i * 2);
    private final Flow<Integer, Integer> sum = Flow.named("sum", (Integer n) ->
            twice.map(IntStream.range(0, n).boxed()).join().stream().mapToInt(i -> i).sum());

    @Test
    void aFullDiskIsRetriedUntilThereIsSpaceAndNothingRecordedIsLost() throws Exception {
        FillingDisk.register();
        String url = "jdbc:h2:" + FillingDisk.SCHEME + ":" + directory.resolve("history");
        Path full = directory.resolve(FillingDisk.FULL);
        AtomicLong states = new AtomicLong();
        RunRecorder recorder = RunRecorder.to(RunStore.open(url));
        try (CapturedLogs logs = CapturedLogs.of("io.loomflow.store")) {
            try (Engine engine = Engine.builder().listener(recorder).listener(event -> {
                if (event instanceof Event.StateChange) {
                    states.incrementAndGet();
                }
            }).build()) {
                assertThat(engine.run(sum, 100)).isEqualTo(99 * 100);
                recorder.flush();
                Files.createFile(full);
                try {
                    CompletableFuture<Integer> run = engine.runAsync(sum, 1000);
                    logs.awaitMessage("cannot be written", Duration.ofSeconds(20));
                    Files.delete(full);
                    assertThat(run.get(30, TimeUnit.SECONDS)).isEqualTo(999 * 1000);
                } finally {
                    Files.deleteIfExists(full); // space again, whatever happened, so that closing writes
                }
            }
            String store = "run store SqlRunStore[" + url + "]";
            assertThat(logs.consoleLines()).hasSize(2);
            assertThat(logs.consoleLines().get(0)).matches("WARNING \\Q" + store + " cannot be written (the disk that"
                    + " holds the run history at " + url + " is full (No space left on device); free some space"
                    + " there); \\E\\d+ events are kept and retried every 50 ms, doubling up to 5\\.0 s");
            assertThat(logs.consoleLines().get(1)).matches("INFO \\Q" + store + " is written again after \\E[0-9.]+"
                    + " (ms|s) of failing; nothing was lost");
        }
        try (RunStore reopened = RunStore.open(url)) {
            long entries = 0;
            for (RunRecord root : reopened.runs(RunQuery.all().withRootsOnly())) {
                entries += root.history().size();
                for (RunRecord child : reopened.children(root.id())) {
                    entries += child.history().size();
                }
            }
            assertThat(entries).as("every state of every run").isEqualTo(states.get());
        }
    }
}
