package io.loomflow.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.loomflow.Flow;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A mounted server: it listens on no port, answers through {@link LoomflowServer#handler()} the paths below its
 * mount path, and writes every link with the mount path in front. Here a JDK server of the test's own hands it
 * the requests (as a Spring application's servlet does, with the mount path taken off).
 */
class MountTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private LoomflowServer server;
    private HttpServer host;

    public record Name(String name) {
    }

    @AfterEach
    void stop() {
        if (host != null) {
            host.stop(0);
        }
        if (server != null) {
            server.stop();
        }
    }

    private URI mount(String path) throws Exception {
        server = LoomflowServer.builder().flow(Flow.named("greet", Name.class, (Name n) -> "Hello, " + n.name()))
                .mount(path).build().start();
        host = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        host.createContext("/", server.handler());
        host.start();
        return URI.create("http://127.0.0.1:" + host.getAddress().getPort());
    }

    private HttpResponse<String> get(URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void linksPagesAndAnswersCarryTheMountPath() throws Exception {
        URI host = mount("/tools/loomflow");
        assertThat(server.uri()).isEqualTo(URI.create("/tools/loomflow/"));
        String home = get(host.resolve("/")).body();
        assertThat(home).contains("data-base=\"/tools/loomflow\"", "href=\"/tools/loomflow/static/app.css\"",
                "src=\"/tools/loomflow/static/app.js\"", "href=\"/tools/loomflow/runs\"", "href=\"/tools/loomflow/flows/greet\"")
                .doesNotContain("href=\"/runs\"", "href=\"/flows/");
        assertThat(get(host.resolve("/static/app.js")).body()).doesNotContainPattern("[(=] '/(api|runs)/");
        JsonNode flows = json.readTree(get(host.resolve("/api/flows")).body());
        assertThat(flows.at("/flows/0/runs").asText()).isEqualTo("/tools/loomflow/api/flows/greet/runs");

        HttpResponse<String> started = http.send(HttpRequest.newBuilder(host.resolve("/api/flows/greet/runs"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Ada\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(started.statusCode()).isEqualTo(202);
        JsonNode body = json.readTree(started.body());
        String id = body.get("id").asText();
        assertThat(started.headers().firstValue("Location")).contains("/tools/loomflow/api/runs/" + id);
        assertThat(body.get("page").asText()).isEqualTo("/tools/loomflow/runs/" + id);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        JsonNode run;
        do {
            run = json.readTree(get(host.resolve("/api/runs/" + id)).body());
        } while (!run.get("final").asBoolean() && Instant.now().isBefore(deadline));
        assertThat(run.get("state").asText()).isEqualTo("Completed");
        assertThat(run.get("url").asText()).isEqualTo("/tools/loomflow/api/runs/" + id);
        assertThat(get(host.resolve("/runs/" + id)).body()).contains("href=\"/tools/loomflow/runs\"");
        HttpResponse<String> missing = get(host.resolve("/nothing"));
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("href=\"/tools/loomflow/\"");
    }

    @Test
    void aServerThatListensItselfWritesLinksFromTheRoot() throws Exception {
        server = LoomflowServer.builder().flow(Flow.named("greet", Name.class, (Name n) -> "Hello, " + n.name())).port(0)
                .build().start();
        String home = get(server.uri()).body();
        assertThat(home).contains("data-base=\"\"", "href=\"/static/app.css\"", "href=\"/runs\"", "href=\"/flows/greet\"");
    }

    @Test
    void aBadMountPathIsRefusedSayingWhatFits() {
        for (String bad : new String[] {"loomflow", "/loomflow/", "/a b", "/../x", ""}) {
            assertThatThrownBy(() -> LoomflowServer.builder().mount(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("mount path was '" + bad + "'").hasMessageContaining("such as /loomflow");
        }
        assertThatThrownBy(() -> LoomflowServer.builder().mount("/x").dev(Path.of("flows")).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("leave out mount(...)");
    }

    @Test
    void endEventStreamsEndsOpenStreams() throws Exception {
        URI host = mount("/loomflow");
        HttpResponse<java.io.InputStream> stream = http.send(HttpRequest.newBuilder(host.resolve("/api/events")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        var drained = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try (var in = stream.body()) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            } catch (java.io.IOException ended) {
                // ended too
            }
        });
        server.endEventStreams();
        drained.get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(get(host.resolve("/api/health")).statusCode()).isEqualTo(200); // the rest goes on
    }
}
