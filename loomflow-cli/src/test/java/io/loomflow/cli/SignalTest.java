package io.loomflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.State;
import io.loomflow.store.RunQuery;
import io.loomflow.store.RunRecord;
import io.loomflow.store.RunStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM (what Ctrl-C also leads to) cancels the run: it is recorded Cancelled and the summary
 * says so, and the process exits within the grace given to runs that ignore their cancellation
 * (5 s) plus a second, whatever the run.
 */
class SignalTest {

    /** What {@code loomflow run} promises: the cancel grace of its engine, plus a second. */
    private static final Duration EXIT_WITHIN = Duration.ofSeconds(6);
    /** What a loaded CI machine may add to it: starting a thread and delivering a signal can be slow there. */
    private static final Duration LOADED_MACHINE = Duration.ofSeconds(4);

    @TempDir
    Path directory;

    /** A {@code loomflow run} in a child JVM, sent SIGTERM once it printed a line that {@code ready} accepts. */
    private record Stopped(int exitCode, List<String> out, String err, Duration exitedAfter) {
    }

    private Stopped runAndTerminate(Predicate<String> ready, String... arguments) throws Exception {
        Path err = directory.resolve("err.txt");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run", "--output", "text"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectError(err.toFile()).start();
        // Whatever happens, the child is gone before the test's own time limit: a child that never exits
        // is killed, which ends its output, and the test fails on its exit time instead of hanging.
        CompletableFuture.delayedExecutor(50, TimeUnit.SECONDS).execute(process::destroyForcibly);
        List<String> out = new ArrayList<>();
        long terminatedAt = 0;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                out.add(line);
                if (terminatedAt == 0 && ready.test(line)) {
                    terminatedAt = System.nanoTime();
                    process.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of the pipes
                }
            }
            // the output ends when the process exits
        } finally {
            process.waitFor();
        }
        assertThat(terminatedAt).as("a line to send SIGTERM after, in:\n%s\nerr:\n%s", out, Files.readString(err)).isNotZero();
        return new Stopped(process.exitValue(), out, Files.readString(err), Duration.ofNanos(System.nanoTime() - terminatedAt));
    }

    @Test
    void sigtermCancelsTheRunRecordsItCancelledAndPrintsTheSummary() throws Exception {
        Path db = directory.resolve("history");
        Stopped run = runAndTerminate(line -> line.contains("sleeping 60 s"),
                "sleepy", "--param", "seconds=60", "--db", db.toString(), "--progress", "plain");

        assertThat(run.exitCode()).as("the JVM's exit code for SIGTERM").isEqualTo(143);
        assertThat(run.out()).anySatisfy(line -> assertThat(line).containsPattern("sleep +Cancelled"))
                .anySatisfy(line -> assertThat(line).matches("sleepy Cancelled in .*; run [0-9a-f-]{36}"));
        assertThat(run.err()).isEqualTo("loomflow: SIGTERM: cancelling the run (again to quit at once)\n"
                + "loomflow: flow 'sleepy' was cancelled because the process was asked to stop (Ctrl-C or SIGTERM):"
                + " cancelled on request\n");
        try (RunStore store = RunStore.embedded(db)) {
            RunRecord root = store.runs(RunQuery.all().withRootsOnly()).getFirst();
            assertThat(root.state()).isEqualTo(State.Kind.CANCELLED);
            assertThat(store.children(root.id())).singleElement()
                    .satisfies(child -> assertThat(child.state()).isEqualTo(State.Kind.CANCELLED));
        }
    }

    @Test
    void sigtermExitsWithinTheGracePlusASecondWhenTheRunIgnoresItsCancellationAndRecordsItCrashed() throws Exception {
        Path db = directory.resolve("history");
        Stopped run = runAndTerminate(line -> line.contains("ignoring cancellation from now on"),
                "stubborn", "--db", db.toString(), "--progress", "plain");

        assertThat(run.exitedAfter()).as(run.toString()).isLessThan(EXIT_WITHIN.plus(LOADED_MACHINE));
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(143);
        assertThat(run.out()).anySatisfy(line -> assertThat(line).matches("stubborn Crashed in .*; run [0-9a-f-]{36}"));
        try (RunStore store = RunStore.embedded(db)) {
            RunRecord root = store.runs(RunQuery.all().withRootsOnly()).getFirst();
            assertThat(root.state()).isEqualTo(State.Kind.CRASHED);
            assertThat(root.history().getLast().detail()).contains("did not stop within PT5S of being cancelled");
        }
    }

    @Test
    void sigtermExitsWithinTheGracePlusASecondWhenTheHistoryCannotKeepUpWithAHundredThousandItems() throws Exception {
        Path db = directory.resolve("history");
        // Items that wait until they are cancelled: by the first line of counts, tens of thousands of
        // events are queued for the history, and cancelling the map makes 100,000 more.
        Stopped run = runAndTerminate(line -> line.contains("map of 100000 items: "),
                "fanout", "--param", "items=100000", "--param", "millis=600000", "--db", db.toString(), "--progress", "plain");

        assertThat(run.exitedAfter()).as(run.toString()).isLessThan(EXIT_WITHIN.plus(LOADED_MACHINE));
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(143);
        try (RunStore store = RunStore.embedded(db)) {
            // Ended in the history: Cancelled if it was written in time, Crashed (its process gone) if not.
            assertThat(store.runs(RunQuery.all().withRootsOnly())).singleElement()
                    .satisfies(root -> assertThat(root.state()).isIn(State.Kind.CANCELLED, State.Kind.CRASHED));
        }
    }
}
