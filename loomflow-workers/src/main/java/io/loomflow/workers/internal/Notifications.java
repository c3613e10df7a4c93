package io.loomflow.workers.internal;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Listens on PostgreSQL channels on a connection of its own and hands each notification's payload
 * to a callback, on one virtual thread. When the connection breaks it logs one line, reconnects
 * with back-off, and calls the callback with {@code null} once listening again, since notifications
 * sent meanwhile are lost (the caller then looks for itself).
 *
 * <p>Thread-safe; {@link #close()} stops it and waits for its thread.
 */
final class Notifications implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("io.loomflow.workers");
    /** How long one wait for notifications lasts, which bounds how long close waits. */
    private static final int WAIT_MILLIS = 250;

    private final Database database;
    private final List<String> channels;
    private final Consumer<String> onNotification;
    private final String owner;
    private final Signal stop = new Signal();
    private final Thread thread;
    private volatile boolean closed;
    private volatile boolean listening;

    Notifications(Database database, List<String> channels, Consumer<String> onNotification, String owner) {
        this.database = database;
        this.channels = List.copyOf(channels);
        this.onNotification = onNotification;
        this.owner = owner;
        this.thread = Thread.ofVirtual().name("loomflow-listen-" + owner).unstarted(this::listen);
    }

    /** Starts listening in the background. */
    Notifications start() {
        thread.start();
        return this;
    }

    /** Whether a LISTEN is in place right now. */
    boolean listening() {
        return listening;
    }

    private void listen() {
        int failures = 0;
        boolean wasDown = false;
        while (!closed) {
            try (Connection connection = database.direct()) {
                PGConnection pg = connection.unwrap(PGConnection.class);
                try (Statement statement = connection.createStatement()) {
                    for (String channel : channels) {
                        statement.execute("LISTEN \"" + channel.replace("\"", "\"\"") + "\"");
                    }
                }
                listening = true;
                if (wasDown) {
                    LOG.log(Level.INFO, owner + ": listening for notifications again at " + database.shown());
                    wasDown = false;
                }
                failures = 0;
                onNotification.accept(null);
                while (!closed) {
                    PGNotification[] received = pg.getNotifications(WAIT_MILLIS);
                    if (received != null) {
                        for (PGNotification notification : received) {
                            onNotification.accept(notification.getParameter());
                        }
                    }
                }
            } catch (SQLException failed) {
                listening = false;
                if (closed) {
                    return;
                }
                failures++;
                if (!wasDown) {
                    LOG.log(Level.WARNING, owner + ": lost the notification connection to " + database.shown() + " ("
                            + firstLine(failed) + "); polling meanwhile, reconnecting with back-off");
                    wasDown = true;
                }
                try {
                    stop.await(Backoff.DATABASE.after(failures));
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
        listening = false;
    }

    static String firstLine(Throwable failed) {
        String message = failed.getMessage();
        return message == null ? failed.getClass().getName() : message.lines().findFirst().orElse("");
    }

    @Override
    public void close() {
        closed = true;
        stop.raise();
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
