package io.loomflow.azure;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A running Azurite blob service, in a process of its own on 127.0.0.1, in memory: what {@link
 * Azurite} gives the tests, and what the benchmarks start with {@link #start()} (no JUnit needed).
 *
 * @param port its blob port on 127.0.0.1
 * @param process its process
 */
public record AzuriteServer(int port, Process process) implements AutoCloseable {

    /** The version of Azurite the tests (and the benchmarks) install and start. */
    public static final String VERSION = "3.35.0";

    /** Azurite's well-known development account (documented by Microsoft; not a secret). */
    static final String ACCOUNT = "devstoreaccount1";
    static final String KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static final Duration INSTALL_LIMIT = Duration.ofMinutes(5);
    private static final Duration START_LIMIT = Duration.ofSeconds(30);
    private static final Duration STOP_LIMIT = Duration.ofSeconds(10);

    /** The blob endpoint, with the account in the path (Azurite's style). */
    public String endpoint() {
        return "http://127.0.0.1:" + port + "/" + ACCOUNT;
    }

    /** The connection string of the development account. */
    public String connectionString() {
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + KEY + ";BlobEndpoint="
                + endpoint() + ";";
    }

    /** Stops the server and waits until it has exited. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Installs Azurite with npm into the folder of the system property {@code
     * loomflow.azurite.directory} (default {@code target/azurite}) if it is not there yet,
     * starts its blob service on a free 127.0.0.1 port, in memory, and waits until it accepts
     * connections. Needs no JUnit: the benchmarks start it too.
     *
     * @return the running server; {@link #close()} stops it
     * @throws AssertionError with npm's or Azurite's output, if it cannot be installed or started
     */
    public static AzuriteServer start() {
        Path home = Path.of(System.getProperty("loomflow.azurite.directory", "target/azurite")).toAbsolutePath();
        try {
            Path executable = install(home);
            AssertionError failure = null;
            for (int attempt = 0; attempt < 3; attempt++) {   // another process may take the free port first
                try {
                    return launch(home, executable, freePort());
                } catch (AssertionError e) {
                    failure = e;
                }
            }
            throw failure;
        } catch (IOException e) {
            throw new AssertionError("cannot run Azurite under " + home + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while starting Azurite", e);
        }
    }

    private static Path install(Path home) throws IOException, InterruptedException {
        Path executable = home.resolve("node_modules/.bin/azurite-blob");
        Path manifest = home.resolve("node_modules/azurite/package.json");
        if (Files.isExecutable(executable) && Files.isRegularFile(manifest)
                && Files.readString(manifest).contains("\"version\": \"" + VERSION + "\"")) {
            return executable;
        }
        Files.createDirectories(home);
        Path log = home.resolve("npm-install.log");
        Process npm = new ProcessBuilder("npm", "install", "--prefix", home.toString(), "azurite@" + VERSION,
                "--no-audit", "--no-fund")
                .directory(home.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!npm.waitFor(INSTALL_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
            npm.destroyForcibly().waitFor();
            throw new AssertionError("npm did not install azurite@" + VERSION + " within " + INSTALL_LIMIT + ":\n" + tail(log));
        }
        if (npm.exitValue() != 0 || !Files.isExecutable(executable)) {
            throw new AssertionError("npm could not install azurite@" + VERSION + " into " + home + " (exit "
                    + npm.exitValue() + "); node 20 and npm must be on the PATH and the npm registry reachable:\n" + tail(log));
        }
        return executable;
    }

    private static AzuriteServer launch(Path home, Path executable, int port) throws IOException, InterruptedException {
        Path log = home.resolve("azurite-" + port + ".log");
        Process process = new ProcessBuilder(List.of(executable.toString(), "--blobHost", "127.0.0.1", "--blobPort",
                String.valueOf(port), "--skipApiVersionCheck", "--disableProductStyleUrl", "--disableTelemetry",
                "--inMemoryPersistence"))
                .directory(home.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        AzuriteServer server = new AzuriteServer(port, process);
        Instant deadline = Instant.now().plus(START_LIMIT);
        while (Instant.now().isBefore(deadline)) {
            if (accepts(port)) {
                return server;
            }
            // Waits between attempts, and notices at once if Azurite exits instead of listening.
            if (process.waitFor(200, TimeUnit.MILLISECONDS)) {
                throw new AssertionError("Azurite exited with " + process.exitValue() + " instead of listening on 127.0.0.1:"
                        + port + ":\n" + tail(log));
            }
        }
        server.close();
        throw new AssertionError("Azurite did not accept connections on 127.0.0.1:" + port + " within " + START_LIMIT
                + ":\n" + tail(log));
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }
}
