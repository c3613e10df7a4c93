package io.loomflow.workers.internal;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The notifications of one process, with at most one notifying transaction of its own in flight.
 *
 * <p>Why: PostgreSQL serializes the commits of transactions that notify (one lock for the whole
 * server, taken before the commit and held until it is flushed), while other commits are flushed
 * together. A process whose every submission and every completion notified queued all its writes
 * behind each other; measured, that held the queue to a seventh of the floor.
 *
 * <p>How: a writer first {@linkplain #tryInline() asks for the turn}. When none of this doorbell's
 * notifications is in flight, it notifies inside its own transaction (no round trip added: an idle
 * system wakes as fast as before) and {@linkplain #inlineDone() gives the turn back} after its
 * commit. Otherwise it writes without notifying and then {@linkplain #ring rings}: one virtual
 * thread sends everything rung meanwhile, in one transaction, as soon as the turn is free. Under
 * load, many wake-ups go in one notification; payloads of one channel are joined with
 * {@code ','} up to {@link #MOST_PAYLOAD} characters (see {@link #runIds(String)}).
 *
 * <p>A notification is a wake-up, never the only way a listener learns of a change: every listener
 * also polls. So a doorbell that cannot reach the database keeps what was rung and retries with
 * back-off, and on close sends what is left once. Thread-safe.
 */
final class Doorbell implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("io.loomflow.workers");
    /** PostgreSQL refuses a payload of 8,000 bytes or more; payloads here are ASCII. */
    static final int MOST_PAYLOAD = 7_900;
    private static final String NOTIFY = "SELECT pg_notify(c, p) FROM unnest(?::text[], ?::text[]) AS n(c, p)";

    private final Database database;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean busy; // guarded by lock: a notification of this doorbell is in flight
    private boolean closed; // guarded by lock
    private final Map<String, Set<String>> pending = new LinkedHashMap<>(); // guarded by lock
    private final Thread sender;

    Doorbell(Database database) {
        this.database = database;
        this.sender = Thread.ofVirtual().name("loomflow-notify").start(this::sendLoop);
    }

    /**
     * Takes the turn to notify inside the caller's own transaction, if free.
     *
     * @return whether the caller has the turn; if so it must call {@link #inlineDone()} after its commit
     */
    boolean tryInline() {
        lock.lock();
        try {
            if (busy || closed) {
                return false;
            }
            busy = true;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Gives the turn back after the caller's transaction committed or failed. */
    void inlineDone() {
        lock.lock();
        try {
            busy = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Notifies {@code payload} on {@code channel} as soon as the turn is free, with whatever else was rung. */
    void ring(String channel, String payload) {
        lock.lock();
        try {
            pending.computeIfAbsent(channel, key -> new LinkedHashSet<>()).add(payload);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Joins payloads with {@code ','} into as few notifications as fit {@link #MOST_PAYLOAD} each.
     *
     * @param parts the payloads (run ids, queue names), none longer than {@link #MOST_PAYLOAD}
     * @return the joined payloads, none if {@code parts} is empty
     */
    static List<String> payloads(Iterable<String> parts) {
        List<String> payloads = new ArrayList<>();
        StringBuilder joined = new StringBuilder();
        for (String part : parts) {
            if (!joined.isEmpty() && joined.length() + 1 + part.length() > MOST_PAYLOAD) {
                payloads.add(joined.toString());
                joined.setLength(0);
            }
            if (!joined.isEmpty()) {
                joined.append(',');
            }
            joined.append(part);
        }
        if (!joined.isEmpty()) {
            payloads.add(joined.toString());
        }
        return payloads;
    }

    /**
     * The run ids in a payload of the completion channel.
     *
     * @return the ids, or {@code null} when the payload is not a list of ids (then the listener looks at every run it awaits)
     */
    static @Nullable List<UUID> runIds(String payload) {
        List<UUID> ids = new ArrayList<>();
        for (String part : payload.split(",")) {
            try {
                ids.add(UUID.fromString(part));
            } catch (IllegalArgumentException notAnId) {
                return null;
            }
        }
        return ids;
    }

    /**
     * The awaited runs that a notification of the completion channel names.
     *
     * @param payload the payload, {@code null} after a reconnect (when notifications may have been missed)
     * @return those of {@code awaited} it names (maybe none), or {@code null} when every awaited run must be read
     */
    static @Nullable Set<UUID> awaitedIn(@Nullable String payload, Set<UUID> awaited) {
        List<UUID> ids = payload == null ? null : runIds(payload);
        if (ids == null) {
            return null;
        }
        Set<UUID> named = new java.util.HashSet<>();
        for (UUID id : ids) {
            if (awaited.contains(id)) {
                named.add(id);
            }
        }
        return named;
    }

    private void sendLoop() {
        int failures = 0;
        while (true) {
            Map<String, Set<String>> batch;
            lock.lock();
            try {
                while (!closed && (busy || pending.isEmpty())) {
                    changed.awaitUninterruptibly();
                }
                if (pending.isEmpty()) {
                    return; // closed, nothing left
                }
                while (busy) { // closing while a writer notifies: let it finish
                    if (!changed.await(1, TimeUnit.SECONDS)) {
                        break;
                    }
                }
                busy = true;
                batch = new LinkedHashMap<>(pending);
                pending.clear();
            } catch (InterruptedException interrupted) {
                return;
            } finally {
                lock.unlock();
            }
            boolean sent = send(batch, failures);
            boolean stop;
            lock.lock();
            try {
                busy = false;
                if (!sent) {
                    batch.forEach((channel, payloads) -> pending.computeIfAbsent(channel, key -> new LinkedHashSet<>())
                            .addAll(payloads));
                }
                stop = closed && !sent;
            } finally {
                lock.unlock();
            }
            if (sent) {
                failures = 0;
                continue;
            }
            failures++;
            if (stop) {
                return; // closing during an outage: the listeners' polls find the changes
            }
            lock.lock();
            try {
                long left = Backoff.DATABASE.after(failures).toNanos();
                while (!closed && left > 0) {
                    left = changed.awaitNanos(left);
                }
            } catch (InterruptedException interrupted) {
                return;
            } finally {
                lock.unlock();
            }
        }
    }

    private boolean send(Map<String, Set<String>> batch, int failures) {
        List<String> channels = new ArrayList<>();
        List<String> payloads = new ArrayList<>();
        batch.forEach((channel, rung) -> {
            for (String payload : payloads(rung)) {
                channels.add(channel);
                payloads.add(payload);
            }
        });
        try (Connection connection = database.connection();
             PreparedStatement statement = connection.prepareStatement(NOTIFY)) {
            statement.setArray(1, connection.createArrayOf("text", channels.toArray()));
            statement.setArray(2, connection.createArrayOf("text", payloads.toArray()));
            statement.executeQuery().close();
            if (failures > 0) {
                LOG.log(Level.INFO, "notifications reach " + database.shown() + " again");
            }
            return true;
        } catch (SQLException failed) {
            if (failures == 0) {
                LOG.log(Level.WARNING, "cannot send notifications to " + database.shown() + " ("
                        + Notifications.firstLine(failed) + "); retrying, the listeners poll meanwhile");
            }
            return false;
        }
    }

    /** Sends what is left (once, if the database answers) and stops the sender. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            sender.join(Duration.ofSeconds(10));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
