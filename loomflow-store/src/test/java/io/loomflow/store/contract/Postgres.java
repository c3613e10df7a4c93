package io.loomflow.store.contract;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real PostgreSQL on 127.0.0.1:5432 for tests, each test class in a schema of its own.
 *
 * <p>If no server answers, the Debian cluster is started with {@code pg_ctlcluster} and stopped
 * again after the class; a machine without PostgreSQL fails the test with what to install, never
 * skips it. Register with {@code @RegisterExtension static final Postgres POSTGRES = new Postgres();}.
 */
public final class Postgres implements BeforeAllCallback, AfterAllCallback {

    /** The server's host and port. */
    public static final String HOST = "127.0.0.1:5432";
    private static final String DATABASE = "test";
    private static final String USER = "postgres";

    private final String schema = "lf_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private boolean startedHere;

    /** Creates the extension; the schema is created before the class's tests. */
    public Postgres() {
    }

    /**
     * The URL of this class's schema.
     *
     * @return a {@code jdbc:postgresql:} URL with user and schema
     */
    public String url() {
        return "jdbc:postgresql://" + HOST + "/" + DATABASE + "?user=" + USER + "&currentSchema=" + schema;
    }

    /**
     * Opens a plain connection to this class's schema.
     *
     * @return the connection
     * @throws SQLException if the server refuses
     */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url());
    }

    /**
     * Empties this class's schema: drops it with everything in it and makes it again, so that a test
     * starts from no tables at all, whatever tables the migrations of this build make.
     *
     * @throws SQLException if the server refuses
     */
    public void emptySchema() throws SQLException {
        try (Connection connection = DriverManager.getConnection(
                "jdbc:postgresql://" + HOST + "/" + DATABASE + "?user=" + USER);
             Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            statement.execute("CREATE SCHEMA " + schema);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (!listening()) {
            start();
        }
        try (Connection admin = DriverManager.getConnection("jdbc:postgresql://" + HOST + "/postgres?user=" + USER);
             Statement statement = admin.createStatement()) {
            var exists = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'");
            if (!exists.next()) {
                statement.execute("CREATE DATABASE " + DATABASE);
            }
        }
        try (Connection connection = DriverManager.getConnection(
                "jdbc:postgresql://" + HOST + "/" + DATABASE + "?user=" + USER);
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try (Connection connection = DriverManager.getConnection(
                "jdbc:postgresql://" + HOST + "/" + DATABASE + "?user=" + USER);
             Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } finally {
            if (startedHere) {
                run(List.of("pg_ctlcluster", "--skip-systemctl-redirect", version(), "main", "stop"));
            }
        }
    }

    private static boolean listening() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", 5432), 500);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    private void start() throws IOException, InterruptedException {
        startServer();
        startedHere = true;
    }

    /**
     * Stops the server at once ({@code pg_ctlcluster ... stop -m fast}): its clients lose their
     * connections, as in a crash or a restart of the database.
     *
     * @throws IOException if {@code pg_ctlcluster} cannot be run
     * @throws InterruptedException if interrupted while it runs
     */
    public void stopServer() throws IOException, InterruptedException {
        run(List.of("pg_ctlcluster", "--skip-systemctl-redirect", version(), "main", "stop", "-m", "fast"));
    }

    /**
     * Starts the server if it does not answer, and waits until it listens.
     *
     * @throws IOException if {@code pg_ctlcluster} cannot be run
     * @throws InterruptedException if interrupted while waiting
     */
    public void startServer() throws IOException, InterruptedException {
        if (listening()) {
            return;
        }
        run(List.of("pg_ctlcluster", "--skip-systemctl-redirect", version(), "main", "start"));
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!listening()) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("PostgreSQL did not listen on " + HOST + " within 30 s of pg_ctlcluster start");
            }
            Thread.sleep(100);
        }
    }

    private static String version() throws IOException {
        Path clusters = Path.of("/etc/postgresql");
        if (!Files.isDirectory(clusters)) {
            throw new IllegalStateException("no PostgreSQL answers on " + HOST + " and none is installed;"
                    + " install it with: apt-get install -y postgresql");
        }
        try (var versions = Files.list(clusters)) {
            return versions.map(p -> p.getFileName().toString()).sorted().reduce((a, b) -> b).orElseThrow(
                    () -> new IllegalStateException("/etc/postgresql has no cluster; run: pg_createcluster 15 main"));
        }
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (exit "
                    + (process.isAlive() ? "none: timed out" : process.exitValue()) + ")");
        }
    }
}
