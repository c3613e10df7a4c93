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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM (what Ctrl-C also leads to) cancels the run: it is recorded Cancelled and the summary says so. */
class SignalTest {

    @TempDir
    Path directory;

    @Test
    void sigtermCancelsTheRunRecordsItCancelledAndPrintsTheSummary() throws Exception {
        Path db = directory.resolve("history");
        Path err = directory.resolve("err.txt");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "run", "sleepy", "--param", "seconds=60", "--db", db.toString(), "--progress", "plain")
                .redirectError(err.toFile())
                .start();
        List<String> out = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                out.add(line);
                if (line.contains("sleeping 60 s")) {
                    process.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of the pipes
                }
            }
        } finally {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }

        assertThat(process.exitValue()).as("the JVM's exit code for SIGTERM").isEqualTo(143);
        assertThat(out).anySatisfy(line -> assertThat(line).containsPattern("sleep +Cancelled"))
                .anySatisfy(line -> assertThat(line).matches("sleepy Cancelled in .*; run [0-9a-f-]{36}"));
        assertThat(Files.readString(err)).isEqualTo("loomflow: SIGTERM: cancelling the run (again to quit at once)\n"
                + "loomflow: flow 'sleepy' was cancelled because the process was asked to stop (Ctrl-C or SIGTERM):"
                + " cancelled on request\n");
        try (RunStore store = RunStore.embedded(db)) {
            RunRecord root = store.runs(RunQuery.all().withRootsOnly()).getFirst();
            assertThat(root.state()).isEqualTo(State.Kind.CANCELLED);
            assertThat(store.children(root.id())).singleElement()
                    .satisfies(child -> assertThat(child.state()).isEqualTo(State.Kind.CANCELLED));
        }
    }
}
