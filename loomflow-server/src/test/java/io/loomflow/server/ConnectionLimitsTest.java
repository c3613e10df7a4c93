package io.loomflow.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Slow and many clients, against a server in a JVM of its own (the JDK's server reads its limits once
 * per JVM): a client that drips its headers or its body is cut off within the request timeout, the
 * number of connections holds, and Nagle's algorithm is off.
 */
class ConnectionLimitsTest {

    private final List<Process> processes = new ArrayList<>();
    private final List<Socket> sockets = new ArrayList<>();
    private final ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();

    /** A started child server: its address and the JDK properties it reported. */
    record Child(URI uri, Map<String, String> properties, Process process) {
    }

    @AfterEach
    void stop() throws Exception {
        drip.shutdownNow();
        for (Socket socket : sockets) {
            socket.close();
        }
        for (Process process : processes) {
            process.getOutputStream().close(); // the server stops when its input closes
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void theServerSetsTheJdkServersLimitsAndTurnsNaglesAlgorithmOff() throws Exception {
        Child child = start(List.of(), "requestTimeout=7", "maxConnections=5");
        assertThat(child.properties()).containsEntry("sun.net.httpserver.nodelay", "true")
                .containsEntry("sun.net.httpserver.maxReqTime", "7")
                .containsEntry("sun.net.httpserver.idleInterval", "30")
                .containsEntry("jdk.httpserver.maxConnections", "5");
        Child told = start(List.of("-Dsun.net.httpserver.maxReqTime=-1", "-Dsun.net.httpserver.nodelay=false"));
        assertThat(told.properties()).as("what the program set is kept")
                .containsEntry("sun.net.httpserver.maxReqTime", "-1")
                .containsEntry("sun.net.httpserver.nodelay", "false")
                .containsEntry("jdk.httpserver.maxConnections", "1000");
    }

    @Test
    void aClientThatDripsItsHeadersIsCutOffWithinTheRequestTimeout() throws Exception {
        Child child = start(List.of(), "requestTimeout=2");
        Socket socket = connect(child.uri());
        CompletableFuture<Void> closed = readUntilClosed(socket);
        byte[] request = ("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + "x".repeat(100) + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        dripInto(socket, request);
        await().atMost(Duration.ofSeconds(10)).until(closed::isDone);
    }

    @Test
    void aClientThatDripsItsBodyIsCutOffEvenWhenTheJdkServerHasNoRequestTimeout() throws Exception {
        // The program chose no limit for the JDK's server; the server's own deadline on the body still holds.
        Child child = start(List.of("-Dsun.net.httpserver.maxReqTime=-1"), "requestTimeout=2");
        Socket socket = connect(child.uri());
        CompletableFuture<Void> closed = readUntilClosed(socket);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /api/flows/table/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: 100\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        dripInto(socket, " ".repeat(99).getBytes(StandardCharsets.US_ASCII));
        await().atMost(Duration.ofSeconds(10)).until(closed::isDone);
    }

    @Test
    void theNumberOfConnectionsHolds() throws Exception {
        Child child = start(List.of(), "maxConnections=3");
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(connect(child.uri()));
        }
        assertThat(answered(child.uri())).as("a fourth connection, while three are open, is closed unanswered").isFalse();
        held.getFirst().close();
        await().atMost(Duration.ofSeconds(10)).until(() -> answered(child.uri()));
    }

    /** Whether a health check on a new connection is answered 200, rather than the connection closed. */
    private static boolean answered(URI uri) {
        try {
            return RawHttp.send(uri, "GET", "/api/health", List.of(), new byte[0]).status() == 200;
        } catch (java.io.UncheckedIOException | AssertionError closedUnanswered) {
            return false;
        }
    }

    // ---- helpers ----

    private Child start(List<String> jvmOptions, String... settings) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ServerProcess.class.getName()));
        command.addAll(List.of(settings));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        processes.add(process);
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Child> started = CompletableFuture.supplyAsync(() -> {
            try {
                URI uri = null;
                Map<String, String> properties = new LinkedHashMap<>();
                for (String line; properties.size() < ServerProcess.PROPERTIES.size() && (line = out.readLine()) != null; ) {
                    if (line.startsWith("listening ")) {
                        uri = URI.create(line.substring("listening ".length()));
                    } else if (line.contains("=")) {
                        properties.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
                    }
                }
                return new Child(uri, properties, process);
            } catch (IOException failed) {
                throw new java.io.UncheckedIOException(failed);
            }
        });
        try {
            Child child = started.get(60, TimeUnit.SECONDS);
            assertThat(child.uri()).as("the child server's address").isNotNull();
            return child;
        } catch (Exception failed) {
            throw new AssertionError("the child server did not start", failed);
        }
    }

    private Socket connect(URI uri) throws IOException {
        Socket socket = new Socket(uri.getHost(), uri.getPort());
        sockets.add(socket);
        return socket;
    }

    /** Completes when the server closes the connection (end of stream or reset). */
    private static CompletableFuture<Void> readUntilClosed(Socket socket) {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (InputStream in = socket.getInputStream()) {
                while (in.read() >= 0) {
                    // whatever it says, the test waits for the end
                }
            } catch (IOException reset) {
                // closed, too
            }
            closed.complete(null);
        });
        return closed;
    }

    /** Writes one byte a second, as a slow or hostile client does, until the bytes run out or the socket fails. */
    private void dripInto(Socket socket, byte[] bytes) {
        int[] next = {0};
        drip.scheduleAtFixedRate(() -> {
            try {
                if (next[0] < bytes.length) {
                    socket.getOutputStream().write(bytes[next[0]++]);
                    socket.getOutputStream().flush();
                }
            } catch (IOException cut) {
                throw new java.io.UncheckedIOException(cut); // ends the drip
            }
        }, 0, 1, TimeUnit.SECONDS);
    }
}
