package io.loomflow.store.internal;

import io.loomflow.State;
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
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/**
 * The processes writing to a store, so that runs a dead process left unfinished become Crashed.
 *
 * <p>A store registers its process (host, pid, start) with its first write and tags the runs it
 * inserts; while it lives, it renews its heartbeat, the time it was last seen alive, every
 * {@link #HEARTBEAT}. Whoever opens the store next for writing checks each registered process: on
 * this host, whether the pid still belongs to the same process; on another host (a shared
 * PostgreSQL), whether its heartbeat is older than {@link #PRESUMED_DEAD}. A dead process's
 * unfinished runs get a Crashed state dated when the process was last seen alive (or at the run's
 * last recorded state, if that is later), and the process is forgotten. Closing a store does the
 * same for its own process, at the time of closing. A store opened for reading only finds the
 * dead processes ({@link #deadOwners()}) and shows their runs Crashed without writing. A crashed
 * map item is counted Crashed in its map's row, in the same transaction.
 */
final class Owners {

    /** How often a live process records that it is alive: a crashed run's end is at most this early. */
    static final Duration HEARTBEAT = Duration.ofSeconds(1);
    static final Duration PRESUMED_DEAD = Duration.ofMinutes(2);
    private static final System.Logger LOG = System.getLogger("io.loomflow.store");

    private final DataSource data;
    private final String where;
    private final InstantSource clock;
    private final UUID id = UUID.randomUUID();
    private final String host = host();
    private final ReentrantLock lock = new ReentrantLock();
    private final CountDownLatch closed = new CountDownLatch(1);
    private boolean registered; // guarded by lock
    private Thread heartbeat; // guarded by lock

    /** A registered process as the store has it; {@code lastSeen} is its latest heartbeat. */
    record Owner(UUID id, String host, long pid, Instant startedAt, Instant lastSeen) {

        /** The detail of the Crashed state its unfinished runs get. */
        String crashReason() {
            return "the process that ran it (pid " + pid + " on " + host + ") ended without finishing it";
        }

        /** When a run of this owner whose last recorded state was at {@code lastState} crashed. */
        Instant crashedAt(Instant lastState) {
            return lastState.isAfter(lastSeen) ? lastState : lastSeen;
        }
    }

    Owners(DataSource data, String where, InstantSource clock) {
        this.data = data;
        this.where = where;
        this.clock = clock;
    }

    /** Registers this process on first use and returns its owner id. */
    UUID register() {
        lock.lock();
        try {
            if (!registered) {
                Instant now = clock.instant();
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

    /**
     * Renews the heartbeat every second. A failure is logged at DEBUG only: a store that cannot be
     * written is reported by the recorder writing to it, once, not each second here. If the heartbeat
     * stays failing for half of {@link #PRESUMED_DEAD}, one WARNING line says what that risks.
     */
    private void beat() {
        Instant failingSince = null;
        boolean warned = false;
        try {
            while (!closed.await(HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS)) {
                try {
                    execute("renew this process's heartbeat in", "UPDATE lf_owner SET heartbeat_at = ? WHERE id = ?",
                            SqlRunStore.time(clock.instant()), id);
                    failingSince = null;
                    warned = false;
                } catch (RuntimeException failed) {
                    LOG.log(Level.DEBUG, "could not renew this process's heartbeat: " + failed.getMessage(), failed);
                    Instant now = clock.instant();
                    failingSince = failingSince == null ? now : failingSince;
                    if (!warned && !now.isBefore(failingSince.plus(PRESUMED_DEAD.dividedBy(2)))) {
                        warned = true;
                        LOG.log(Level.WARNING, failed.getMessage() + "; it has failed for "
                                + Duration.between(failingSince, now).toSeconds() + " s, and after "
                                + PRESUMED_DEAD.toMinutes() + " min other processes sharing the store may take"
                                + " this process's unfinished runs for Crashed");
                    }
                }
            }
        } catch (InterruptedException stop) {
            Thread.currentThread().interrupt();
        }
    }

    /** Marks Crashed the unfinished runs of every registered process that is no longer alive. */
    void markDeadOwnersCrashed() {
        for (Owner owner : deadOwners().values()) {
            forget(owner.id(), owner.crashReason(), owner::crashedAt);
        }
    }

    /** The registered processes that are no longer alive, by id; reads only. */
    Map<UUID, Owner> deadOwners() {
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
        Instant now = clock.instant();
        Map<UUID, Owner> dead = new HashMap<>();
        for (Owner owner : owners) {
            boolean gone = owner.host().equals(host) ? !alive(owner.pid(), owner.startedAt())
                    : owner.lastSeen().isBefore(now.minus(PRESUMED_DEAD));
            if (gone) {
                dead.put(owner.id(), owner);
            }
        }
        return dead;
    }

    private static boolean alive(long pid, Instant registeredAt) {
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive()) {
            return false;
        }
        // A pid can be reused: a process that started after the owner registered is another one.
        return process.get().info().startInstant().map(start -> !start.isAfter(registeredAt)).orElse(true);
    }

    /**
     * Marks the owner's unfinished runs Crashed, each at {@code crashedAt} of its last recorded
     * state's time, then deletes the owner, in one transaction.
     */
    private void forget(UUID owner, String reason, UnaryOperator<Instant> crashedAt) {
        try (Connection connection = data.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement select = connection.prepareStatement("SELECT " + RunRows.Row.COLUMNS + " FROM lf_run"
                    + " WHERE owner_id = ? AND state NOT IN " + RunRows.FINAL_CODES + " FOR UPDATE");
                 PreparedStatement crash = connection.prepareStatement("UPDATE lf_run SET state = "
                    + RunRows.code(State.Kind.CRASHED) + ", ended = ?, history = ?, owner_id = NULL WHERE id = ?");
                 PreparedStatement delete = connection.prepareStatement("DELETE FROM lf_owner WHERE id = ?")) {
                select.setObject(1, owner);
                RunRows.MapChanges maps = new RunRows.MapChanges();
                int crashed = 0;
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        RunRows.Row row = RunRows.Row.read(rows);
                        List<StateRecord> history = row.fullHistory();
                        Instant at = crashedAt.apply(history.isEmpty() ? Instant.EPOCH : history.getLast().at());
                        history.add(new StateRecord(State.Kind.CRASHED, at, reason));
                        long ended = RunRows.nanos(at);
                        crash.setLong(1, ended);
                        crash.setString(2, RunRows.historyText(history, State.Kind.CRASHED, row.created(), row.started(),
                                ended, null));
                        crash.setObject(3, row.id());
                        crash.addBatch();
                        crashed++;
                        if (row.mapId() != null) {
                            maps.moved(row.mapId(), null, row.mapIndex(), row.kind(), State.Kind.CRASHED,
                                    row.started() == null ? null : ended - row.started());
                        }
                    }
                }
                if (crashed > 0) {
                    crash.executeBatch();
                }
                maps.write(connection);
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
        Instant closedAt = clock.instant();
        forget(id, "its store was closed before it finished", lastState -> lastState.isAfter(closedAt) ? lastState : closedAt);
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
