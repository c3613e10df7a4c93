package io.loomflow.opentelemetry;

import com.sun.net.httpserver.HttpServer;
import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.Task;
import io.opentelemetry.api.GlobalOpenTelemetry;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * The small application {@link JavaAgentTest} runs under the OpenTelemetry Java agent: a flow whose
 * task calls an HTTP server in the same process with {@link HttpClient} (which the agent
 * instruments), traced with {@code LoomflowTelemetry} on the agent's {@link GlobalOpenTelemetry}.
 */
public final class AgentApp {

    private AgentApp() {
    }

    /**
     * Runs the flow once and prints its result.
     *
     * @param args none
     * @throws Exception if the server cannot start
     */
    public static void main(String[] args) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hello", exchange -> {
            byte[] body = "hello from the server".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hello");
        try (HttpClient client = HttpClient.newHttpClient()) {
            Task<URI, String> fetch = Task.named("fetch", (URI target) -> client.send(HttpRequest.newBuilder(target)
                    .build(), HttpResponse.BodyHandlers.ofString()).body());
            Flow<URI, String> flow = Flow.named("agent-flow", (URI target) -> fetch.call(target));
            try (Engine engine = LoomflowTelemetry.create(GlobalOpenTelemetry.get()).install(Engine.builder()).build()) {
                System.out.println("result: " + engine.run(flow, uri));
            }
        } finally {
            server.stop(0);
        }
    }
}
