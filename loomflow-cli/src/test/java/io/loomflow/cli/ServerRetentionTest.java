package io.loomflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loomflow server --keep-runs N} (and {@code --keep-days D}): the retention prunes the history when the
 * server starts (and every hour after), keeping the newest runs; bad values are refused before
 * anything is opened.
 */
class ServerRetentionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    private String db() {
        return directory.resolve("history").toString();
    }

    @Test
    void keepRunsPrunesAllButTheNewestRunsWhenTheServerStarts() throws Exception {
        List<String> recorded = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Command run = Command.run("run", "many", "--param", "items=5", "--progress", "plain", "--db", db());
            assertThat(run.exitCode()).as(run.toString()).isZero();
            recorded.add(run.runId());
        }

        ByteArrayOutputStream out = new ByteArrayOutputStream(); // its methods are synchronized
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AtomicInteger exitCode = new AtomicInteger(-1);
        Thread pruning = Thread.ofPlatform().name("loomflow-server-command").daemon(true).start(() -> {
            try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
                 PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
                exitCode.set(Main.run(new String[] {"server", "--port", "0", "--db", db(), "--keep-runs", "2"},
                        outStream, errStream));
            }
        });
        try {
            Matcher printed = ServerProcess.ADDRESS.matcher("");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> printed.reset(out.toString(StandardCharsets.UTF_8).strip()).matches() || !pruning.isAlive());
            assertThat(pruning.isAlive()).as("still serving; out: " + out + "; err: " + err).isTrue();
            URI address = URI.create(printed.group(1));
            try (HttpClient client = HttpClient.newHttpClient()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> rootIds(client, address).size() == 2);
                assertThat(rootIds(client, address)).containsExactlyInAnyOrderElementsOf(recorded.subList(2, 4));
            }
        } finally {
            pruning.interrupt();
            pruning.join(Duration.ofSeconds(30));
        }
        assertThat(exitCode.get()).as("err: " + err).isZero();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--keep-days 0   | --keep-days 0 is too few; pass a whole number of days, 1 or more, or leave it out to keep every run",
            "--keep-runs -3  | --keep-runs -3 is negative; pass 0 or more, or leave it out to keep every run"})
    void badRetentionIsOneLineNamingTheValueAndCreatesNoStore(String option, String message) {
        List<String> args = new ArrayList<>(List.of("server", "--port", "0", "--db", db()));
        args.addAll(List.of(option.split(" ")));
        Command command = Command.run(args.toArray(String[]::new));

        assertThat(command.exitCode()).as(command.toString()).isEqualTo(2);
        assertThat(command.err().strip()).endsWith(message);
        assertThat(command.err()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(directory.resolve("history")).doesNotExist();
    }

    private static List<String> rootIds(HttpClient client, URI address) throws Exception {
        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(address.resolve("/api/runs?limit=100")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        for (JsonNode run : JSON.readTree(answer.body()).path("runs")) {
            ids.add(run.path("id").asText());
        }
        return ids;
    }
}
