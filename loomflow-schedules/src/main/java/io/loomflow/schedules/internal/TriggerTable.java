package io.loomflow.schedules.internal;

import io.loomflow.State;
import io.loomflow.schedules.Trigger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The trigger tables (store migration V13) as one runner uses them, over one connection of its own:
 * {@code lf_trigger} (a row per trigger: since, checkpoint) and {@code lf_trigger_fire} (a row per
 * fire; primary key trigger and source), and the run history's {@code lf_run}, read for ended runs.
 */
public final class TriggerTable implements AutoCloseable {

    /** A source this runner claimed, and the id its run gets. */
    public record Claim(String source, List<String> keys, UUID runId) {
    }

    /** A root run the history says ended. */
    public record Ended(UUID id, State.Kind state, @Nullable String parameters, @Nullable String result, long ended) {
    }

    /** A fire claimed and not started: its run id, the keys of its batch, who claimed it and when. */
    public record Claimed(String trigger, String source, UUID runId, List<String> keys, String claimedBy,
            long claimedAtMs) {
    }

    private static final String UNIQUE_VIOLATION = "23505";
    private static final State.Kind[] CODES = {State.Kind.SCHEDULED, State.Kind.PENDING, State.Kind.RUNNING,
        State.Kind.RETRYING, State.Kind.COMPLETED, State.Kind.CACHED, State.Kind.FAILED, State.Kind.CANCELLED,
        State.Kind.CRASHED}; // lf_run.state's codes (migration V4)

    private final Database database;
    private final String owner;

    private TriggerTable(Database database, String owner) {
        this.database = database;
        this.owner = owner;
    }

    /** Opens a connection of its own to {@code url}. */
    public static TriggerTable open(String url, String owner) {
        return new TriggerTable(Database.open(url, "the triggers'"), owner);
    }

    private static int code(State.Kind kind) {
        for (int i = 0; i < CODES.length; i++) {
            if (CODES[i] == kind) {
                return i;
            }
        }
        throw new IllegalArgumentException(kind.toString());
    }

    /**
     * Adds the trigger if it is not there yet, since {@code now}, with the checkpoint {@code initial}
     * makes; updates the definition of one that is.
     */
    public synchronized void register(Trigger trigger, Instant now, Function<Trigger, @Nullable String> initial) {
        try {
            try (PreparedStatement update = connection().prepareStatement(
                    "UPDATE lf_trigger SET definition = ? WHERE name = ?")) {
                update.setString(1, trigger.toString());
                update.setString(2, trigger.name());
                if (update.executeUpdate() > 0) {
                    connection().commit();
                    return;
                }
            }
            connection().commit();
            String checkpoint = initial.apply(trigger);
            try (PreparedStatement insert = connection().prepareStatement("INSERT INTO lf_trigger"
                    + " (name, definition, since_ms, checkpoint) VALUES (?, ?, ?, ?)")) {
                insert.setString(1, trigger.name());
                insert.setString(2, trigger.toString());
                insert.setLong(3, now.toEpochMilli());
                insert.setString(4, checkpoint);
                insert.executeUpdate();
                connection().commit();
            } catch (SQLException raced) {
                connection().rollback();
                if (!UNIQUE_VIOLATION.equals(raced.getSQLState())) {
                    throw raced;
                } // another runner registered it first: its checkpoint stands
            }
        } catch (SQLException failed) {
            throw failure("register trigger " + trigger.name(), failed);
        }
    }

    /** When a trigger was first registered (epoch milliseconds), and its checkpoint (null for none yet). */
    public record Registered(long sinceMs, @Nullable String checkpoint) {
    }

    /** The trigger's registration and checkpoint, or null when it has no row. */
    public synchronized @Nullable Registered registered(String trigger) {
        try (PreparedStatement select = connection().prepareStatement(
                "SELECT since_ms, checkpoint FROM lf_trigger WHERE name = ?")) {
            select.setString(1, trigger);
            try (ResultSet row = select.executeQuery()) {
                Registered found = row.next() ? new Registered(row.getLong(1), row.getString(2)) : null;
                connection().commit();
                return found;
            }
        } catch (SQLException failed) {
            rollback(failed);
            throw failure("read the checkpoint of trigger " + trigger, failed);
        }
    }

    /** Moves a run-end trigger's checkpoint (epoch nanoseconds) forward to {@code ended}, never back. */
    public synchronized void moveEndCheckpoint(String trigger, long ended) {
        try {
            try (PreparedStatement lock = connection().prepareStatement(
                    "SELECT checkpoint FROM lf_trigger WHERE name = ? FOR UPDATE")) {
                lock.setString(1, trigger);
                try (ResultSet row = lock.executeQuery()) {
                    if (!row.next() || (row.getString(1) != null && Long.parseLong(row.getString(1)) >= ended)) {
                        connection().rollback();
                        return;
                    }
                }
            }
            try (PreparedStatement update = connection().prepareStatement(
                    "UPDATE lf_trigger SET checkpoint = ? WHERE name = ?")) {
                update.setString(1, Long.toString(ended));
                update.setString(2, trigger);
                update.executeUpdate();
            }
            connection().commit();
        } catch (SQLException failed) {
            rollback(failed);
            throw failure("move the checkpoint of trigger " + trigger, failed);
        }
    }

    /**
     * Root runs of {@code flow} that ended in one of {@code states} at or after {@code from} (epoch
     * nanoseconds), after the run {@code afterEnded}/{@code afterId} in (ended, id) order, at most
     * {@code limit}.
     */
    public synchronized List<Ended> ended(String flow, Set<State.Kind> states, long from, long afterEnded,
            @Nullable UUID afterId, int limit) {
        String codes = states.stream().map(k -> Integer.toString(code(k))).collect(Collectors.joining(", "));
        String sql = "SELECT id, state, parameters, result, ended FROM lf_run WHERE name = ? AND parent_id IS NULL"
                + " AND root_at IS NOT NULL AND state IN (" + codes + ") AND ended >= ?"
                + (afterId == null ? "" : " AND (ended > ? OR (ended = ? AND id > ?))")
                + " ORDER BY ended, id LIMIT " + limit;
        try (PreparedStatement select = connection().prepareStatement(sql)) {
            select.setString(1, flow);
            select.setLong(2, from);
            if (afterId != null) {
                select.setLong(3, afterEnded);
                select.setLong(4, afterEnded);
                select.setObject(5, afterId);
            }
            List<Ended> found = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    found.add(new Ended(rows.getObject(1, UUID.class), CODES[rows.getInt(2)], rows.getString(3),
                            rows.getString(4), rows.getLong(5)));
                }
            }
            connection().commit();
            return found;
        } catch (SQLException failed) {
            rollback(failed);
            throw failure("read the runs of " + flow + " that ended", failed);
        }
    }

    /**
     * The sources among {@code sources} that the trigger has a fire row of (claimed, started or
     * refused), read in one query, so that a poll claims only the others.
     */
    public synchronized Set<String> fired(String trigger, List<String> sources) {
        if (sources.isEmpty()) {
            return Set.of();
        }
        String marks = sources.stream().map(s -> "?").collect(Collectors.joining(", "));
        try (PreparedStatement select = connection().prepareStatement("SELECT source FROM lf_trigger_fire"
                + " WHERE trigger_name = ? AND source IN (" + marks + ")")) {
            select.setString(1, trigger);
            int i = 2;
            for (String source : sources) {
                select.setString(i++, source);
            }
            Set<String> found = new HashSet<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    found.add(rows.getString(1));
                }
            }
            connection().commit();
            return found;
        } catch (SQLException failed) {
            rollback(failed);
            throw failure("read the fires of trigger " + trigger, failed);
        }
    }

    /** Claims one source for a trigger: true for the one runner whose row went in. */
    public synchronized boolean claim(String trigger, String source, UUID runId, Instant now) {
        try (PreparedStatement insert = connection().prepareStatement(insertFire())) {
            setFire(insert, trigger, source, runId, now);
            insert.executeUpdate();
            connection().commit();
            return true;
        } catch (SQLException failed) {
            rollback(failed);
            if (UNIQUE_VIOLATION.equals(failed.getSQLState())) {
                return false;
            }
            throw failure("claim " + source + " for trigger " + trigger, failed);
        }
    }

    private static String insertFire() {
        return "INSERT INTO lf_trigger_fire (trigger_name, source, run_id, state, claimed_by, claimed_at_ms, detail)"
                + " VALUES (?, ?, ?, 'claimed', ?, ?, ?)";
    }

    private void setFire(PreparedStatement insert, String trigger, String source, UUID runId, Instant now)
            throws SQLException {
        insert.setString(1, trigger);
        insert.setString(2, source);
        insert.setString(3, runId.toString());
        insert.setString(4, owner);
        insert.setLong(5, now.toEpochMilli());
        insert.setString(6, null); // a batch's keys, while claimed (see claimData)
    }

    /**
     * The fires of {@code triggers} still claimed, claimed before {@code beforeMs} by any runner,
     * this one too (a runner that died between its claim and its launch, or whose launch failed);
     * the caller leaves out those it is launching.
     */
    public synchronized List<Claimed> stale(Set<String> triggers, long beforeMs) {
        if (triggers.isEmpty()) {
            return List.of();
        }
        String names = triggers.stream().map(t -> "?").collect(Collectors.joining(", "));
        try (PreparedStatement select = connection().prepareStatement("SELECT trigger_name, source, run_id, detail,"
                + " claimed_by, claimed_at_ms FROM lf_trigger_fire WHERE state = 'claimed' AND claimed_at_ms < ?"
                + " AND trigger_name IN (" + names + ") ORDER BY claimed_at_ms")) {
            select.setLong(1, beforeMs);
            int i = 2;
            for (String trigger : triggers) {
                select.setString(i++, trigger);
            }
            List<Claimed> found = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    String detail = rows.getString(4);
                    found.add(new Claimed(rows.getString(1), rows.getString(2), UUID.fromString(rows.getString(3)),
                            detail == null ? List.of(rows.getString(2)) : List.of(detail.split("\n")),
                            rows.getString(5), rows.getLong(6)));
                }
            }
            connection().commit();
            return found;
        } catch (SQLException failed) {
            rollback(failed);
            throw failure("read the stale claims of the triggers", failed);
        }
    }

    /** Takes a stale claim over, if no other runner did first: true for the one runner that wins. */
    public synchronized boolean takeOver(Claimed claimed, Instant now) {
        try (PreparedStatement update = connection().prepareStatement("UPDATE lf_trigger_fire SET claimed_by = ?,"
                + " claimed_at_ms = ? WHERE trigger_name = ? AND source = ? AND state = 'claimed' AND claimed_by = ?"
                + " AND claimed_at_ms = ?")) {
            update.setString(1, owner);
            update.setLong(2, now.toEpochMilli());
            update.setString(3, claimed.trigger());
            update.setString(4, claimed.source());
            update.setString(5, claimed.claimedBy());
            update.setLong(6, claimed.claimedAtMs());
            boolean won = update.executeUpdate() == 1;
            connection().commit();
            return won;
        } catch (SQLException failed) {
            rollback(failed);
            throw failure("take over " + claimed.source() + " of trigger " + claimed.trigger(), failed);
        }
    }

    /** Marks a fire started with the id its run has (a queued run's id on workers). */
    public synchronized void started(String trigger, String source, UUID runId) {
        try (PreparedStatement update = connection().prepareStatement("UPDATE lf_trigger_fire SET state = 'started',"
                + " run_id = ?, detail = NULL WHERE trigger_name = ? AND source = ?")) {
            update.setString(1, runId.toString());
            update.setString(2, trigger);
            update.setString(3, source);
            update.executeUpdate();
            connection().commit();
        } catch (SQLException failed) {
            rollback(failed);
            throw failure("mark " + source + " of trigger " + trigger + " started", failed);
        }
    }

    /** A root run of the history by id, or null when the history has none. */
    public synchronized @Nullable Ended run(UUID id) {
        try (PreparedStatement select = connection().prepareStatement(
                "SELECT id, state, parameters, result, ended FROM lf_run WHERE id = ?")) {
            select.setObject(1, id);
            try (ResultSet row = select.executeQuery()) {
                Ended found = row.next() ? new Ended(row.getObject(1, UUID.class), CODES[row.getInt(2)],
                        row.getString(3), row.getString(4), row.getLong(5)) : null;
                connection().commit();
                return found;
            }
        } catch (SQLException failed) {
            rollback(failed);
            throw failure("read run " + id + " of the history", failed);
        }
    }

    /**
     * In one transaction that locks the trigger's row: the fires {@code fires} makes of its
     * checkpoint, each inserted with a new run id, and the checkpoint moved to {@code fires}'
     * newest key. {@code fires} returns lists of keys, each list one fire whose source is its
     * last key.
     */
    public synchronized List<Claim> claimData(String trigger, Instant now,
            Function<@Nullable String, List<List<String>>> fires) {
        try {
            String checkpoint;
            try (PreparedStatement lock = connection().prepareStatement(
                    "SELECT checkpoint FROM lf_trigger WHERE name = ? FOR UPDATE")) {
                lock.setString(1, trigger);
                try (ResultSet row = lock.executeQuery()) {
                    if (!row.next()) {
                        connection().rollback();
                        return List.of();
                    }
                    checkpoint = row.getString(1);
                }
            }
            List<List<String>> batches = fires.apply(checkpoint);
            List<Claim> claims = new ArrayList<>();
            try (PreparedStatement insert = connection().prepareStatement(insertFire())) {
                for (List<String> keys : batches) {
                    UUID runId = io.loomflow.RunOptions.newRunId();
                    setFire(insert, trigger, keys.getLast(), runId, now);
                    insert.setString(6, String.join("\n", keys));
                    insert.executeUpdate();
                    claims.add(new Claim(keys.getLast(), keys, runId));
                }
            }
            try (PreparedStatement update = connection().prepareStatement(
                    "UPDATE lf_trigger SET checkpoint = ?, polled_at_ms = ? WHERE name = ?")) {
                update.setString(1, batches.isEmpty() ? checkpoint : batches.getLast().getLast());
                update.setLong(2, now.toEpochMilli());
                update.setString(3, trigger);
                update.executeUpdate();
            }
            connection().commit();
            return claims;
        } catch (SQLException failed) {
            rollback(failed);
            throw failure("claim the new data of trigger " + trigger, failed);
        }
    }

    /** Marks a fire's run started, or refused (with why: no run was started). */
    public synchronized void mark(String trigger, String source, String state, @Nullable String detail) {
        try (PreparedStatement update = connection().prepareStatement(
                "UPDATE lf_trigger_fire SET state = ?, detail = ? WHERE trigger_name = ? AND source = ?")) {
            update.setString(1, state);
            update.setString(2, detail);
            update.setString(3, trigger);
            update.setString(4, source);
            update.executeUpdate();
            connection().commit();
        } catch (SQLException failed) {
            rollback(failed);
            throw failure("mark " + source + " of trigger " + trigger + " " + state, failed);
        }
    }

    private void rollback(SQLException failed) {
        try {
            connection().rollback();
        } catch (SQLException ignored) {
            failed.addSuppressed(ignored);
        }
    }

    private IllegalStateException failure(String what, SQLException failed) {
        return database.failure(what, failed);
    }

    private Connection connection() throws SQLException {
        return database.connection();
    }

    @Override
    public synchronized void close() {
        database.close();
    }
}
