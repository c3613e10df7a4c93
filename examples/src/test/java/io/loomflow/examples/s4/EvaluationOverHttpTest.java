package io.loomflow.examples.s4;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loomflow.server.LoomflowServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario S4 end to end: a request to a {@link LoomflowServer} starts an evaluation of 200 rows,
 * answered 202 at once; the run grades them through a fake Ollama with at most four calls in flight
 * while the server's health check stays quick, and a model server error is recorded with its own
 * type and message.
 */
class EvaluationOverHttpTest {

    private static final int ROWS = 200;

    @TempDir
    Path folder;

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private FakeOllama model;
    private LoomflowServer server;

    @BeforeEach
    void start() {
        model = FakeOllama.start(Duration.ofMillis(50));
        server = LoomflowServer.builder().flow(Evaluation.FLOW).port(0).build().start();
    }

    @AfterEach
    void stop() {
        server.stop();
        model.close();
        http.close();
    }

    @Test
    void aRequestStartsTheEvaluationWhichNeverHasMoreThanFourCallsInFlightWhileHealthAnswersQuickly() throws Exception {
        warmUp();
        QuestionsFile questions = QuestionsFile.write(folder, ROWS);

        String id = startEvaluation(questions, model);
        List<Long> healthMicros = new ArrayList<>();
        JsonNode run = json.createObjectNode();
        while (!run.path("final").asBoolean()) {
            long before = System.nanoTime();
            HttpResponse<String> health = get("/api/health");
            healthMicros.add((System.nanoTime() - before) / 1_000);
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(json.readTree(health.body()).path("status").asText()).isEqualTo("ok");
            if (healthMicros.size() % 10 == 0) {
                run = read("/api/runs/" + id);
            }
            Thread.sleep(5);
        }

        assertThat(run.path("state").asText()).as("run %s", run).isEqualTo("Completed");
        JsonNode summary = run.path("result");
        assertThat(summary.path("rows").asInt()).isEqualTo(ROWS);
        assertThat(summary.path("passed").asInt()).isEqualTo(questions.expectedVerdicts().stream().filter(v -> v).count());
        assertThat(StreamSupport.stream(summary.path("results").spliterator(), false)
                .map(row -> row.path("question").asText()).toList())
                .containsExactlyElementsOf(questions.rows().stream().map(Evaluation.Row::question).toList());
        assertThat(StreamSupport.stream(summary.path("results").spliterator(), false)
                .map(row -> row.path("passed").asBoolean()).toList()).containsExactlyElementsOf(questions.expectedVerdicts());

        assertThat(model.requests()).isEqualTo(ROWS);
        assertThat(model.malformed()).isZero();
        assertThat(model.maxInFlight()).as("the most calls the model server had in flight at once: the limit"
                + " '%s' of 4, never more, and reached", Evaluation.MODEL_SERVER_LIMIT).isEqualTo(4);

        long p99 = percentile(healthMicros, 99);
        System.out.printf("S4: %d health checks during the run, p50 %.1f ms, p99 %.1f ms, max %.1f ms;"
                        + " at most %d model calls in flight%n", healthMicros.size(), percentile(healthMicros, 50) / 1000.0,
                p99 / 1000.0, percentile(healthMicros, 100) / 1000.0, model.maxInFlight());
        assertThat(healthMicros).as("health checks while the rows were graded").hasSizeGreaterThanOrEqualTo(100);
        assertThat(p99).as("p99 of the health check's latency, in microseconds").isLessThan(50_000);

        List<JsonNode> tree = runsBelow(id);
        Map<String, List<JsonNode>> byName = tree.stream().collect(Collectors.groupingBy(r -> r.path("name").asText()));
        assertThat(byName.keySet()).containsExactlyInAnyOrder("evaluation", "read-rows", "grade-batch", "grade");
        assertThat(byName.get("grade-batch")).hasSize((ROWS + Evaluation.ROWS_PER_BATCH - 1) / Evaluation.ROWS_PER_BATCH)
                .allSatisfy(batch -> {
                    assertThat(batch.path("kind").asText()).isEqualTo("flow");
                    assertThat(batch.path("parentId").asText()).isEqualTo(id);
                    assertThat(batch.path("state").asText()).isEqualTo("Completed");
                });
        List<String> batchIds = byName.get("grade-batch").stream().map(batch -> batch.path("id").asText()).toList();
        assertThat(byName.get("grade")).hasSize(ROWS)
                .allSatisfy(grade -> assertThat(batchIds).contains(grade.path("parentId").asText()));
    }

    @Test
    void aModelServerErrorIsTheRunsRecordedErrorWithItsOwnTypeAndMessage() throws Exception {
        QuestionsFile questions = QuestionsFile.write(folder, ROWS);
        model.failFor(questions.question(117));

        String id = startEvaluation(questions, model);
        JsonNode run = awaitEnd(id);

        assertThat(run.path("state").asText()).as("run %s", run).isEqualTo("Failed");
        JsonNode error = run.path("error");
        assertThat(error.path("type").asText()).isEqualTo(ModelServerException.class.getName());
        assertThat(error.path("message").asText())
                .startsWith("model server " + model.uri() + "/api/chat answered 500 to the question '"
                        + questions.question(117) + "': ")
                .contains("the fake model failed on purpose");

        // The same error, unchanged, at every level: the grade that threw it, its batch, the evaluation.
        Map<String, JsonNode> failedByName = runsBelow(id).stream().filter(r -> r.path("state").asText().equals("Failed"))
                .collect(Collectors.toMap(r -> r.path("name").asText(), Function.identity()));
        assertThat(failedByName).containsOnlyKeys("evaluation", "grade-batch", "grade");
        assertThat(failedByName.values()).allSatisfy(failed -> assertThat(failed.path("error")).isEqualTo(error));
        assertThat(failedByName.get("grade").path("parameters").path("question").asText())
                .isEqualTo(questions.question(117));
    }

    /**
     * Runs a small evaluation, against a model server of its own, and checks health a few times: the
     * latency measured afterwards is that of a server whose code the JIT has compiled, not of a JVM
     * that is still loading classes.
     */
    private void warmUp() throws IOException, InterruptedException {
        Path warmUpFolder = Files.createDirectory(folder.resolve("warm-up"));
        try (FakeOllama warmUpModel = FakeOllama.start(Duration.ofMillis(1))) {
            assertThat(awaitEnd(startEvaluation(QuestionsFile.write(warmUpFolder, 40), warmUpModel))
                    .path("state").asText()).isEqualTo("Completed");
        }
        for (int i = 0; i < 50; i++) {
            assertThat(get("/api/health").statusCode()).isEqualTo(200);
        }
    }

    private String startEvaluation(QuestionsFile questions, FakeOllama grader) throws IOException, InterruptedException {
        Evaluation.Params params = questions.params(grader);
        HttpResponse<String> started = http.send(HttpRequest.newBuilder(server.uri().resolve("/api/flows/evaluation/runs"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(Map.of("rows", params.rows(),
                        "modelServer", params.modelServer().toString(), "model", params.model())))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(started.statusCode()).as("answer %s", started.body()).isEqualTo(202);
        String id = json.readTree(started.body()).path("id").asText();
        assertThat(started.headers().firstValue("Location")).hasValue("/api/runs/" + id);
        return id;
    }

    private JsonNode awaitEnd(String id) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode run = read("/api/runs/" + id);
        while (!run.path("final").asBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            run = read("/api/runs/" + id);
        }
        return run;
    }

    /** The run and every run below it, read page by page: children, with each map's items. */
    private List<JsonNode> runsBelow(String id) throws IOException, InterruptedException {
        List<JsonNode> runs = new java.util.ArrayList<>(List.of(read("/api/runs/" + id)));
        java.util.ArrayDeque<String> parents = new java.util.ArrayDeque<>(List.of(id));
        while (!parents.isEmpty()) {
            String next = "/api/runs/" + parents.pop() + "/children?limit=1000";
            while (next != null) {
                JsonNode page = read(next);
                for (JsonNode node : page.path("nodes")) {
                    if (node.hasNonNull("run")) {
                        runs.add(node.path("run"));
                        parents.add(node.path("run").path("id").asText());
                    } else {
                        String items = node.path("map").path("items").asText() + "?limit=1000";
                        while (items != null) {
                            JsonNode itemPage = read(items);
                            for (JsonNode item : itemPage.path("items")) {
                                runs.add(item);
                                parents.add(item.path("id").asText());
                            }
                            items = itemPage.path("next").isTextual() ? itemPage.path("next").asText() : null;
                        }
                    }
                }
                next = page.path("next").isTextual() ? page.path("next").asText() : null;
            }
        }
        return runs;
    }

    private JsonNode read(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        URI uri = server.uri().resolve(path);
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The nearest-rank percentile: the smallest sample that at least {@code percent}% of them do not exceed. */
    private static long percentile(List<Long> samples, int percent) {
        List<Long> sorted = samples.stream().sorted().toList();
        return sorted.get(Math.max(0, (int) Math.ceil(percent / 100.0 * sorted.size()) - 1));
    }
}
