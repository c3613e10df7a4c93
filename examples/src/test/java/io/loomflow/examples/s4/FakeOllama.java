package io.loomflow.examples.s4;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model server on loopback that speaks Ollama's chat API ({@code POST /api/chat}, one JSON reply
 * with {@code stream: false}) and counts the calls it is answering at once.
 *
 * <p>It grades the way {@code Evaluation} asks a model to: it reads the {@code Question:},
 * {@code Answer:} and {@code Reference:} lines of the user message and replies {@code PASS} when
 * the answer equals the reference (ignoring case), {@code FAIL} otherwise, after a fixed delay that
 * stands for the model's work. A call counts as in flight from its arrival until its reply is about
 * to be sent, so a client that waits for the reply before it sends the next call can never be seen
 * above its own limit. A question given to {@link #failFor} is answered 500. Requests that are not
 * what Ollama accepts (another path or method, no model, no messages, {@code stream} not false) are
 * answered 400 and counted in {@link #malformed()}.
 *
 * <p>Thread-safe; one virtual thread per request. {@link #close()} stops it.
 */
final class FakeOllama implements AutoCloseable {

    private final ObjectMapper json = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Duration delay;
    private final Set<String> failing = ConcurrentHashMap.newKeySet();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger malformed = new AtomicInteger();

    private FakeOllama(Duration delay) throws IOException {
        this.delay = delay;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts a fake on a free port of 127.0.0.1 that takes {@code delay} to answer each call. */
    static FakeOllama start(Duration delay) {
        try {
            return new FakeOllama(delay);
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
    }

    /** The base URL, such as {@code http://127.0.0.1:40123}. */
    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Answers 500 to every call about this question from now on. */
    void failFor(String question) {
        failing.add(question);
    }

    /** The most calls that were in flight at once. */
    int maxInFlight() {
        return maxInFlight.get();
    }

    /** The chat calls received, answered or not, malformed ones included. */
    int requests() {
        return requests.get();
    }

    /** The calls answered 400 because Ollama would not have accepted them. */
    int malformed() {
        return malformed.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            requests.incrementAndGet();
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            int status;
            ObjectNode reply;
            try {
                JsonNode request = json.readTree(exchange.getRequestBody());
                String user = userMessage(exchange, request);
                Thread.sleep(delay);
                if (user == null) {
                    malformed.incrementAndGet();
                    status = 400;
                    reply = json.createObjectNode().put("error", "not an Ollama chat request: " + exchange.getRequestMethod()
                            + " " + exchange.getRequestURI() + " " + request);
                } else if (failing.contains(line(user, "Question: "))) {
                    status = 500;
                    reply = json.createObjectNode().put("error", "the fake model failed on purpose");
                } else {
                    status = 200;
                    boolean same = line(user, "Answer: ").equalsIgnoreCase(line(user, "Reference: "));
                    reply = json.createObjectNode().put("model", request.path("model").asText())
                            .put("created_at", Instant.now().toString()).put("done", true).put("done_reason", "stop");
                    reply.putObject("message").put("role", "assistant").put("content", same
                            ? "PASS. The answer matches the reference." : "FAIL. The answer differs from the reference.");
                }
            } catch (InterruptedException stopped) {
                Thread.currentThread().interrupt();
                status = 503;
                reply = json.createObjectNode().put("error", "the fake model server is stopping");
            } finally {
                inFlight.decrementAndGet(); // before the reply: a client may call again as soon as it has it
            }
            byte[] body = reply.toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** The content of the last user message of a well-formed chat request, or {@code null}. */
    private static String userMessage(HttpExchange exchange, JsonNode request) {
        if (!exchange.getRequestMethod().equals("POST") || !exchange.getRequestURI().getPath().equals("/api/chat")
                || request.path("model").asText().isBlank() || !request.path("stream").isBoolean()
                || request.path("stream").asBoolean() || !request.path("messages").isArray()) {
            return null;
        }
        String user = null;
        for (JsonNode message : request.path("messages")) {
            if (message.path("role").asText().equals("user")) {
                user = message.path("content").asText();
            }
        }
        return user;
    }

    private static String line(String message, String prefix) {
        return message.lines().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length())).findFirst()
                .orElse("");
    }

    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }
}
