package io.loomflow.workers.reliability;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Counts the queue's end-of-run notifications by run, on a connection of its own: a run that
 * ended twice would be notified twice (a notification may name several runs). The channel is the one the {@code WorkQueue}'s futures
 * listen on, {@code lf_ended:} and the schema. Thread-safe; {@link #close()} stops listening.
 */
final class EndedRuns implements AutoCloseable {

    private final Map<UUID, Integer> counts = new ConcurrentHashMap<>();
    private final Connection connection;
    private final Thread thread;
    private volatile boolean closed;

    /**
     * Starts listening.
     *
     * @param url the queue's database
     * @param schema the queue's schema
     * @throws SQLException if the database refuses
     */
    EndedRuns(String url, String schema) throws SQLException {
        connection = DriverManager.getConnection(url);
        try (Statement statement = connection.createStatement()) {
            statement.execute("LISTEN \"lf_ended:" + schema + "\"");
        }
        thread = Thread.ofVirtual().name("ended-listener").start(this::listen);
    }

    private void listen() {
        try {
            PGConnection pg = connection.unwrap(PGConnection.class);
            while (!closed) {
                PGNotification[] received = pg.getNotifications(100);
                if (received != null) {
                    for (PGNotification notification : received) {
                        // A payload is the ids of the runs that ended, joined with ',' (see the module's README).
                        for (String id : notification.getParameter().split(",")) {
                            counts.merge(UUID.fromString(id), 1, Integer::sum);
                        }
                    }
                    synchronized (counts) {
                        counts.notifyAll();
                    }
                }
            }
        } catch (SQLException failed) {
            if (!closed) {
                throw new IllegalStateException("lost the connection that counts the ends of runs", failed);
            }
        }
    }

    /**
     * Waits until every one of these runs was notified (the futures may learn it first).
     *
     * @param runs the runs
     * @param most how long to wait
     * @throws InterruptedException if interrupted
     */
    void awaitAll(List<UUID> runs, Duration most) throws InterruptedException {
        long deadline = System.nanoTime() + most.toNanos();
        synchronized (counts) {
            while (!counts.keySet().containsAll(runs) && System.nanoTime() < deadline) {
                TimeUnit.NANOSECONDS.timedWait(counts, Math.max(1, deadline - System.nanoTime()));
            }
        }
    }

    /**
     * How often each run was notified as ended.
     *
     * @return the counts by run
     */
    Map<UUID, Integer> counts() {
        return Map.copyOf(counts);
    }

    @Override
    public void close() throws SQLException, InterruptedException {
        closed = true;
        thread.join(Duration.ofSeconds(5));
        connection.close();
    }
}
