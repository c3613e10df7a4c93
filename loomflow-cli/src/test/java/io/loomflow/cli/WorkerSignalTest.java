package io.loomflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.store.contract.Postgres;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loomflow worker} in a JVM of its own, sent SIGTERM while a run is in flight that takes longer
 * than the grace: it exits 0 within the grace plus 5 s, and the run is back in the queue at once
 * (queued, no owner), not after its lease expires.
 */
class WorkerSignalTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    @TempDir
    Path directory;

    @Test
    void sigtermHandsTheRunInFlightBackAtOnceAndExitsZeroWithinTheGrace() throws Exception {
        Duration grace = Duration.ofSeconds(1);
        Path err = directory.resolve("err.txt");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "worker", "--db", POSTGRES.url(),
                "--name", "doomed", "--grace", "1s", "--lease", "60s"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(err.toFile());
        builder.environment().remove("LOOMFLOW_DB");
        Process process = builder.start();
        // Whatever happens, the child is gone before the test's own time limit.
        CompletableFuture.delayedExecutor(90, TimeUnit.SECONDS).execute(process::destroyForcibly);
        List<String> out = new ArrayList<>();
        String runId = null;
        long terminatedAt = 0;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                out.add(line);
                if (line.endsWith("Ctrl-C to stop") && runId == null) {
                    Command submit = Command.run("submit", "sleepy", "-p", "seconds=60", "--db", POSTGRES.url());
                    assertThat(submit.exitCode()).as(submit.toString()).isZero();
                    runId = submit.out().strip();
                }
                if (runId != null && terminatedAt == 0 && line.contains("claimed  sleepy  " + runId)) {
                    terminatedAt = System.nanoTime();
                    process.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of the pipes
                }
            }
        } finally {
            process.waitFor();
        }
        Duration exitedAfter = Duration.ofNanos(System.nanoTime() - terminatedAt);
        String said = "out:\n" + String.join("\n", out) + "\nerr:\n" + Files.readString(err);

        assertThat(terminatedAt).as(said).isNotZero();
        assertThat(process.exitValue()).as(said).isZero();
        assertThat(exitedAfter).as(said).isLessThan(grace.plusSeconds(5));
        String handedBack = "left     sleepy  " + runId + "  handed back to the queue";
        assertThat(out).as(said).contains("worker doomed stopped")
                .anySatisfy(line -> assertThat(line).contains(handedBack));
        try (Connection connection = POSTGRES.connect();
             PreparedStatement statement = connection.prepareStatement("SELECT state, owner FROM lf_queue WHERE id = ?")) {
            statement.setObject(1, UUID.fromString(runId));
            try (ResultSet row = statement.executeQuery()) {
                assertThat(row.next()).isTrue();
                assertThat(row.getString("state")).as("the lease of 60 s has not expired, yet it is queued").isEqualTo("queued");
                assertThat(row.getObject("owner")).isNull();
            }
        }
    }
}
