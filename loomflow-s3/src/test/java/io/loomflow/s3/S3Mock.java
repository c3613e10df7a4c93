package io.loomflow.s3;

import io.loomflow.data.spi.StorageOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An S3Mock server (Adobe's runnable jar) in a process of its own, on free loopback ports, for one
 * test run. Started by {@link S3MockExtension}; its output goes to a log file under {@code target/}.
 *
 * <p>S3Mock 5.x listens with HTTPS on {@code server.port} (bound to {@code server.address}) and with
 * plain HTTP on {@code http.port}; the tests talk plain HTTP. Note that S3Mock binds its additional
 * HTTP connector to every interface: {@code server.address} only applies to the HTTPS one.
 */
public final class S3Mock implements AutoCloseable {

    /** The bucket S3Mock creates at start, shared by the tests (each writes under its own prefix). */
    public static final String BUCKET = "loomflow-test";

    /** How long S3Mock may take to answer: about 5-20 s on the project's 2-core machines. */
    private static final Duration START_LIMIT =
            Duration.ofSeconds(Long.getLong("loomflow.s3mock.startSeconds", 120));
    private static final Duration STOP_LIMIT = Duration.ofSeconds(30);

    private final Process process;
    private final int httpPort;
    private final Path log;
    private final Thread killOnExit;
    private String lastProbe = "no probe yet";

    private S3Mock(Process process, int httpPort, Path log, Thread killOnExit) {
        this.process = process;
        this.httpPort = httpPort;
        this.log = log;
        this.killOnExit = killOnExit;
    }

    /**
     * Starts S3Mock with the JDK that runs the tests and waits until it answers. The system
     * properties {@code loomflow.s3mock.jar}, {@code loomflow.s3mock.log} and {@code
     * loomflow.s3mock.root} say where its jar is and where its log and objects go (by default under
     * {@code target/s3mock}). Needs no JUnit: the benchmarks start it too.
     *
     * @param clock the clock that times the wait for its first answer
     * @return the running server; {@link #close()} stops it
     * @throws IllegalStateException saying why, with the end of S3Mock's log, if it does not start
     */
    public static S3Mock start(Clock clock) {
        Path jar = Path.of(System.getProperty("loomflow.s3mock.jar", "target/s3mock/s3mock.jar")).toAbsolutePath();
        Path log = Path.of(System.getProperty("loomflow.s3mock.log", "target/s3mock/s3mock.log")).toAbsolutePath();
        Path root = Path.of(System.getProperty("loomflow.s3mock.root", "target/s3mock/data")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the S3Mock jar is not at " + jar + "; build with Maven"
                    + " (./mvnw -pl loomflow-s3 verify), whose dependency plugin copies com.adobe.testing:s3mock:exec there");
        }
        String java = ProcessHandle.current().info().command().orElseThrow(() -> new IllegalStateException(
                "cannot tell which java runs the tests (ProcessHandle gives no command), so cannot start S3Mock with it"));
        int httpPort = freeLoopbackPort();
        int httpsPort = freeLoopbackPort();
        Path store = root.resolve("run-" + httpPort);
        List<String> command = List.of(java,
                // A small, quick-starting JVM: the mock serves a few hundred small requests.
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx512m",
                "-jar", jar.toString(),
                "--server.address=127.0.0.1",
                "--server.port=" + httpsPort,
                "--http.port=" + httpPort,
                "--com.adobe.testing.s3mock.store.root=" + store,
                "--com.adobe.testing.s3mock.store.initialBuckets=" + BUCKET);
        Process process;
        try {
            Files.createDirectories(log.getParent());
            // S3Mock answers every request with 500 if its store's parent folder is missing.
            Files.createDirectories(store);
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start S3Mock with " + command + ": " + e.getMessage(), e);
        }
        // If the test JVM is ended early, do not leave the mock running.
        Thread killOnExit = new Thread(process::destroyForcibly, "s3mock-kill-on-exit");
        Runtime.getRuntime().addShutdownHook(killOnExit);
        S3Mock mock = new S3Mock(process, httpPort, log, killOnExit);
        try {
            mock.awaitAnswer(clock, clock.instant().plus(START_LIMIT), command);
        } catch (RuntimeException e) {
            mock.close();
            throw e;
        }
        return mock;
    }

    private void awaitAnswer(Clock clock, Instant deadline, List<String> command) {
        while (!answers()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("S3Mock exited with code " + process.exitValue() + " before answering"
                        + " on 127.0.0.1:" + httpPort + "; command " + command + "; its log " + log + " ends with:\n"
                        + tail());
            }
            if (clock.instant().isAfter(deadline)) {
                throw new IllegalStateException("S3Mock did not answer on 127.0.0.1:" + httpPort + " within " + START_LIMIT
                        + " (last probe: " + lastProbe + "); command " + command + "; its log " + log + " ends with:\n" + tail());
            }
            try {
                // Waits for the process to exit, at most a moment: the pause between two probes.
                process.waitFor(250, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for S3Mock to start", e);
            }
        }
    }

    /** Whether S3Mock answers ListBuckets with 200; a plain socket, so the test JVM gains no threads. */
    private boolean answers() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), httpPort), 1000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + httpPort + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            lastProbe = "answered '" + status + "'";
            return status.startsWith("HTTP/1.1 200");
        } catch (IOException notYet) {
            lastProbe = notYet.toString();
            return false;
        }
    }

    private static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on 127.0.0.1 for S3Mock", e);
        }
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read it: " + e.getMessage() + ")";
        }
    }

    /** The plain-HTTP endpoint, such as {@code http://127.0.0.1:41234}. */
    public String endpoint() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** Options that open an {@code s3:} storage against this server, plus {@code extra} ones. */
    public StorageOptions options(Map<String, String> extra) {
        Map<String, String> values = new HashMap<>(Map.of(
                "region", "us-east-1",
                "endpoint", endpoint(),
                "pathStyle", "true",
                "accessKey", "loomflow",
                "secretKey", "loomflow-secret"));
        values.putAll(extra);
        return new StorageOptions("s3", values);
    }

    /** Stops S3Mock: politely, then by force if it has not exited within {@link #STOP_LIMIT}. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(STOP_LIMIT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(killOnExit);
            } catch (IllegalStateException shuttingDown) {
                // The hook runs anyway.
            }
        }
    }
}
