package io.loomflow.cli;

import static io.loomflow.cli.BadInputTest.badInput;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.loomflow.State;
import io.loomflow.store.RunQuery;
import io.loomflow.store.RunStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loomflow dev DIR}: the console tells each compile (the flows served, or the problems with
 * file and line) and each failed run with the source line it failed at; bad input is refused.
 */
class DevCommandTest {

    private static final Pattern ADDRESS = Pattern.compile("(?s)Loomflow dev server at (http://\\S+) \\(watching .*");

    private static final String SOURCE = """
            import io.loomflow.Flow;

            public class Checks {
                public record Params(int limit) { }
                public static final Flow<Params, String> FLOW = Flow.named("%s", Params.class, p -> {
                    if (p.limit() < 0) {
                        throw new IllegalArgumentException("limit " + p.limit() + " is below zero");
                    }
                    return "%s " + p.limit();
                });
            }
            """;

    @TempDir
    Path directory;

    @Test
    void itServesTheSourcesTellsEachCompileAndEachFailureAndStopsInOrder() throws Exception {
        Path flows = Files.createDirectory(directory.resolve("flows"));
        Files.writeString(flows.resolve("Checks.java"), SOURCE.formatted("check", "ok"));
        Path db = directory.resolve("history");
        ByteArrayOutputStream out = new ByteArrayOutputStream(); // its methods are synchronized
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AtomicInteger exitCode = new AtomicInteger(-1);
        Thread serving = Thread.ofPlatform().name("loomflow-dev-command").daemon(true).start(() -> {
            try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
                 PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
                exitCode.set(Main.run(new String[] {"dev", flows.toString(), "--port", "0", "--grace", "1s",
                        "--db", db.toString()}, outStream, errStream));
            }
        });
        try {
            Matcher printed = ADDRESS.matcher("");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> printed.reset(out.toString(StandardCharsets.UTF_8)).find() || !serving.isAlive());
            assertThat(serving.isAlive()).as("still serving; out: " + out + "; err: " + err).isTrue();
            URI address = URI.create(printed.group(1));
            assertThat(out.toString(StandardCharsets.UTF_8))
                    .matches("(?s)loomflow dev: generation 1 serves check \\(compiled and loaded in \\d+ ms\\)\n.*");

            try (HttpClient client = HttpClient.newHttpClient()) {
                HttpResponse<String> started = client.send(HttpRequest.newBuilder(address.resolve("/api/flows/check/runs"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"limit\":-3}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> err.toString(StandardCharsets.UTF_8).contains("at Checks.java"));
            assertThat(err.toString(StandardCharsets.UTF_8)).containsPattern("loomflow dev: flow 'check' \\(run [0-9a-f-]{36}\\)"
                    + " failed: java.lang.IllegalArgumentException: limit -3 is below zero \\(at Checks.java:7\\)\n");

            Files.writeString(flows.resolve("Checks.java"), SOURCE.formatted("check", "ok").replace("p.limit() < 0", "p.limitt() < 0"));
            await().atMost(Duration.ofSeconds(30)).until(() -> out.toString(StandardCharsets.UTF_8).contains("Checks.java:6:"));
            assertThat(out.toString(StandardCharsets.UTF_8)).containsPattern("loomflow dev: the sources have problems;"
                    + " generation 1 goes on serving:\n  Checks.java:6:\\d+: cannot find symbol.*\n");

            Files.writeString(flows.resolve("Checks.java"), SOURCE.formatted("verify", "fine"));
            await().atMost(Duration.ofSeconds(30)).until(() -> out.toString(StandardCharsets.UTF_8).contains("is now named"));
            assertThat(out.toString(StandardCharsets.UTF_8)).containsPattern("loomflow dev: generation 2 serves verify"
                    + " \\(compiled and loaded in \\d+ ms\\)\n  Checks.java: flow 'check' is now named 'verify'; .*\n");

            serving.interrupt();
            serving.join(Duration.ofSeconds(30));
            assertThat(serving.isAlive()).as("stopped once interrupted").isFalse();
            assertThat(exitCode.get()).as("err: " + err).isZero();
        } finally {
            serving.interrupt();
        }
        try (RunStore store = RunStore.embedded(db)) {
            assertThat(store.runs(RunQuery.all().withRootsOnly())).singleElement()
                    .satisfies(run -> assertThat(run.state()).isEqualTo(State.Kind.FAILED));
        }
    }

    @Test
    void aDirectoryThatIsNotThereIsRefusedBeforeTheStoreIsCreated() {
        assertThat(badInput("dev", directory.resolve("nope").toString(), "--port", "0", "--db",
                directory.resolve("history").toString()).err())
                .isEqualTo("loomflow: DIR " + directory.resolve("nope") + " is not a directory; pass the directory that"
                        + " holds your flows' .java sources\n");
        assertThat(Files.exists(directory.resolve("history"))).isFalse();
    }

    @Test
    void aGraceThatIsNotADurationIsRefused() {
        assertThat(badInput("dev", directory.toString(), "--grace", "soon", "--port", "0", "--db",
                directory.resolve("history").toString()).err())
                .isEqualTo("loomflow: --grace soon is not a duration; pass 10s, 500ms, 2m or ISO-8601 such as PT30S\n");
    }
}
