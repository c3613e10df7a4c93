package io.loomflow.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.State;
import io.loomflow.store.RunQuery;
import io.loomflow.store.RunRecord;
import io.loomflow.store.RunStore;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** A real Spring Boot web application on a free port, with the UI and API mounted under /loomflow. */
class MountedServerTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final ObjectMapper json = new ObjectMapper();
    private ConfigurableApplicationContext context;

    /** Holds a run until released. */
    static final class Gate {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile Thread runThread;
    }

    /** The held flow's parameters. */
    public record Hold(String name) {
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {
        @Bean
        Gate gate() {
            return new Gate();
        }

        @Bean
        Flow<Hold, String> held(Gate gate) {
            return Flow.named("held", Hold.class, (Hold hold) -> {
                gate.runThread = Thread.currentThread();
                gate.started.countDown();
                gate.release.await();
                return "done " + hold.name();
            });
        }
    }

    private URI start(String... properties) {
        context = new SpringApplicationBuilder(App.class).properties("server.port=0",
                "management.endpoints.web.exposure.include=health,metrics", "management.endpoint.health.show-details=always")
                .properties(properties).run();
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        return URI.create("http://localhost:" + port);
    }

    @AfterEach
    void close() {
        if (context != null) {
            context.getBean(Gate.class).release.countDown();
            context.close();
        }
    }

    private HttpResponse<String> get(URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).timeout(DEADLINE).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(URI uri, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).timeout(DEADLINE).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static <T> T await(String what, Supplier<T> poll) throws InterruptedException {
        Instant deadline = Instant.now().plus(DEADLINE);
        while (Instant.now().isBefore(deadline)) {
            T value = poll.get();
            if (value != null) {
                return value;
            }
            Thread.sleep(20); // polling for an event, with a deadline
        }
        throw new AssertionError("waited " + DEADLINE + " for " + what);
    }

    @Test
    void theUiAndApiAreServedUnderTheBasePathWithLiveEvents() throws Exception {
        URI app = start();
        Gate gate = context.getBean(Gate.class);

        HttpResponse<String> bare = get(app.resolve("/loomflow"));
        assertThat(bare.statusCode()).isEqualTo(302);
        assertThat(bare.headers().firstValue("Location").orElseThrow()).endsWith("/loomflow/");
        HttpResponse<String> home = get(app.resolve("/loomflow/"));
        assertThat(home.statusCode()).isEqualTo(200);
        assertThat(home.body()).contains("data-base=\"/loomflow\"", "href=\"/loomflow/static/app.css\"",
                "src=\"/loomflow/static/app.js\"", "href=\"/loomflow/runs\"", "href=\"/loomflow/flows/held\"");
        HttpResponse<String> script = get(app.resolve("/loomflow/static/app.js"));
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.body()).contains("const BASE = document.documentElement.dataset.base");
        assertThat(get(app.resolve("/loomflow/flows/held")).body()).contains("id=\"run-form\"");

        // Every event, streamed: opened before the run starts.
        HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(app.resolve("/loomflow/api/events")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
        BufferedReader events = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));

        HttpResponse<String> started = post(app.resolve("/loomflow/api/flows/held/runs"), "{\"name\":\"Ada\"}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        JsonNode body = json.readTree(started.body());
        String id = body.get("id").asText();
        assertThat(body.get("page").asText()).isEqualTo("/loomflow/runs/" + id);
        assertThat(body.get("url").asText()).isEqualTo("/loomflow/api/runs/" + id);
        assertThat(body.get("events").asText()).isEqualTo("/loomflow/api/events?run=" + id);
        assertThat(started.headers().firstValue("Location").orElseThrow()).isEqualTo("/loomflow/api/runs/" + id);

        assertThat(gate.started.await(60, TimeUnit.SECONDS)).isTrue();
        // While the run is held, its Running state arrives on the stream: the response is flushed as it is written.
        CompletableFuture<String> runningEvent = CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                do {
                    line = events.readLine();
                } while (line != null && !(line.startsWith("data:") && line.contains(id) && line.contains("\"Running\"")));
                return line;
            } catch (java.io.IOException failed) {
                throw new java.io.UncheckedIOException(failed);
            }
        });
        assertThat(runningEvent.get(60, TimeUnit.SECONDS)).as("the event stream ended early").isNotNull();

        JsonNode running = json.readTree(get(app.resolve("/loomflow/api/runs/" + id)).body());
        assertThat(running.get("final").asBoolean()).isFalse();
        gate.release.countDown();
        JsonNode done = await("the run to complete", () -> {
            try {
                JsonNode read = json.readTree(get(app.resolve(body.get("url").asText())).body());
                return read.get("final").asBoolean() ? read : null;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(done.get("state").asText()).isEqualTo("Completed");
        assertThat(done.get("page").asText()).isEqualTo("/loomflow/runs/" + id);

        HttpResponse<String> page = get(app.resolve("/loomflow/runs/" + id));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("data-run=\"" + id + "\"", "href=\"/loomflow/runs\"");
        HttpResponse<String> runs = get(app.resolve("/loomflow/api/runs"));
        assertThat(runs.body()).contains("\"/loomflow/runs/" + id + "\"");
        HttpResponse<String> missing = get(app.resolve("/loomflow/nothing"));
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("href=\"/loomflow/\"");

        JsonNode health = json.readTree(get(app.resolve("/actuator/health")).body());
        assertThat(health.at("/components/loomflow/status").asText()).isEqualTo("UP");
        assertThat(health.at("/components/loomflow/details/store").asText()).isEqualTo("reachable");
        for (String meter : List.of("loomflow.runs.started", "loomflow.runs.active", "loomflow.runs.ended",
                "loomflow.runs.duration")) {
            assertThat(get(app.resolve("/actuator/metrics/" + meter)).statusCode()).as(meter).isEqualTo(200);
        }
        JsonNode ended = json.readTree(get(app.resolve("/actuator/metrics/loomflow.runs.ended?tag=state:completed")).body());
        assertThat(ended.at("/measurements/0/value").asDouble()).isEqualTo(1.0);
        events.close();
    }

    @Test
    void aRunInFlightWhenTheContextClosesFinishesWithinTheGraceAndOpenStreamsEnd(@TempDir Path dir) throws Exception {
        // A graceful shutdown that would wait minutes for the open event stream, if the stream did not end first.
        URI app = start("loomflow.store.type=embedded", "loomflow.store.path=" + dir, "loomflow.shutdown.grace=60s",
                "spring.lifecycle.timeout-per-shutdown-phase=5m");
        Gate gate = context.getBean(Gate.class);
        Engine engine = context.getBean(Engine.class);
        HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(app.resolve("/loomflow/api/events")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        CompletableFuture<Void> streamEnded = CompletableFuture.runAsync(() -> {
            try (InputStream in = stream.body()) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            } catch (java.io.IOException ended) {
                // ended as well
            }
        });
        String id = json.readTree(post(app.resolve("/loomflow/api/flows/held/runs"), "{\"name\":\"Ada\"}").body())
                .get("id").asText();
        assertThat(gate.started.await(60, TimeUnit.SECONDS)).isTrue();

        ConfigurableApplicationContext closing = context;
        context = null;
        CompletableFuture<Void> closed = CompletableFuture.runAsync(closing::close);
        streamEnded.get(60, TimeUnit.SECONDS); // before the engine closes: the graceful shutdown does not wait for it
        await("the engine to stop admitting runs", () -> engine.isClosed() ? true : null);
        assertThat(closed).isNotDone(); // the run is still held: the close waits for it
        // The engine closes after the web server stopped: nothing answers any more.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> get(app.resolve("/actuator/health")))
                .isInstanceOf(java.io.IOException.class);
        gate.release.countDown();
        closed.get(60, TimeUnit.SECONDS);
        assertThat(gate.runThread.isAlive()).isFalse();
        try (RunStore history = RunStore.embedded(dir)) {
            RunRecord run = history.run(java.util.UUID.fromString(id)).orElseThrow();
            assertThat(run.state()).isEqualTo(State.Kind.COMPLETED);
        }
    }

    @Test
    void aRunStillInFlightAfterTheGraceIsCancelledAndRecordedSo(@TempDir Path dir) throws Exception {
        URI app = start("loomflow.store.type=embedded", "loomflow.store.path=" + dir, "loomflow.shutdown.grace=0s");
        Gate gate = context.getBean(Gate.class);
        String id = json.readTree(post(app.resolve("/loomflow/api/flows/held/runs"), "{\"name\":\"Ada\"}").body())
                .get("id").asText();
        assertThat(gate.started.await(60, TimeUnit.SECONDS)).isTrue();
        ConfigurableApplicationContext closing = context;
        context = null;
        closing.close(); // the gate is never opened
        gate.runThread.join(TimeUnit.SECONDS.toMillis(60));
        assertThat(gate.runThread.isAlive()).isFalse();
        try (RunStore history = RunStore.embedded(dir)) {
            assertThat(history.run(java.util.UUID.fromString(id)).orElseThrow().state()).isEqualTo(State.Kind.CANCELLED);
            assertThat(history.runs(RunQuery.all())).hasSize(1);
        }
    }
}
