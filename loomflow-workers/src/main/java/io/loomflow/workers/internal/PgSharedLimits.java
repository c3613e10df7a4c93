package io.loomflow.workers.internal;

import io.loomflow.RunInfo;
import io.loomflow.spi.SharedLimits;
import io.loomflow.workers.WorkQueueException;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Cluster-wide limits in PostgreSQL: each permit of a shared limit is a slot row of
 * {@code lf_limit_slot} held under a lease, so that the slot of a holder whose process died comes
 * back by itself when the lease expires, and no permit is ever lost to a crash.
 *
 * <p>A permit is taken by claiming a free or expired slot in one statement
 * ({@code FOR UPDATE SKIP LOCKED}) with a new random token; it is given back by a conditional
 * {@code UPDATE} on (slot, token), which also notifies the limit's channel. A run that finds no
 * free slot waits for that notification, with a poll as the fallback (or poll only). The heartbeat,
 * one virtual thread, extends the leases of the slots this object holds, by their tokens, every
 * heartbeat interval: a slot whose token it does not know (taken by a statement that was cut off)
 * is not extended and frees itself.
 *
 * <p>Sizes: {@link #start()} records each limit's size in {@code lf_limit} on first use and makes
 * its slots; a size already recorded that differs from this worker's refuses to start, naming both.
 *
 * <p>Thread-safe. Lifecycle: {@link #start()} once, then {@link #acquire} from any run thread, then
 * {@link #close()}, which stops the heartbeat and leaves slots still held to their
 * leases.
 */
final class PgSharedLimits implements SharedLimits, AutoCloseable {

    private static final System.Logger LOG = System.getLogger("io.loomflow.workers");

    private static final String DECLARE = "INSERT INTO lf_limit (name, permits) VALUES (?, ?) ON CONFLICT (name) DO NOTHING";
    private static final String SIZE = "SELECT permits FROM lf_limit WHERE name = ?";
    private static final String SLOTS = """
            INSERT INTO lf_limit_slot (limit_name, slot) SELECT ?, generate_series(1, ?)
            ON CONFLICT (limit_name, slot) DO NOTHING""";
    private static final String TAKE = """
            UPDATE lf_limit_slot s SET holder_worker = ?, holder_run = ?, token = ?,
                lease_until = now() + ? * INTERVAL '1 millisecond'
            FROM (SELECT limit_name, slot FROM lf_limit_slot
                  WHERE limit_name = ? AND (holder_worker IS NULL OR lease_until < now())
                  ORDER BY slot LIMIT 1 FOR UPDATE SKIP LOCKED) f
            WHERE s.limit_name = f.limit_name AND s.slot = f.slot
            RETURNING s.slot""";
    private static final String GIVE_BACK = """
            WITH freed AS (
                UPDATE lf_limit_slot SET holder_worker = NULL, holder_run = NULL, token = NULL, lease_until = NULL
                WHERE limit_name = ? AND token = ?
                RETURNING limit_name)
            SELECT pg_notify(?, limit_name) FROM freed""";
    private static final String EXTEND = """
            UPDATE lf_limit_slot SET lease_until = now() + ? * INTERVAL '1 millisecond'
            WHERE holder_worker = ? AND token = ANY (?)""";

    /** A slot this object holds. */
    private record Held(String limitName, int slot) {
    }

    private final Database database;
    private final UUID worker;
    private final String owner;
    private final Map<String, Integer> sizes;
    private final Duration leaseExpiry;
    private final Duration heartbeat;
    private final Duration pollInterval;
    private final Map<UUID, Held> held = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition freed = lock.newCondition();
    private long generation; // guarded by lock: counts the frees heard of
    private final CountDownLatch stop = new CountDownLatch(1);
    private @Nullable Thread beater;

    /**
     * @param database the queue database
     * @param worker the worker that holds the slots
     * @param owner the worker's name, for log lines
     * @param sizes the shared limits and their sizes
     * @param leaseExpiry how long a slot holds without a heartbeat
     * @param heartbeat how often held slots' leases are extended
     * @param pollInterval how often a waiting run looks again without a notification
     * @param notifications the worker's listener, not yet started, to follow the freed-slot channel on;
     *     {@code null} to poll only
     */
    PgSharedLimits(Database database, UUID worker, String owner, Map<String, Integer> sizes, Duration leaseExpiry,
                   Duration heartbeat, Duration pollInterval, @Nullable Notifications notifications) {
        this.database = database;
        this.worker = worker;
        this.owner = owner;
        this.sizes = Map.copyOf(sizes);
        this.leaseExpiry = leaseExpiry;
        this.heartbeat = heartbeat;
        this.pollInterval = pollInterval;
        if (notifications != null) {
            notifications.on(database.limitFreedChannel(), payload -> wakeWaiters());
        }
    }

    /**
     * Records the limits' sizes and slots, and starts the heartbeat.
     *
     * @return this object
     * @throws WorkQueueException if a limit is recorded with another size, or the database fails
     */
    PgSharedLimits start() {
        try (Connection connection = database.connection()) {
            for (Map.Entry<String, Integer> limit : new TreeMap<>(sizes).entrySet()) {
                declare(connection, limit.getKey(), limit.getValue());
            }
        } catch (SQLException failed) {
            throw database.translate(failed, "declare the shared limits " + new TreeMap<>(sizes) + " of");
        }
        beater = Thread.ofVirtual().name("loomflow-limits-heartbeat-" + owner).start(this::beat);
        return this;
    }

    private void declare(Connection connection, String name, int permits) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(DECLARE)) {
            statement.setString(1, name);
            statement.setInt(2, permits);
            statement.executeUpdate();
        }
        int recorded;
        try (PreparedStatement statement = connection.prepareStatement(SIZE)) {
            statement.setString(1, name);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                recorded = rows.getInt(1);
            }
        }
        if (recorded != permits) {
            throw new WorkQueueException("shared limit '" + name + "' has " + recorded + " permits at "
                    + database.shown() + ", but worker " + owner + " declares it with " + permits + "; give every"
                    + " worker the same size, or, to change it, stop the workers that share it and delete its row"
                    + " from lf_limit", null, false);
        }
        try (PreparedStatement statement = connection.prepareStatement(SLOTS)) {
            statement.setString(1, name);
            statement.setInt(2, permits);
            statement.executeUpdate();
        }
    }

    @Override
    public int permits(String limitName) {
        return sizes.getOrDefault(limitName, 0);
    }

    @Override
    public Permit acquire(String limitName, RunInfo run, Runnable beforeWaiting) throws InterruptedException {
        if (permits(limitName) == 0) {
            throw new IllegalArgumentException("limit '" + limitName + "' is not shared by worker " + owner
                    + "; declare it with Worker.builder().sharedLimit(\"" + limitName + "\", N)");
        }
        boolean waited = false;
        int failures = 0;
        while (true) {
            long seen = generation();
            UUID token = UUID.randomUUID();
            Duration wait;
            try {
                Integer slot = take(limitName, run.id(), token);
                if (failures > 0) {
                    LOG.log(Level.INFO, "worker " + owner + ": reaches the shared limits at " + database.shown() + " again");
                }
                if (slot != null) {
                    Held taken = new Held(limitName, slot);
                    held.put(token, taken);
                    if (Thread.interrupted()) { // cancelled as the slot was taken: hold nothing
                        giveBack(token, taken);
                        throw new InterruptedException();
                    }
                    return () -> giveBack(token, taken);
                }
                wait = pollInterval;
            } catch (SQLException failed) {
                if (Thread.interrupted()) { // the interrupt cut the statement off
                    giveBack(token, new Held(limitName, 0));
                    throw new InterruptedException();
                }
                failures++;
                if (failures == 1) {
                    LOG.log(Level.WARNING, "worker " + owner + ": cannot take a permit of shared limit '" + limitName
                            + "' at " + database.shown() + " (" + Notifications.firstLine(failed)
                            + "); retrying with back-off");
                }
                wait = Backoff.DATABASE.after(failures);
            }
            if (!waited) {
                waited = true;
                beforeWaiting.run();
            }
            awaitFree(seen, wait);
        }
    }

    /** Claims a free or expired slot: its number, or null if none is free. */
    private @Nullable Integer take(String limitName, UUID run, UUID token) throws SQLException {
        try (Connection connection = database.connection();
             PreparedStatement statement = connection.prepareStatement(TAKE)) {
            statement.setObject(1, worker);
            statement.setObject(2, run);
            statement.setObject(3, token);
            statement.setLong(4, leaseExpiry.toMillis());
            statement.setString(5, limitName);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getInt(1) : null;
            }
        }
    }

    /** Frees the slot of that token, if it still holds it, and tells the waiters; never throws. */
    private void giveBack(UUID token, Held slot) {
        held.remove(token); // whatever happens below, the heartbeat no longer extends it
        boolean interrupted = Thread.interrupted(); // a cancel must not cut the release off
        try (Connection connection = database.connection();
             PreparedStatement statement = connection.prepareStatement(GIVE_BACK)) {
            statement.setString(1, slot.limitName());
            statement.setObject(2, token);
            statement.setString(3, database.limitFreedChannel());
            statement.executeQuery().close();
        } catch (SQLException failed) {
            LOG.log(Level.WARNING, "worker " + owner + ": could not give back slot " + slot.slot() + " of shared limit '"
                    + slot.limitName() + "' at " + database.shown() + " (" + Notifications.firstLine(failed)
                    + "); it is free again when its lease expires");
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        wakeWaiters(); // waiters here need no notification
    }

    private long generation() {
        lock.lock();
        try {
            return generation;
        } finally {
            lock.unlock();
        }
    }

    private void wakeWaiters() {
        lock.lock();
        try {
            generation++;
            freed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until a slot was freed since {@code seen}, or for {@code most}. */
    private void awaitFree(long seen, Duration most) throws InterruptedException {
        lock.lock();
        try {
            long left = most.toNanos();
            while (generation == seen && left > 0) {
                left = freed.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    private void beat() {
        int failures = 0;
        while (!await(stop, heartbeat)) {
            if (held.isEmpty()) {
                continue;
            }
            try (Connection connection = database.connection();
                 PreparedStatement statement = connection.prepareStatement(EXTEND)) {
                statement.setLong(1, leaseExpiry.toMillis());
                statement.setObject(2, worker);
                statement.setArray(3, connection.createArrayOf("uuid", held.keySet().toArray()));
                statement.executeUpdate();
                failures = 0;
            } catch (SQLException failed) {
                if (++failures == 1) {
                    LOG.log(Level.WARNING, "worker " + owner + ": cannot extend the leases of its shared limits' slots"
                            + " at " + database.shown() + " (" + Notifications.firstLine(failed) + "); retrying");
                }
            }
        }
    }

    private static boolean await(CountDownLatch latch, Duration most) {
        try {
            return latch.await(most.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException interrupted) {
            return true;
        }
    }

    /** How many slots this object holds now. */
    int held() {
        return held.size();
    }

    @Override
    public void close() {
        stop.countDown();
        if (beater != null) {
            try {
                beater.join(Duration.ofSeconds(10));
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "the shared limits of worker " + owner + " " + new TreeMap<>(sizes);
    }
}
