package io.loomflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.loomflow.store.RunQuery;
import io.loomflow.store.RunStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Main.run(server ...)} inside another program installs no signal handlers, so it serves until
 * the thread that called it is interrupted; then it stops in order and returns 0.
 */
class ServerInProcessTest {

    @TempDir
    Path directory;

    @Test
    void runInAnotherProgramItServesUntilItsThreadIsInterrupted() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(); // its methods are synchronized
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AtomicInteger exitCode = new AtomicInteger(-1);
        Path db = directory.resolve("history");
        Thread serving = Thread.ofPlatform().name("loomflow-server-command").daemon(true).start(() -> {
            try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
                 PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
                exitCode.set(Main.run(new String[] {"server", "--port", "0", "--db", db.toString()}, outStream, errStream));
            }
        });
        try {
            Matcher printed = ServerProcess.ADDRESS.matcher("");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> printed.reset(out.toString(StandardCharsets.UTF_8).strip()).matches() || !serving.isAlive());
            assertThat(serving.isAlive()).as("still serving; out: " + out + "; err: " + err).isTrue();
            URI address = URI.create(printed.group(1));
            try (HttpClient client = HttpClient.newHttpClient()) {
                HttpResponse<String> started = client.send(HttpRequest.newBuilder(address.resolve("/api/flows/plain/runs"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
            }

            serving.interrupt();
            serving.join(Duration.ofSeconds(30));

            assertThat(serving.isAlive()).as("stopped once interrupted").isFalse();
            assertThat(exitCode.get()).as("err: " + err).isZero();
        } finally {
            serving.interrupt();
        }
        try (RunStore store = RunStore.embedded(db)) {
            assertThat(store.runs(RunQuery.all().withRootsOnly())).singleElement()
                    .satisfies(run -> assertThat(run.name()).isEqualTo("plain"));
        }
    }
}
