package io.loomflow.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The application on a free port, with a model server of the test's own that holds every reply until the test
 * opens its gate: {@code POST /evaluations} answers 202 while the run is still in flight.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EvaluationApplicationTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final CountDownLatch CALLED = new CountDownLatch(1);
    private static final CountDownLatch GATE = new CountDownLatch(1);
    private static final HttpServer MODEL = model();

    /** Speaks Ollama's chat API: every answer passes, once the gate is open. */
    private static HttpServer model() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/api/chat", exchange -> {
                exchange.getRequestBody().readAllBytes();
                CALLED.countDown();
                try {
                    GATE.await();
                } catch (InterruptedException stopped) {
                    Thread.currentThread().interrupt();
                }
                byte[] reply = "{\"message\":{\"role\":\"assistant\",\"content\":\"PASS the same\"}}"
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, reply.length);
                exchange.getResponseBody().write(reply);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException failed) {
            throw new IllegalStateException(failed);
        }
    }

    @DynamicPropertySource
    static void modelServer(DynamicPropertyRegistry registry) {
        registry.add("evaluation.model-server", () -> "http://127.0.0.1:" + MODEL.getAddress().getPort());
        registry.add("loomflow.store.type", () -> "memory");
    }

    @AfterAll
    static void stopModel() {
        GATE.countDown();
        MODEL.stop(0);
    }

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(DEADLINE).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(DEADLINE)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anEvaluationStartsAtOnceRunsInTheBackgroundAndIsReadThroughTheMountedUi() throws Exception {
        HttpResponse<String> started = post("/evaluations", "{}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        JsonNode body = json.readTree(started.body());
        String id = body.get("id").asText();
        assertThat(body.get("page").asText()).isEqualTo("/loomflow/runs/" + id);
        assertThat(started.headers().firstValue("Location")).contains("/loomflow/api/runs/" + id);

        // The answer came while the model server holds its first reply: the run is in flight.
        assertThat(CALLED.await(60, TimeUnit.SECONDS)).isTrue();
        JsonNode running = json.readTree(get(body.get("run").asText()).body());
        assertThat(running.get("final").asBoolean()).isFalse();
        assertThat(running.get("state").asText()).isEqualTo("Running");

        GATE.countDown();
        Instant deadline = Instant.now().plus(DEADLINE);
        JsonNode run = running;
        while (!run.get("final").asBoolean() && Instant.now().isBefore(deadline)) {
            Thread.sleep(20); // polling the API for the run's end, with a deadline
            run = json.readTree(get(body.get("run").asText()).body());
        }
        assertThat(run.get("state").asText()).isEqualTo("Completed");
        assertThat(run.at("/result/rows").asInt()).isEqualTo(run.at("/result/passed").asInt()).isPositive();

        HttpResponse<String> page = get(body.get("page").asText());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("data-run=\"" + id + "\"", "src=\"/loomflow/static/app.js\"");
        assertThat(get("/loomflow/static/app.js").statusCode()).isEqualTo(200);
        assertThat(get("/loomflow/flows/evaluation").body()).contains("id=\"run-form\"");

        JsonNode health = json.readTree(get("/actuator/health").body());
        assertThat(health.get("status").asText()).isEqualTo("UP");
        assertThat(health.at("/components/loomflow/status").asText()).isEqualTo("UP");
        JsonNode ended = json.readTree(get("/actuator/metrics/loomflow.runs.ended?tag=state:completed").body());
        assertThat(ended.at("/measurements/0/value").asDouble()).isGreaterThanOrEqualTo(1.0);
        assertThat(get("/actuator/metrics/loomflow.runs.started").statusCode()).isEqualTo(200);
        assertThat(get("/actuator/metrics/loomflow.runs.duration").statusCode()).isEqualTo(200);
    }

    @Test
    void aParameterThatDoesNotFitIsRefusedSayingWhy() throws Exception {
        HttpResponse<String> refused = post("/evaluations", "{\"model\":\" \"}");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(json.readTree(refused.body()).get("error").asText()).startsWith("model was blank");
    }
}
