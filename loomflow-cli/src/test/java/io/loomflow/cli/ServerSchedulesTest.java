package io.loomflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loomflow server} hosts the schedules of {@code conf/base/schedules.yml}: a schedule of a flow
 * given with {@code --classes} fires on the server's engine, its runs are recorded in the run
 * history, and {@code GET /api/schedules} lists it; a mistake in the file, a schedule of a flow not
 * served and a database in memory are refused with exit 2 before anything is served.
 */
class ServerSchedulesTest {

    private static final String TICKS = """
            package ext;

            import io.loomflow.Flow;

            public final class Ticks {
                public record Params(String label) {}

                public static final Flow<Params, String> TICK = Flow.named("tick", Params.class,
                        (Params p) -> "tick " + p.label());
            }
            """;

    @TempDir
    Path directory;

    /** A project: flows/ with the tick flow's source, conf/base with an empty catalog and {@code yaml} as schedules.yml. */
    private Path project(String yaml) throws Exception {
        Path project = Files.createDirectories(directory.resolve("project"));
        Path sources = Files.createDirectories(project.resolve("flows/ext"));
        Files.writeString(sources.resolve("Ticks.java"), TICKS);
        Path base = Files.createDirectories(project.resolve("conf/base"));
        Files.writeString(base.resolve("catalog.yml"), "datasets: {}\n");
        Files.writeString(base.resolve("schedules.yml"), yaml);
        return project;
    }

    @Test
    void theServerFiresAnEverySecondScheduleAndListsIt() throws Exception {
        Path project = project("""
                ticking:
                  flow: tick
                  every: 1s
                  parameters: { label: scheduled }
                """);
        Path db = project.resolve(".loomflow");
        try (ServerProcess server = ServerProcess.start(directory, Map.of(), "--db", db.toString(),
                "--classes", project.resolve("flows").toString(), "--conf", project.resolve("conf").toString())) {
            assertThat(server.firstLine()).as(server.err())
                    .matches("Loomflow server at http://127\\.0\\.0\\.1:\\d+/ \\(14 flows; Ctrl-C to stop\\)");

            JsonNode list = server.get("/api/schedules", null).json();
            assertThat(list.path("schedules").findValuesAsText("name")).containsExactly("ticking");
            assertThat(list.path("schedules").get(0).path("flow").asText()).isEqualTo("tick");
            assertThat(list.path("schedules").get(0).path("paused").asBoolean()).isFalse();

            String runId = awaitFiredRun(server, "ticking");
            JsonNode run = server.awaitState(runId, "Completed", null);
            assertThat(run.path("result").asText()).isEqualTo("tick scheduled");
            Command runs = Command.run("runs", "--db", db.toString(), "--flow", "tick");
            assertThat(runs.out()).as(runs.toString()).containsPattern(runId + " +tick +Completed");

            assertThat(server.terminate()).as(server.err()).isZero();
            assertThat(server.restOfOut()).isEqualTo("schedules from " + project.resolve("conf")
                    + ": ticking (their runs start here)\n");
        }
    }

    /** Polls the API until the schedule fired a slot whose run the history has; returns that run's id. */
    private static String awaitFiredRun(ServerProcess server, String name) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode view = null;
        while (System.nanoTime() < deadline) {
            view = server.get("/api/schedules/" + name, null).json();
            for (JsonNode slot : view.path("recent")) {
                if (!slot.path("runState").isMissingNode() && !slot.path("runState").isNull()) {
                    return slot.path("runId").asText();
                }
            }
            Thread.sleep(100); // polling with the deadline above, not waiting for time to pass
        }
        throw new AssertionError("schedule " + name + " fired no run the history has within 60 s: " + view
                + "\nstderr:\n" + server.err());
    }

    @Test
    void aMistakeInSchedulesYmlIsExit2WithTheFileAndLine() throws Exception {
        Path project = project("""
                ticking:
                  flow: tick
                  every: 1 second
                """);
        Path db = project.resolve(".loomflow");
        Command command = Command.run("server", "--port", "0", "--db", db.toString(),
                "--classes", project.resolve("flows").toString(), "--conf", project.resolve("conf").toString());
        assertThat(command.exitCode()).as(command.toString()).isEqualTo(2);
        assertThat(command.err()).startsWith("loomflow: " + project.resolve("conf/base/schedules.yml") + ":3:")
                .contains("1 second");
        assertThat(db).as("bad input is refused before the store is made").doesNotExist();
    }

    @Test
    void aScheduleOfAFlowNotServedIsExit2NamingIt() throws Exception {
        Path project = project("""
                ticking:
                  flow: tock
                  every: 1s
                """);
        Command command = Command.run("server", "--port", "0", "--db", project.resolve(".loomflow").toString(),
                "--classes", project.resolve("flows").toString(), "--conf", project.resolve("conf").toString());
        assertThat(command.exitCode()).as(command.toString()).isEqualTo(2);
        assertThat(command.err()).contains("schedule ticking names flow 'tock'").contains("did you mean tick?");
    }

    @Test
    void schedulesOnADatabaseInMemoryAreRefused() throws Exception {
        Path project = project("""
                ticking:
                  flow: tick
                  every: 1s
                """);
        Command command = Command.run("server", "--port", "0", "--db", "jdbc:h2:mem:schedules",
                "--classes", project.resolve("flows").toString(), "--conf", project.resolve("conf").toString());
        assertThat(command.exitCode()).as(command.toString()).isEqualTo(2);
        assertThat(command.err()).contains("--db jdbc:h2:mem:schedules is a database in memory")
                .contains("pass --db with a PostgreSQL URL or a directory for the embedded store");
    }
}
