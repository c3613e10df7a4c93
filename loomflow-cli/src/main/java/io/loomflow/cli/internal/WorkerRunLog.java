package io.loomflow.cli.internal;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The lines {@code loomflow worker} prints about its runs: one when it claims a run, one when the
 * run ends (its state, duration and, for a failure, its error on one line), one when the run left it
 * otherwise (handed back, or taken by another worker after a lost lease).
 *
 * <p>{@code Worker} offers no listener of its runs yet, so this reads them where the worker writes
 * them: the rows of {@code lf_queue} (the store's schema) that it owns, by the owner index, every
 * {@link #POLL}, on one connection and one thread of its own; a run that stops being listed as
 * running is read once more by its id to tell how it ended. A database that cannot be read is
 * said once, and read again at the next poll. Started with {@link #start()}, stopped (after a last
 * read) with {@link #close()}.
 */
final class WorkerRunLog implements AutoCloseable {

    static final Duration POLL = Duration.ofMillis(200);

    private static final String RUNNING = "SELECT id, flow, attempts FROM lf_queue WHERE owner = ? AND state = 'running'";
    /**
     * The runs this worker ended since a time of the database's, including those that began and
     * ended between two reads (a completed or failed run keeps the worker that ended it as owner).
     */
    private static final String ENDED_SINCE = """
            SELECT id, flow, attempts FROM lf_queue WHERE owner = ? AND ended >= ? AND state <> 'running'""";
    private static final String NOW = "SELECT now()";
    private static final String LEFT = """
            SELECT id, state, owner, error_type, error_message, started, ended FROM lf_queue WHERE id = ANY (?)""";

    /** A run this worker holds: its flow and when this log saw it claimed. */
    private record Held(String flow, int attempt) {
    }

    private final String url;
    private final UUID worker;
    private final PrintStream out;
    private final InstantSource clock;
    private final ZoneId zone;
    private final Map<UUID, Held> held = new LinkedHashMap<>();
    private final CountDownLatch stop = new CountDownLatch(1);
    private Thread thread;
    private Connection connection;
    private boolean failing;
    /**
     * The database's time of the last read that succeeded: runs ended from a minute before it are
     * read next time (a run's end is dated when its transaction began, which may be before a read
     * that could not yet see it).
     */
    private OffsetDateTime since = OffsetDateTime.parse("1970-01-01T00:00:00Z");
    /** The runs whose end was said, and when: not said again while the window above covers them. */
    private final Map<UUID, OffsetDateTime> said = new HashMap<>();

    WorkerRunLog(String url, UUID worker, PrintStream out, InstantSource clock, ZoneId zone) {
        this.url = url;
        this.worker = worker;
        this.out = out;
        this.clock = clock;
        this.zone = zone;
    }

    WorkerRunLog start() {
        thread = Thread.ofPlatform().daemon().name("loomflow-worker-log").start(this::loop);
        return this;
    }

    private void loop() {
        boolean last = false;
        while (!last) {
            try {
                last = stop.await(POLL.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException interrupted) {
                last = true;
            }
            read();
        }
        closeConnection();
    }

    /** One read: runs newly held, and how those no longer held left. */
    private void read() {
        try {
            if (connection == null || connection.isClosed()) {
                connection = DriverManager.getConnection(url);
            }
            OffsetDateTime readAt;
            try (PreparedStatement statement = connection.prepareStatement(NOW);
                 ResultSet rows = statement.executeQuery()) {
                rows.next();
                readAt = rows.getObject(1, OffsetDateTime.class);
            }
            Map<UUID, Held> running = new HashMap<>();
            try (PreparedStatement statement = connection.prepareStatement(RUNNING)) {
                statement.setObject(1, worker);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        running.put(rows.getObject(1, UUID.class), new Held(rows.getString(2), rows.getInt(3)));
                    }
                }
            }
            Map<UUID, Held> left = new LinkedHashMap<>(held);
            left.keySet().removeAll(running.keySet());
            // Runs claimed and ended between two reads: never seen running, said claimed and ended now.
            try (PreparedStatement statement = connection.prepareStatement(ENDED_SINCE)) {
                statement.setObject(1, worker);
                statement.setObject(2, since);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        UUID id = rows.getObject(1, UUID.class);
                        if (!held.containsKey(id) && !left.containsKey(id) && !said.containsKey(id)) {
                            Held run = new Held(rows.getString(2), rows.getInt(3));
                            line("claimed", run.flow(), id, run.attempt() > 1 ? "attempt " + run.attempt() : "");
                            left.put(id, run);
                        }
                    }
                }
            }
            if (!left.isEmpty()) {
                ended(left);
            }
            running.forEach((id, run) -> {
                if (held.putIfAbsent(id, run) == null) {
                    line("claimed", run.flow(), id, run.attempt() > 1 ? "attempt " + run.attempt() : "");
                }
            });
            held.keySet().retainAll(running.keySet());
            left.keySet().forEach(id -> said.put(id, readAt));
            since = readAt.minusMinutes(1);
            said.values().removeIf(at -> at.isBefore(since.minusMinutes(1)));
            if (failing) {
                failing = false;
                out.println(Text.clock(clock.instant(), zone) + "  reading this worker's runs again");
            }
        } catch (SQLException failed) {
            closeConnection();
            if (!failing) {
                failing = true;
                out.println(Text.clock(clock.instant(), zone) + "  cannot read this worker's runs ("
                        + TerminalText.line(Text.firstLine(failed.getMessage())) + "); trying again");
            }
        }
    }

    private void ended(Map<UUID, Held> left) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(LEFT)) {
            statement.setArray(1, connection.createArrayOf("uuid", left.keySet().toArray()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    UUID id = rows.getObject(1, UUID.class);
                    Held run = left.get(id);
                    String state = rows.getString(2);
                    UUID owner = rows.getObject(3, UUID.class);
                    OffsetDateTime started = rows.getObject(6, OffsetDateTime.class);
                    OffsetDateTime ended = rows.getObject(7, OffsetDateTime.class);
                    String took = started == null || ended == null ? ""
                            : " in " + Text.duration(Duration.between(started.toInstant(), ended.toInstant()));
                    switch (state) {
                        case "completed" -> line("ended", run.flow(), id, "Completed" + took);
                        case "failed", "cancelled" -> {
                            String type = rows.getString(4);
                            String message = rows.getString(5);
                            line("ended", run.flow(), id, (state.equals("failed") ? "Failed" : "Cancelled") + took
                                    + (type == null ? "" : ": " + type + (message == null ? ""
                                    : ": " + Text.firstLine(message))));
                        }
                        default -> line("left", run.flow(), id, owner == null ? "handed back to the queue"
                                : "taken over by another worker");
                    }
                }
            }
        }
    }

    private void line(String what, String flow, UUID id, String detail) {
        out.println(TerminalText.line(Text.clock(clock.instant(), zone) + "  " + Text.pad(what, 7) + "  " + flow + "  "
                + id + (detail.isEmpty() ? "" : "  " + detail)));
        out.flush();
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // gone already
            }
            connection = null;
        }
    }

    /** Reads once more, so that the runs that ended or were handed back at close are printed, and stops. */
    @Override
    public void close() {
        stop.countDown();
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(10));
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
