package io.loomflow.workers.internal;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Listens on PostgreSQL channels on one connection of its own and hands each notification's
 * payload to the callback of its channel, on one virtual thread: a process's parts (the claim loop,
 * the distributed maps' watcher, the shared limits) share it, so a worker holds one listening
 * connection however many channels it follows. When the connection breaks it logs one line,
 * reconnects with back-off, and calls every callback with {@code null} once listening again, since
 * notifications sent meanwhile are lost (the callers then look for themselves).
 *
 * <p>Channels are added with {@link #on} before {@link #start()}. Thread-safe after start;
 * {@link #close()} stops it and waits for its thread.
 */
final class Notifications implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("io.loomflow.workers");
    /** How long one wait for notifications lasts, which bounds how long close waits. */
    private static final int WAIT_MILLIS = 250;

    private final Database database;
    private final Map<String, Consumer<@Nullable String>> callbacks = new LinkedHashMap<>();
    private final String owner;
    private final Signal stop = new Signal();
    private final Thread thread;
    private volatile boolean started;
    private volatile boolean closed;
    private volatile boolean listening;

    Notifications(Database database, String owner) {
        this.database = database;
        this.owner = owner;
        this.thread = Thread.ofVirtual().name("loomflow-listen-" + owner).unstarted(this::listen);
    }

    /**
     * Follows {@code channel}: its payloads go to {@code callback}, and {@code null} after a reconnect.
     *
     * @return this object
     * @throws IllegalStateException once started
     */
    Notifications on(String channel, Consumer<@Nullable String> callback) {
        if (started) {
            throw new IllegalStateException("channels are added before the listener starts");
        }
        callbacks.merge(channel, callback, Consumer::andThen);
        return this;
    }

    /** Starts listening in the background. */
    Notifications start() {
        started = true;
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
                    for (String channel : callbacks.keySet()) {
                        statement.execute("LISTEN \"" + channel.replace("\"", "\"\"") + "\"");
                    }
                }
                listening = true;
                if (wasDown) {
                    LOG.log(Level.INFO, owner + ": listening for notifications again at " + database.shown());
                    wasDown = false;
                }
                failures = 0;
                callbacks.values().forEach(callback -> callback.accept(null));
                while (!closed) {
                    PGNotification[] received = pg.getNotifications(WAIT_MILLIS);
                    if (received != null) {
                        for (PGNotification notification : received) {
                            Consumer<@Nullable String> callback = callbacks.get(notification.getName());
                            if (callback != null) {
                                callback.accept(notification.getParameter());
                            }
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
