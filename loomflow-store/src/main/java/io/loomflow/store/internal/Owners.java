package io.loomflow.store.internal;

import io.loomflow.store.StateRecord;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/**
 * The processes writing to a store, so that runs a dead process left unfinished become Crashed.
 *
 * <p>A store registers its process (host, pid, start) with its first write and tags the runs it
 * inserts. Whoever opens the store next checks each registered process: on this host, whether the
 * pid still belongs to the same process; on another host (a shared PostgreSQL), whether its
 * heartbeat, renewed every {@link #HEARTBEAT}, is older than {@link #PRESUMED_DEAD}. A dead
 * process's unfinished runs get a Crashed state and the process is forgotten. Closing a store does
 * the same for its own process.
 */
final class Owners {

    static final Duration HEARTBEAT = Duration.ofSeconds(15);
    static final Duration PRESUMED_DEAD = Duration.ofMinutes(2);
    private static final System.Logger LOG = System.getLogger("io.loomflow.store");

    private final DataSource data;
    private final String where;
    private final UUID id = UUID.randomUUID();
    private final String host = host();
    private final ReentrantLock lock = new ReentrantLock();
    private final CountDownLatch closed = new CountDownLatch(1);
    private boolean registered; // guarded by lock
    private Thread heartbeat; // guarded by lock

    Owners(DataSource data, String where) {
        this.data = data;
        this.where = where;
    }

    /** Registers this process on first use and returns its owner id. */
    UUID register() {
        lock.lock();
        try {
            if (!registered) {
                Instant now = Instant.now();
                execute("register this process with", "INSERT INTO lf_owner (id, host, pid, started_at, heartbeat_at)"
                        + " VALUES (?, ?, ?, ?, ?)", id, host, ProcessHandle.current().pid(), SqlRunStore.time(now),
                        SqlRunStore.time(now));
                registered = true;
                heartbeat = Thread.ofVirtual().name("loomflow-store-heartbeat").start(this::beat);
            }
            return id;
        } finally {
            lock.unlock();
        }
    }

    private void beat() {
        try {
            while (!closed.await(HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS)) {
                try {
                    execute("renew this process's heartbeat in", "UPDATE lf_owner SET heartbeat_at = ? WHERE id = ?",
                            SqlRunStore.time(Instant.now()), id);
                } catch (RuntimeException failed) {
                    LOG.log(Level.WARNING, failed.getMessage(), failed);
                }
            }
        } catch (InterruptedException stop) {
            Thread.currentThread().interrupt();
        }
    }

    /** Marks Crashed the unfinished runs of every registered process that is no longer alive. */
    void markDeadOwnersCrashed() {
        record Owner(UUID id, String host, long pid, Instant startedAt, Instant heartbeatAt) {
        }
        List<Owner> owners = new ArrayList<>();
        try (Connection connection = data.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT id, host, pid, started_at, heartbeat_at FROM lf_owner");
             ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                owners.add(new Owner(rows.getObject(1, UUID.class), rows.getString(2), rows.getLong(3),
                        rows.getObject(4, OffsetDateTime.class).toInstant(),
                        rows.getObject(5, OffsetDateTime.class).toInstant()));
            }
        } catch (SQLException failed) {
            throw SqlErrors.translate(failed, where, "read the processes registered in");
        }
        Instant now = Instant.now();
        for (Owner owner : owners) {
            boolean dead = owner.host().equals(host) ? !alive(owner.pid(), owner.startedAt())
                    : owner.heartbeatAt().isBefore(now.minus(PRESUMED_DEAD));
            if (dead) {
                forget(owner.id(), "the process that ran it (pid " + owner.pid() + " on " + owner.host()
                        + ") ended without finishing it");
            }
        }
    }

    private static boolean alive(long pid, Instant registeredAt) {
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive()) {
            return false;
        }
        // A pid can be reused: a process that started after the owner registered is another one.
        return process.get().info().startInstant().map(start -> !start.isAfter(registeredAt)).orElse(true);
    }

    /** Marks the owner's unfinished runs Crashed, then deletes the owner, in one transaction. */
    private void forget(UUID owner, String reason) {
        Instant now = Instant.now();
        String entry = SqlRunStore.historyLine(new StateRecord("Crashed", now, reason));
        try (Connection connection = data.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement crash = connection.prepareStatement("UPDATE lf_run SET state = 'Crashed',"
                    + " ended_at = ?, history = history || ? WHERE owner_id = ? AND state NOT IN "
                    + SqlRunStore.finalStates());
                 PreparedStatement delete = connection.prepareStatement("DELETE FROM lf_owner WHERE id = ?")) {
                crash.setObject(1, SqlRunStore.time(now));
                crash.setString(2, entry);
                crash.setObject(3, owner);
                int crashed = crash.executeUpdate();
                delete.setObject(1, owner);
                delete.executeUpdate();
                connection.commit();
                if (crashed > 0) {
                    LOG.log(Level.INFO, "marked " + crashed + " runs Crashed in " + where + ": " + reason);
                }
            } catch (SQLException | RuntimeException failed) {
                connection.rollback();
                throw failed;
            }
        } catch (SQLException failed) {
            throw SqlErrors.translate(failed, where, "mark the runs of a dead process Crashed in");
        }
    }

    /** Stops the heartbeat; this process's runs still unfinished become Crashed. */
    void close() {
        lock.lock();
        try {
            closed.countDown();
            if (!registered) {
                return;
            }
            registered = false;
        } finally {
            lock.unlock();
        }
        try { // not interrupted: an interrupt closes H2's file channel under a running statement
            heartbeat.join();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        forget(id, "its store was closed before it finished");
    }

    private void execute(String action, String sql, Object... values) {
        try (Connection connection = data.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                statement.setObject(i + 1, values[i]);
            }
            statement.executeUpdate();
        } catch (SQLException failed) {
            throw SqlErrors.translate(failed, where, action);
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException unknown) {
            return "localhost";
        }
    }
}
