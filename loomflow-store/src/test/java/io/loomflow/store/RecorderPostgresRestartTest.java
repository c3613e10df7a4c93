package io.loomflow.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Engine;
import io.loomflow.Event;
import io.loomflow.Flow;
import io.loomflow.RunContext;
import io.loomflow.RunInfo;
import io.loomflow.Task;
import io.loomflow.store.contract.Postgres;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The recorder on the machine's real PostgreSQL: a restart of the database under load loses
 * nothing and shows two lines, and a line PostgreSQL cannot store is left out alone.
 */
class RecorderPostgresRestartTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    private static final int TASKS = 30_000;

    @Test
    void aRunOfThirtyThousandTasksIsRecordedWholeThroughARestartOfPostgres() throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        Task<Long, Long> twice = Task.named("twice", (Long i) -> {
            if (i >= TASKS / 3) {
                stopped.await(); // two thirds of the tasks run while the database is down
            }
            return i * 2;
        });
        Flow<Integer, Long> sum = Flow.named("sum", (Integer n) ->
                twice.map(LongStream.range(0, n).boxed().toList()).join().stream().mapToLong(i -> i).sum());
        AtomicLong states = new AtomicLong();
        RunRecorder recorder = RunRecorder.to(RunStore.open(POSTGRES.url()),
                RecorderOptions.defaults().withCapacity(20_000));
        String store = "run store SqlRunStore[" + POSTGRES.url() + "]";
        CompletableFuture<Long> run;
        Logger storeLogger = Logger.getLogger("io.loomflow.store");
        Level shown = storeLogger.getLevel();
        storeLogger.setLevel(Level.FINE); // to see what is logged below the console, where stack traces go
        try (CapturedLogs console = CapturedLogs.of("")) { // every logger: what a console would show
            Engine engine = Engine.builder().listener(recorder).listener(event -> {
                if (event instanceof Event.StateChange) {
                    states.incrementAndGet();
                }
            }).build();
            try {
                run = engine.runAsync(sum, TASKS);
                POSTGRES.stopServer();
                stopped.countDown();
                console.awaitMessage(store + " cannot be written", Duration.ofSeconds(20));
                POSTGRES.startServer();
                assertThat(run.get(30, TimeUnit.SECONDS)).isEqualTo((long) TASKS * (TASKS - 1));
            } finally {
                stopped.countDown();
                POSTGRES.startServer(); // whatever happened, the machine's database runs again
                engine.close();
            }
            List<String> lines = console.consoleLines();
            assertThat(lines).hasSize(2);
            assertThat(lines.get(0)).startsWith("WARNING " + store + " cannot be written (")
                    .matches(".*\\); \\d+ events? (is|are) kept and retried every 50 ms, doubling up to 5\\.0 s");
            assertThat(lines.get(1)).matches("INFO \\Q" + store + " is written again after \\E[0-9.]+ (ms|s) of"
                    + " failing; nothing was lost");
            assertThat(console.stackTracesBelowInfo()).as("the failures, in full, below what a console shows")
                    .anyMatch(message -> message.startsWith(store + " failed to write"));
        } finally {
            storeLogger.setLevel(shown);
        }
        try (RunStore reopened = RunStore.openReadOnly(POSTGRES.url())) {
            RunRecord root = reopened.runs(RunQuery.all().withRootsOnly().withName("sum")).getFirst();
            List<RunRecord> children = reopened.children(root.id());
            assertThat(children).hasSize(TASKS).allSatisfy(child -> assertThat(child.history())
                    .extracting(StateRecord::state).containsExactly("Scheduled", "Running", "Completed"));
            assertThat(root.history()).extracting(StateRecord::state).containsExactly("Scheduled", "Running", "Completed");
            assertThat(root.history().size() + children.stream().mapToLong(child -> child.history().size()).sum())
                    .as("every state the engine published").isEqualTo(states.get());
        }
    }

    @Test
    void aLogLinePostgresCannotStoreIsLeftOutAloneAndTheRestIsRecorded() throws Exception {
        Task<Integer, Integer> note = Task.named("note", (Integer i) -> {
            RunContext.current().log().info(i == 7 ? "a zero byte \u0000 here" : "item %d", i);
            return i;
        });
        Flow<Integer, Integer> notes = Flow.named("notes", (Integer n) ->
                note.map(java.util.stream.IntStream.range(0, n).boxed()).join().size());
        List<RunInfo> noted = new CopyOnWriteArrayList<>();
        RunRecorder recorder = RunRecorder.to(RunStore.open(POSTGRES.url()));
        try (CapturedLogs console = CapturedLogs.of("io.loomflow.store")) { // not the runs' own lines
            try (Engine engine = Engine.builder().listener(recorder).listener(event -> {
                if (event instanceof Event.LogLine line && line.message().contains("\u0000")) {
                    noted.add(line.run());
                }
            }).build()) {
                assertThat(engine.run(notes, 50)).isEqualTo(50);
            }
            assertThat(console.consoleLines()).singleElement().asString()
                    .startsWith("WARNING run store SqlRunStore[" + POSTGRES.url() + "] refused a log line of task 'note'"
                            + " (run " + noted.getFirst().id() + ") (")
                    .endsWith("); that event is left out of the history, and recording goes on");
        }
        try (RunStore reopened = RunStore.openReadOnly(POSTGRES.url())) {
            RunRecord root = reopened.runs(RunQuery.all().withRootsOnly().withName("notes")).getFirst();
            List<RunRecord> children = reopened.children(root.id());
            assertThat(children).hasSize(50).allSatisfy(child -> assertThat(child.history())
                    .extracting(StateRecord::state).containsExactly("Scheduled", "Running", "Completed"));
            assertThat(children).filteredOn(child -> !child.id().equals(noted.getFirst().id()))
                    .allSatisfy(child -> assertThat(reopened.logs(child.id())).hasSize(1));
            assertThat(reopened.logs(noted.getFirst().id())).isEmpty();
        }
    }
}
