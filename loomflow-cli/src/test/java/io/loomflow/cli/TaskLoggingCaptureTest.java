package io.loomflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomflow.store.LogRecord;
import io.loomflow.store.RunRecord;
import io.loomflow.store.RunStore;
import io.loomflow.store.contract.Postgres;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a task logs through SLF4J or System.Logger while it runs under the {@code loomflow} process (its
 * {@code main}, as a user runs it, with no logging configured) is in its run's log: in {@code loomflow
 * logs}, in the history run by run (a map item's lines in the item's run), in the server's API; once
 * each, and not on the console a second time.
 */
class TaskLoggingCaptureTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    @TempDir
    Path directory;

    /** A flow whose tasks log through SLF4J and System.Logger; a warning outside any run when the class loads. */
    static final String FLOWS = """
            package ext;
            import io.loomflow.Flow;
            import io.loomflow.Task;
            import java.util.List;
            public final class LoggingFlows {
                private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("ext.items");
                private static final System.Logger JDK = System.getLogger("ext.jdk");
                static {
                    LOG.warn("loaded outside of any run");
                }
                static final Task<String, String> ITEM = Task.named("item", (String id) -> {
                    LOG.info("slf4j says {}", id);
                    JDK.log(System.Logger.Level.WARNING, "System.Logger says {0}", id);
                    LOG.debug("below INFO, {}", id);
                    return id;
                });
                public record Params(String items) {}
                public static final Flow<Params, List<String>> LOGGING = Flow.named("logging", Params.class, (Params p) -> {
                    LOG.info("mapping {}", p.items());
                    return ITEM.map(List.of(p.items().split(","))).join();
                });
            }
            """;

    private record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out ---\n" + out + "--- err ---\n" + err;
        }
    }

    /** {@code loomflow ARGS} in a JVM of its own, through {@code Main.main}, without the tests' logging.properties. */
    private Result loomflow(String... args) throws Exception {
        return loomflow(List.of(), args);
    }

    /** {@code loomflow ARGS} in a JVM of its own started with these options. */
    private Result loomflow(List<String> jvmOptions, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(directory, "out", ".txt");
        Path err = Files.createTempFile(directory, "err", ".txt");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("loomflow " + String.join(" ", args) + " did not end within 60 s; stderr:\n"
                    + Files.readString(err));
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private Path sources() throws Exception {
        Path file = directory.resolve("flows/ext/LoggingFlows.java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, FLOWS);
        return directory.resolve("flows");
    }

    private static int count(String text, String part) {
        return (int) Pattern.compile(Pattern.quote(part)).matcher(text).results().count();
    }

    /** The history's lines of each run of the tree, by the run's name and input (an item's id). */
    private static void assertEachRunHasItsOwnLines(RunStore store, UUID rootId) {
        assertThat(store.logs(rootId)).extracting(LogRecord::message).containsExactly("mapping a,b,c");
        List<RunRecord> items = store.children(rootId);
        assertThat(items).hasSize(3).allSatisfy(item -> {
            assertThat(item.mapItem()).as("a map's item").isNotNull();
            String id = List.of("a", "b", "c").get(item.mapItem().index());
            assertThat(store.logs(item.id())).extracting(LogRecord::level, LogRecord::message).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("INFO", "slf4j says " + id),
                    org.assertj.core.groups.Tuple.tuple("WARNING", "System.Logger says " + id));
        });
    }

    @Test
    void runCapturesWhatTasksLogIntoTheirRunsOnceAndLogsShowsIt() throws Exception {
        Path db = directory.resolve("history");
        Result run = loomflow("run", "logging", "-p", "items=a,b,c", "--classes", sources().toString(),
                "--db", db.toString(), "--output", "text", "--progress", "plain");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        String printed = run.out() + run.err();
        for (String id : List.of("a", "b", "c")) {
            assertThat(count(printed, "System.Logger says " + id)).as("printed once, by the progress: " + run).isEqualTo(1);
            assertThat(count(printed, "slf4j says " + id)).as(run.toString()).isEqualTo(1);
        }
        assertThat(printed).doesNotContain("below INFO");
        assertThat(run.err()).as("a warning outside of any run still reaches the console")
                .contains("loomflow: WARNING: loaded outside of any run\n");
        String runId = new Command(run.exitCode(), run.out(), run.err()).runId();

        Command logs = Command.run("logs", runId, "--db", db.toString());
        assertThat(logs.exitCode()).as(logs.toString()).isZero();
        List<String> lines = logs.out().lines().toList();
        assertThat(lines).hasSize(7);
        assertThat(lines).filteredOn(line -> line.endsWith("mapping a,b,c")).singleElement().asString()
                .containsPattern("  logging +INFO +mapping a,b,c$");
        for (String id : List.of("a", "b", "c")) {
            assertThat(lines).filteredOn(line -> line.endsWith("slf4j says " + id)).singleElement().asString()
                    .containsPattern("  item +INFO +slf4j says " + id + "$");
            assertThat(lines).filteredOn(line -> line.endsWith("System.Logger says " + id)).singleElement().asString()
                    .containsPattern("  item +WARNING +System.Logger says " + id + "$");
        }
        try (RunStore store = RunStore.embeddedReadOnly(db)) {
            assertEachRunHasItsOwnLines(store, UUID.fromString(runId));
        }
    }

    @Test
    void aLoggingConfigurationOfTheUsersThatNamesTheHandlerIsKeptAndLinesAreCapturedOnce() throws Exception {
        Path properties = directory.resolve("logging.properties");
        Files.writeString(properties, """
                handlers = java.util.logging.ConsoleHandler, io.loomflow.slf4j.RunLogHandler
                .level = INFO
                io.loomflow.run.level = OFF
                java.util.logging.ConsoleHandler.level = INFO
                java.util.logging.ConsoleHandler.filter = io.loomflow.slf4j.UncapturedFilter
                java.util.logging.SimpleFormatter.format = mine %4$s %5$s%n
                """);
        Path db = directory.resolve("configured");
        Result run = loomflow(List.of("-Djava.util.logging.config.file=" + properties), "run", "logging",
                "-p", "items=a,b,c", "--classes", sources().toString(), "--db", db.toString(), "--output", "text",
                "--progress", "plain");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).as("the user's format on the console: " + run).contains("mine WARNING loaded outside of any run\n")
                .doesNotContain("mine INFO slf4j says", "mine WARNING System.Logger says");
        try (RunStore store = RunStore.embeddedReadOnly(db)) {
            assertEachRunHasItsOwnLines(store, UUID.fromString(new Command(run.exitCode(), run.out(), run.err()).runId()));
        }
    }

    @Test
    void theServerCommandCapturesWhatTasksLogIntoTheRunsItServes() throws Exception {
        Path db = directory.resolve("served");
        String id;
        try (ServerProcess server = ServerProcess.start(directory, Map.of(), "--db", db.toString(),
                "--classes", sources().toString())) {
            ServerProcess.Response started = server.post("/api/flows/logging/runs", "{\"items\":\"a,b,c\"}", null);
            assertThat(started.status()).as(started.body()).isEqualTo(202);
            id = started.json().path("id").asText();
            server.awaitState(id, "Completed", null);
            JsonNode logs = server.get("/api/runs/" + id + "/logs?tree=true", null).json();
            List<String> messages = new ArrayList<>();
            logs.path("lines").forEach(line -> messages.add(line.path("message").asText()));
            assertThat(messages).as(logs.toString()).containsExactlyInAnyOrder("mapping a,b,c",
                    "slf4j says a", "slf4j says b", "slf4j says c",
                    "System.Logger says a", "System.Logger says b", "System.Logger says c");
            assertThat(server.terminate()).as(server.err()).isZero();
            assertThat(server.err()).as("not on the console: in the run's log").doesNotContain("says");
        }
        try (RunStore store = RunStore.embeddedReadOnly(db)) {
            assertEachRunHasItsOwnLines(store, UUID.fromString(id));
        }
    }

    @Test
    void theWorkerCommandCapturesWhatTasksLogIntoTheRunsItTakesFromTheQueue() throws Exception {
        Path flows = sources();
        Path err = Files.createTempFile(directory, "worker-err", ".txt");
        Process worker = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "worker", "--db", POSTGRES.url(),
                "--name", "logs", "--classes", flows.toString()).redirectError(err.toFile()).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8))) {
            String first = out.readLine(); // blocks until the worker serves, or has ended
            assertThat(first).as("stderr: " + Files.readString(err)).contains("Ctrl-C to stop");

            Command submit = Command.run("submit", "logging", "-p", "items=a,b,c", "--db", POSTGRES.url(), "--wait",
                    "--output", "text");
            assertThat(submit.exitCode()).as(submit.toString()).isZero();
            String id = submit.out().lines().findFirst().orElseThrow();

            Command logs = Command.run("logs", id, "--db", POSTGRES.url());
            assertThat(logs.exitCode()).as(logs.toString()).isZero();
            for (String item : List.of("a", "b", "c")) {
                assertThat(logs.out().lines().toList()).as(logs.toString())
                        .filteredOn(line -> line.endsWith("says " + item)).hasSize(2)
                        .allSatisfy(line -> assertThat(line).containsPattern("  item +(INFO|WARNING) "));
            }
            try (RunStore store = RunStore.openReadOnly(POSTGRES.url())) {
                assertEachRunHasItsOwnLines(store, UUID.fromString(id));
            }
            worker.toHandle().destroy(); // SIGTERM
            assertThat(worker.waitFor(30, TimeUnit.SECONDS)).as("the worker stops on SIGTERM").isTrue();
            assertThat(Files.readString(err)).as("not on the console: in the run's log").doesNotContain("says");
        } finally {
            worker.destroyForcibly();
        }
    }

    @Test
    void theDevCommandCapturesWhatTasksLogIntoTheRunsOfItsGeneration() throws Exception {
        Path flows = sources();
        Path db = directory.resolve("dev-history");
        Path err = Files.createTempFile(directory, "dev-err", ".txt");
        Process dev = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "dev", flows.toString(), "--port", "0",
                "--db", db.toString()).redirectError(err.toFile()).start();
        ObjectMapper json = new ObjectMapper();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(dev.getInputStream(), StandardCharsets.UTF_8));
             HttpClient client = HttpClient.newHttpClient()) {
            Matcher address = Pattern.compile("Loomflow dev server at (http://\\S+) \\(watching .*").matcher("");
            for (String line = out.readLine(); !address.reset(line == null ? "" : line).matches(); line = out.readLine()) {
                assertThat(line).as("the address line; stderr: " + Files.readString(err)).isNotNull();
            }
            URI base = URI.create(address.group(1));
            HttpResponse<String> started = client.send(HttpRequest.newBuilder(base.resolve("/api/flows/logging/runs"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"items\":\"a,b,c\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
            String id = json.readTree(started.body()).path("id").asText();
            await().atMost(Duration.ofSeconds(30)).until(() -> json.readTree(client.send(HttpRequest.newBuilder(
                    base.resolve("/api/runs/" + id)).build(), HttpResponse.BodyHandlers.ofString()).body())
                    .path("final").asBoolean());
            JsonNode logs = json.readTree(client.send(HttpRequest.newBuilder(base.resolve("/api/runs/" + id + "/logs?tree=true"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body());
            List<String> messages = new ArrayList<>();
            logs.path("lines").forEach(line -> messages.add(line.path("message").asText()));
            assertThat(messages).as(logs.toString()).containsExactlyInAnyOrder("mapping a,b,c",
                    "slf4j says a", "slf4j says b", "slf4j says c",
                    "System.Logger says a", "System.Logger says b", "System.Logger says c");
            dev.toHandle().destroy(); // SIGTERM
            assertThat(dev.waitFor(30, TimeUnit.SECONDS)).as("dev stops on SIGTERM").isTrue();
            assertThat(Files.readString(err)).as("not on the console: in the run's log").doesNotContain("says");
        } finally {
            dev.destroyForcibly();
        }
    }
}
