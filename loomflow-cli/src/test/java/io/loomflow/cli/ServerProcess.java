package io.loomflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code loomflow server} in a JVM of its own, as a user starts it: the test class path, the address
 * read from the line it prints, SIGTERM to stop it. Also a small JSON client of that server.
 */
final class ServerProcess implements AutoCloseable {

    /** A response: its status and body. */
    record Response(int status, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException notJson) {
                throw new AssertionError("not JSON: " + body, notJson);
            }
        }
    }

    static final Pattern ADDRESS = Pattern.compile("Loomflow server at (http://\\S+) \\((\\d+) flows?; Ctrl-C to stop\\)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final BufferedReader out;
    private final Path err;
    private final String firstLine;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ServerProcess(Process process, Path err) throws IOException {
        this.process = process;
        this.err = err;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.firstLine = out.readLine(); // blocks until the server listens, or the process has ended
    }

    /**
     * Starts {@code loomflow server --port 0 ARGS} and waits for the line with its address.
     *
     * @param directory where its stderr is kept
     * @param environment variables to add to the process's environment
     */
    static ServerProcess start(Path directory, Map<String, String> environment, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "server", "--port", "0"));
        command.addAll(List.of(args));
        Path err = Files.createTempFile(directory, "server-err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(err.toFile());
        builder.environment().remove("LOOMFLOW_TOKEN");
        builder.environment().remove("LOOMFLOW_DB");
        builder.environment().putAll(environment);
        return new ServerProcess(builder.start(), err);
    }

    /** What it printed first: the address line, or null if it ended without printing. */
    String firstLine() {
        return firstLine;
    }

    /** The address it printed, with {@code ?token=...} when it was given one. */
    URI address() {
        Matcher matcher = firstLine == null ? null : ADDRESS.matcher(firstLine);
        if (matcher == null || !matcher.matches()) {
            throw new AssertionError("the server printed '" + firstLine + "' instead of its address; stderr:\n" + err());
        }
        return URI.create(matcher.group(1));
    }

    /** The address without the query: where the API paths are resolved. */
    URI base() {
        URI address = address();
        return URI.create(address.getScheme() + "://" + address.getRawAuthority() + "/");
    }

    String err() {
        try {
            return Files.readString(err);
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
    }

    Response get(String path, String token) {
        return send(request(path, token).GET());
    }

    Response post(String path, String json, String token) {
        return send(request(path, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base().resolve(path)).timeout(Duration.ofSeconds(20));
        return token == null ? request : request.header("Authorization", "Bearer " + token);
    }

    private Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body());
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new AssertionError(interrupted);
        }
    }

    /** Asks for the run until it is in {@code state}, and returns it; fails on another final state. */
    JsonNode awaitState(String runId, String state, String token) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode run = null;
        while (System.nanoTime() < deadline) {
            run = get("/api/runs/" + runId, token).json();
            if (run.path("state").asText().equals(state)) {
                return run;
            }
            if (run.path("final").asBoolean()) {
                throw new AssertionError("run " + runId + " ended " + run.path("state") + ", not " + state + ": " + run);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("run " + runId + " was not " + state + " within 30 s: " + run);
    }

    /** Sends SIGTERM (what Ctrl-C also leads to) and waits for the process to end; returns its exit code. */
    int terminate() throws InterruptedException, IOException {
        process.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of the pipes
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the server did not stop within 30 s of SIGTERM; stderr:\n" + err());
        }
        return process.exitValue();
    }

    /** What it printed after the address line, once it has ended. */
    String restOfOut() throws IOException {
        StringBuilder rest = new StringBuilder();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            rest.append(line).append('\n');
        }
        return rest.toString();
    }

    @Override
    public void close() throws IOException {
        process.destroyForcibly();
        out.close();
    }
}
