package io.loomflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomflow.store.contract.Postgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loomflow server --workers --conf DIR} hosting an every-second schedule, with two {@code loomflow
 * worker} processes on the same PostgreSQL, each command in a JVM of its own (issue 19): every slot of the
 * window is queued once, under its slot's idempotency key, and completed by one of the workers; the history
 * has each run, and {@code /api/schedules/{name}} lists every run the schedule made with its state there.
 */
class ServerWorkersSchedulesTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    /** Slots whose runs the window must hold, completed, before the schedule is paused. */
    private static final int SLOTS = 6;

    @TempDir
    Path directory;

    @Test
    void eachSlotIsQueuedOnceAndCompletedByAWorkerAndTheScheduleListsItsRuns() throws Exception {
        Path conf = Files.createDirectories(directory.resolve("conf/base")).getParent();
        Files.writeString(conf.resolve("base/catalog.yml"), "datasets: {}\n");
        Files.writeString(conf.resolve("base/schedules.yml"), """
                ticking:
                  flow: greet
                  every: 1s
                  parameters: { name: scheduled }
                """);
        try (WorkerProcess one = WorkerProcess.start(directory, "w1");
             WorkerProcess two = WorkerProcess.start(directory, "w2");
             ServerProcess server = ServerProcess.start(directory, Map.of(), "--workers", "--db", POSTGRES.url(),
                     "--conf", conf.toString())) {
            assertThat(server.firstLine()).as(server.err())
                    .matches("Loomflow server at http://127\\.0\\.0\\.1:\\d+/ \\(\\d+ flows; Ctrl-C to stop\\)");
            JsonNode list = server.get("/api/schedules", null).json();
            assertThat(list.path("schedules").findValuesAsText("name")).containsExactly("ticking");
            assertThat(list.path("schedules").get(0).path("flow").asText()).isEqualTo("greet");

            // the window: the schedule fires until SLOTS of its runs are completed, then it is paused
            schedule(server, view -> completed(view) >= SLOTS, "fired " + SLOTS + " slots whose runs completed");
            ServerProcess.Response paused = server.post("/api/schedules/ticking/pause", "{}", null);
            assertThat(paused.status()).as(paused.body()).isEqualTo(200);
            // a tick in flight when it was paused may still fire its slot: wait until every run listed ended
            JsonNode view = schedule(server, settled -> completed(settled) == settled.path("recent").size()
                    && settled.path("fired").asInt() == settled.path("recent").size(), "every slot's run completed");

            Map<String, String> runOfSlot = new LinkedHashMap<>();
            List<Instant> times = new ArrayList<>();
            for (JsonNode slot : view.path("recent")) {
                assertThat(runOfSlot.put(slot.path("slot").asText(), slot.path("runId").asText()))
                        .as("slot listed once: " + view).isNull();
                times.add(Instant.parse(slot.path("time").asText()));
                JsonNode run = server.get("/api/runs/" + slot.path("runId").asText(), null).json();
                assertThat(run.path("state").asText()).as(run.toString()).isEqualTo("Completed");
                assertThat(run.path("result").asText()).isEqualTo("Hello, scheduled!");
            }
            assertThat(runOfSlot).hasSizeGreaterThanOrEqualTo(SLOTS);
            times.sort(null);
            for (int i = 1; i < times.size(); i++) {
                assertThat(Duration.between(times.get(i - 1), times.get(i))).as("one slot a second: " + times)
                        .isEqualTo(Duration.ofSeconds(1));
            }

            // the queue: one run per slot, under the slot's key, completed by one of the two workers, and no other
            Set<UUID> workers = Set.of(workerId("w1"), workerId("w2"));
            List<QueueRow> queued = queuedRunsOf("greet");
            assertThat(queued).as("one queued run per slot, and no other run of the flow").hasSize(runOfSlot.size());
            runOfSlot.forEach((slot, runId) -> {
                QueueRow row = queued.stream().filter(each -> ("loomflow-schedule:ticking@" + slot).equals(each.key()))
                        .findFirst().orElse(null);
                assertThat(row).as("the run of slot " + slot + " queued under its key: " + queued).isNotNull();
                assertThat(row.id()).isEqualTo(runId);
                assertThat(row.state()).isEqualTo("completed");
                assertThat(workers).as("ended by a worker").contains(row.owner());
            });
            String said = one.out() + two.out();
            runOfSlot.values().forEach(runId -> assertThat(said).containsPattern("ended +greet +" + runId + " +Completed"));

            assertThat(server.terminate()).as(server.err()).isZero();
            assertThat(server.restOfOut()).contains("schedules from " + conf + ": ticking (their runs are queued for the"
                    + " workers)");
            assertThat(one.terminate()).as(one.out()).isZero();
            assertThat(two.terminate()).as(two.out()).isZero();
        }
    }

    /** Reads the schedule's fired slots until {@code done} holds of its view, for at most 45 s; returns that view. */
    private static JsonNode schedule(ServerProcess server, Predicate<JsonNode> done, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        JsonNode view = null;
        while (System.nanoTime() < deadline) {
            view = server.get("/api/schedules/ticking?limit=500", null).json();
            if (done.test(view)) {
                return view;
            }
            Thread.sleep(100); // polling with the deadline above, not waiting for time to pass
        }
        throw new AssertionError("the schedule has not " + what + " within 45 s: " + view + "\nserver stderr:\n"
                + server.err());
    }

    /** How many of the slots listed have a run the history shows completed. */
    private static int completed(JsonNode view) {
        int completed = 0;
        for (JsonNode slot : view.path("recent")) {
            completed += "Completed".equals(slot.path("runState").asText()) ? 1 : 0;
        }
        return completed;
    }

    /** A row of {@code lf_queue}. */
    private record QueueRow(String key, String id, String state, UUID owner) {
    }

    /** The queued runs of a flow. */
    private static List<QueueRow> queuedRunsOf(String flow) throws SQLException {
        try (Connection connection = POSTGRES.connect();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT id, idempotency_key, state, owner FROM lf_queue WHERE flow = ?")) {
            statement.setString(1, flow);
            List<QueueRow> rows = new ArrayList<>();
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    rows.add(new QueueRow(row.getString("idempotency_key"), row.getString("id"), row.getString("state"),
                            row.getObject("owner", UUID.class)));
                }
            }
            return rows;
        }
    }

    private static UUID workerId(String name) throws SQLException {
        try (Connection connection = POSTGRES.connect();
             PreparedStatement statement = connection.prepareStatement("SELECT id FROM lf_worker WHERE name = ?")) {
            statement.setString(1, name);
            try (ResultSet row = statement.executeQuery()) {
                assertThat(row.next()).as("worker " + name + " registered").isTrue();
                return row.getObject("id", UUID.class);
            }
        }
    }

    /** {@code loomflow worker} in a JVM of its own, its stdout kept as it prints it. */
    private static final class WorkerProcess implements AutoCloseable {

        private final Process process;
        private final StringBuffer out = new StringBuffer();
        private final Thread reader;

        private WorkerProcess(Process process) {
            this.process = process;
            this.reader = Thread.ofPlatform().daemon(true).start(() -> {
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        out.append(line).append('\n');
                    }
                } catch (IOException closed) {
                    // the process ended
                }
            });
        }

        /** Starts {@code loomflow worker --db URL --name NAME} and waits until it says it serves. */
        static WorkerProcess start(Path directory, String name) throws IOException, InterruptedException {
            Path err = Files.createTempFile(directory, "worker-err", ".txt");
            ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), Main.class.getName(), "worker", "--db", POSTGRES.url(),
                    "--name", name, "--concurrency", "4", "--grace", "5s").redirectError(err.toFile());
            builder.environment().remove("LOOMFLOW_DB");
            WorkerProcess worker = new WorkerProcess(builder.start());
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!worker.out().contains("Ctrl-C to stop")) {
                if (System.nanoTime() > deadline || !worker.process.isAlive()) {
                    worker.close();
                    throw new AssertionError("worker " + name + " did not start within 30 s; out:\n" + worker.out()
                            + "\nerr:\n" + Files.readString(err));
                }
                Thread.sleep(50); // polling with the deadline above, not waiting for time to pass
            }
            return worker;
        }

        String out() {
            return out.toString();
        }

        /** Sends SIGTERM and waits for it to end; returns its exit code. */
        int terminate() throws InterruptedException {
            process.toHandle().destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("the worker did not stop within 30 s of SIGTERM; out:\n" + out());
            }
            reader.join(Duration.ofSeconds(5));
            return process.exitValue();
        }

        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
