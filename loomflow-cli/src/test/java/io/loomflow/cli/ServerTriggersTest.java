package io.loomflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loomflow server} hosts the triggers of {@code conf/base/triggers.yml} on its engine: a run of
 * the source flow that completes starts the target flow once, and a dataset trigger over a versioned
 * dataset of the folder's catalog starts it once per new version (not for the version there before);
 * a trigger naming a flow not served, a dataset not in the catalog or a state that is none is exit 2,
 * naming the value, and starts no run.
 */
class ServerTriggersTest {

    private static final String SOURCES = """
            package ext;

            import io.loomflow.Flow;

            public final class Chain {
                public record Batch(String name) {}
                public record Label(String label) {}

                public static final Flow<Batch, String> INGEST = Flow.named("ingest", Batch.class,
                        (Batch b) -> "ingested " + b.name());
                public static final Flow<Label, String> REPORT = Flow.named("report", Label.class,
                        (Label l) -> "report " + l.label());
            }
            """;

    private static final String OLD = "2026-01-01T00.00.00.000Z";
    private static final String V2 = "2026-02-01T00.00.00.000Z";
    private static final String V3 = "2026-03-01T00.00.00.000Z";

    @TempDir
    Path directory;

    /** A project: flows/ with the sources, data/ with a version of prices, conf/base with its catalog and {@code yaml}. */
    private Path project(String yaml) throws Exception {
        Path project = Files.createDirectories(directory.resolve("project"));
        Path sources = Files.createDirectories(project.resolve("flows/ext"));
        Files.writeString(sources.resolve("Chain.java"), SOURCES);
        Path data = Files.createDirectories(project.resolve("data"));
        Path base = Files.createDirectories(project.resolve("conf/base"));
        Files.writeString(base.resolve("catalog.yml"), """
                storage:
                  file: { root: "%s" }
                datasets:
                  prices: { type: text, uri: "file:prices.txt", versioned: true }
                  notes:  { type: text, uri: "file:notes.txt" }
                """.formatted(data.toString().replace("\\", "/")));
        Files.writeString(base.resolve("triggers.yml"), yaml);
        version(project, OLD);
        return project;
    }

    /** Puts a version of prices in place, as another tool would. */
    private static void version(Path project, String version) throws Exception {
        Path folder = Files.createDirectories(project.resolve("data/prices.txt").resolve(version));
        Files.writeString(folder.resolve("prices.txt"), "42");
    }

    @Test
    // a JVM compiles the flows, then six runs; each wait below says what is missing
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aRunEndStartsTheTargetOnceAndEachNewVersionOnce() throws Exception {
        Path project = project("""
                report-after-ingest:
                  flow: report
                  onRunEnd: ingest
                  parameters: { label: after-ingest }
                report-on-prices:
                  flow: report
                  onNewVersion: prices
                  pollEvery: 1s
                  parameters: { label: new-prices }
                """);
        Path db = project.resolve(".loomflow");
        try (ServerProcess server = ServerProcess.start(directory, Map.of(), "--db", db.toString(),
                "--classes", project.resolve("flows").toString(), "--conf", project.resolve("conf").toString())) {
            assertThat(server.firstLine()).as(server.err()).startsWith("Loomflow server at ");

            String first = server.post("/api/flows/ingest/runs", "{\"name\":\"a\"}", null).json().path("id").asText();
            server.awaitState(first, "Completed", null);
            String report = awaitFire(db, "report-after-ingest", first, server);
            assertThat(server.awaitState(report, "Completed", null).path("result").asText())
                    .isEqualTo("report after-ingest");
            String second = server.post("/api/flows/ingest/runs", "{\"name\":\"b\"}", null).json().path("id").asText();
            server.awaitState(second, "Completed", null);
            server.awaitState(awaitFire(db, "report-after-ingest", second, server), "Completed", null);

            version(project, V2);
            String onV2 = awaitFire(db, "report-on-prices", V2, server);
            assertThat(server.awaitState(onV2, "Completed", null).path("result").asText()).isEqualTo("report new-prices");
            version(project, V3);
            server.awaitState(awaitFire(db, "report-on-prices", V3, server), "Completed", null);

            assertThat(server.terminate()).as(server.err()).isZero();
            assertThat(server.restOfOut()).isEqualTo("triggers from " + project.resolve("conf")
                    + ": report-after-ingest, report-on-prices (their runs start here)\n");
        }
        assertThat(fires(db, "report-after-ingest")).containsOnlyKeys(ingestRuns(db));
        assertThat(fires(db, "report-on-prices")).as("the version there before fires nothing")
                .containsOnlyKeys(V2, V3);
        Command runs = Command.run("runs", "--db", db.toString(), "--flow", "report");
        assertThat(runs.out().lines().filter(line -> line.matches(".* +report +Completed .*")))
                .as(runs.toString()).hasSize(4);
    }

    /** The ingest runs in the history: the sources the run-end trigger may have fired for. */
    private static String[] ingestRuns(Path db) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url(db), "sa", "");
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT id FROM lf_run WHERE name = 'ingest' AND parent_id IS NULL");
             ResultSet rows = statement.executeQuery()) {
            List<String> ids = new ArrayList<>();
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
            assertThat(ids).hasSize(2);
            return ids.toArray(String[]::new);
        }
    }

    @Test
    void aTriggerOfAnUnknownFlowDatasetOrStateIsExit2AndStartsNoRun() throws Exception {
        assertRefused("""
                after:
                  flow: reprot
                  onRunEnd: ingest
                  parameters: { label: x }
                """, "trigger after starts flow 'reprot'", "did you mean report?");
        assertRefused("""
                on-prices:
                  flow: report
                  onNewVersion: prizes
                  parameters: { label: x }
                """, "trigger on-prices watches dataset 'prizes', which is not in the catalog", "did you mean prices?");
        assertRefused("""
                on-notes:
                  flow: report
                  onNewVersion: notes
                  parameters: { label: x }
                """, "trigger on-notes watches new versions of dataset 'notes', which is not versioned",
                "versioned: true");
        assertRefused("""
                after:
                  flow: report
                  onRunEnd: ingest
                  states: [Finished]
                  parameters: { label: x }
                """, "triggers.yml:4:12: trigger after: 'Finished' is not a state", "Completed, Cached, Failed");
        assertRefused("""
                after:
                  flow: report
                  onRunEnd: ingest
                """, "trigger after: its parameters {} do not fit flow report", "label");
    }

    private void assertRefused(String yaml, String message, String hint) throws Exception {
        Path project = project(yaml);
        Path db = project.resolve(".loomflow");
        Command command = Command.run("server", "--port", "0", "--db", db.toString(),
                "--classes", project.resolve("flows").toString(), "--conf", project.resolve("conf").toString());
        assertThat(command.exitCode()).as(command.toString()).isEqualTo(2);
        assertThat(command.err()).as(command.toString()).startsWith("loomflow: ").contains(message).contains(hint);
        assertThat(command.out()).as("nothing served").isEmpty();
        Command runs = Command.run("runs", "--db", db.toString());
        assertThat(runs.out().lines().filter(line -> line.contains("Completed") || line.contains("Running")))
                .as("no run started: " + runs).isEmpty();
    }

    /** Polls the fires of the trigger until one for {@code source} started a run; returns that run's id. */
    private static String awaitFire(Path db, String trigger, String source, ServerProcess server) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Map<String, String> fires = Map.of();
        while (System.nanoTime() < deadline) {
            fires = fires(db, trigger);
            if (fires.containsKey(source)) {
                return fires.get(source);
            }
            Thread.sleep(100); // polling with the deadline above, not waiting for time to pass
        }
        throw new AssertionError("trigger " + trigger + " did not fire for " + source + " within 60 s: " + fires
                + "\nstderr:\n" + server.err());
    }

    /** The trigger's fires that started a run: run id by source. */
    private static Map<String, String> fires(Path db, String trigger) throws SQLException {
        Map<String, String> fires = new LinkedHashMap<>();
        try (Connection connection = DriverManager.getConnection(url(db), "sa", "");
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT source, run_id, state FROM lf_trigger_fire WHERE trigger_name = ? ORDER BY source")) {
            statement.setString(1, trigger);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    assertThat(rows.getString(3)).as("fire of %s for %s", trigger, rows.getString(1))
                            .isIn("claimed", "started");
                    if (rows.getString(3).equals("started")) {
                        fires.put(rows.getString(1), rows.getString(2));
                    }
                }
            }
        }
        return fires;
    }

    private static String url(Path db) {
        return "jdbc:h2:file:" + db.toAbsolutePath().normalize().resolve("history") + ";AUTO_SERVER=TRUE";
    }
}
