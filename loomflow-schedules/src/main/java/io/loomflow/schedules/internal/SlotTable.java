package io.loomflow.schedules.internal;

import io.loomflow.RunOptions;
import io.loomflow.schedules.Schedule;
import io.loomflow.schedules.Slot;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The schedule tables (store migration V11) as one scheduler uses them, over one connection of its
 * own: {@code lf_schedule} (a row per schedule: paused, since, cursor) and {@code lf_schedule_slot}
 * (a row per fired slot; primary key schedule and slot).
 */
public final class SlotTable implements AutoCloseable {

    /** A slot this scheduler claimed, and the id its run gets. */
    public record Claim(Slot slot, UUID runId) {
    }

    private final Database database;
    private final String owner;

    private SlotTable(Database database, String owner) {
        this.database = database;
        this.owner = owner;
    }

    /** Opens a connection of its own to {@code url}. */
    public static SlotTable open(String url, String owner) {
        return new SlotTable(Database.open(url, "the schedules'"), owner);
    }

    /** Adds the schedules not there yet (not paused, since {@code now}); updates the definition of the others. */
    public synchronized void register(Collection<Schedule> schedules, Instant now) {
        try {
            for (Schedule schedule : schedules) {
                try (PreparedStatement update = connection().prepareStatement(
                        "UPDATE lf_schedule SET definition = ? WHERE name = ?")) {
                    update.setString(1, schedule.toString());
                    update.setString(2, schedule.name());
                    if (update.executeUpdate() == 0) {
                        try (PreparedStatement insert = connection().prepareStatement("INSERT INTO lf_schedule"
                                + " (name, definition, paused, since_ms, cursor_slot) VALUES (?, ?, FALSE, ?, NULL)")) {
                            insert.setString(1, schedule.name());
                            insert.setString(2, schedule.toString());
                            insert.setLong(3, now.toEpochMilli());
                            insert.executeUpdate();
                        }
                    }
                }
                connection().commit();
            }
        } catch (SQLException failed) {
            throw failure("register the schedules", failed);
        }
    }

    /**
     * In one transaction that locks the schedule's row: the due slots from its cursor, as many as
     * its most active runs allow, each inserted as claimed with a new run id, and the cursor moved.
     * Nothing when the schedule is paused.
     */
    public synchronized List<Claim> claimDue(Schedule schedule, Instant now) {
        try {
            boolean paused;
            Instant since;
            @Nullable String cursorKey;
            try (PreparedStatement lock = connection().prepareStatement(
                    "SELECT paused, since_ms, cursor_slot FROM lf_schedule WHERE name = ? FOR UPDATE")) {
                lock.setString(1, schedule.name());
                try (ResultSet row = lock.executeQuery()) {
                    if (!row.next()) {
                        connection().rollback();
                        return List.of();
                    }
                    paused = row.getBoolean(1);
                    since = Instant.ofEpochMilli(row.getLong(2));
                    cursorKey = row.getString(3);
                }
            }
            if (paused) {
                connection().rollback();
                return List.of();
            }
            Slot cursor = cursorKey == null ? null : schedule.slot(cursorKey);
            Schedule.Due due = schedule.dueSlots(cursor, since, now);
            int active;
            try (PreparedStatement count = connection().prepareStatement(
                    "SELECT COUNT(*) FROM lf_schedule_slot WHERE schedule = ? AND state IN ('claimed', 'started')")) {
                count.setString(1, schedule.name());
                try (ResultSet row = count.executeQuery()) {
                    row.next();
                    active = row.getInt(1);
                }
            }
            int room = Math.max(0, schedule.maxActive() - active);
            List<Slot> fire = due.fire().subList(0, Math.min(room, due.fire().size()));
            Slot moved = fire.size() == due.fire().size() ? due.handledThrough().orElse(cursor)
                    : fire.isEmpty() ? cursor : fire.getLast();
            List<Claim> claims = new ArrayList<>();
            try (PreparedStatement insert = connection().prepareStatement("INSERT INTO lf_schedule_slot"
                    + " (schedule, slot, run_id, state, claimed_by, claimed_at_ms) VALUES (?, ?, ?, 'claimed', ?, ?)")) {
                for (Slot slot : fire) {
                    UUID runId = RunOptions.newRunId();
                    insert.setString(1, schedule.name());
                    insert.setString(2, slot.key());
                    insert.setString(3, runId.toString());
                    insert.setString(4, owner);
                    insert.setLong(5, now.toEpochMilli());
                    insert.executeUpdate();
                    claims.add(new Claim(slot, runId));
                }
            }
            try (PreparedStatement update = connection().prepareStatement(
                    "UPDATE lf_schedule SET cursor_slot = ? WHERE name = ?")) {
                update.setString(1, moved == null ? null : moved.key());
                update.setString(2, schedule.name());
                update.executeUpdate();
            }
            connection().commit();
            return claims;
        } catch (SQLException failed) {
            try {
                connection().rollback();
            } catch (SQLException ignored) {
                failed.addSuppressed(ignored);
            }
            throw failure("claim the due slots of schedule " + schedule.name(), failed);
        }
    }

    /** A slot row not ended: claimed (its run maybe not started) or started. */
    public record Row(String slot, UUID runId, String state, long claimedAtMs, String claimedBy) {
    }

    /** The rows of a schedule claimed or started, the oldest claims first. */
    public synchronized List<Row> unended(String schedule) {
        try (PreparedStatement select = connection().prepareStatement("SELECT slot, run_id, state, claimed_at_ms,"
                + " claimed_by FROM lf_schedule_slot WHERE schedule = ? AND state IN ('claimed', 'started')"
                + " ORDER BY claimed_at_ms")) {
            select.setString(1, schedule);
            List<Row> rows = new ArrayList<>();
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    rows.add(new Row(row.getString(1), UUID.fromString(row.getString(2)), row.getString(3),
                            row.getLong(4), row.getString(5)));
                }
            }
            connection().commit();
            return rows;
        } catch (SQLException failed) {
            throw failure("read the claimed slots of schedule " + schedule, failed);
        }
    }

    /**
     * Takes a stale claim over: the row becomes this scheduler's claim, made {@code now}, only if no
     * one changed it since it was read (its claim time and state are still those of {@code row}).
     *
     * @return whether this scheduler holds the claim now
     */
    public synchronized boolean takeOver(String schedule, Row row, Instant now) {
        try (PreparedStatement update = connection().prepareStatement("UPDATE lf_schedule_slot SET state = 'claimed',"
                + " claimed_by = ?, claimed_at_ms = ? WHERE schedule = ? AND slot = ? AND state = ?"
                + " AND claimed_at_ms = ? AND claimed_by = ?")) {
            update.setString(1, owner);
            update.setLong(2, now.toEpochMilli());
            update.setString(3, schedule);
            update.setString(4, row.slot());
            update.setString(5, row.state());
            update.setLong(6, row.claimedAtMs());
            update.setString(7, row.claimedBy());
            boolean taken = update.executeUpdate() == 1;
            connection().commit();
            return taken;
        } catch (SQLException failed) {
            throw failure("take over slot " + row.slot() + " of schedule " + schedule, failed);
        }
    }

    /** Marks a claimed slot's run started, under the id the run has. */
    public synchronized void started(String schedule, String slot, UUID runId) {
        try (PreparedStatement update = connection().prepareStatement("UPDATE lf_schedule_slot SET state = 'started',"
                + " run_id = ? WHERE schedule = ? AND slot = ? AND state = 'claimed'")) {
            update.setString(1, runId.toString());
            update.setString(2, schedule);
            update.setString(3, slot);
            update.executeUpdate();
            connection().commit();
        } catch (SQLException failed) {
            throw failure("mark slot " + slot + " of schedule " + schedule + " started", failed);
        }
    }

    /** Marks a slot's run ended, so it no longer counts as active. */
    public void ended(String schedule, String slot) {
        setState(schedule, slot, "ended");
    }

    private synchronized void setState(String schedule, String slot, String state) {
        try (PreparedStatement update = connection().prepareStatement(
                "UPDATE lf_schedule_slot SET state = ? WHERE schedule = ? AND slot = ? AND state IN ('claimed', 'started')")) {
            update.setString(1, state);
            update.setString(2, schedule);
            update.setString(3, slot);
            update.executeUpdate();
            connection().commit();
        } catch (SQLException failed) {
            throw failure("mark slot " + slot + " of schedule " + schedule + " " + state, failed);
        }
    }

    /** The status of a queued run (loomflow-workers' {@code lf_queue}) by its id. */
    public synchronized Launcher.Status queuedRunStatus(UUID runId) {
        try (PreparedStatement select = connection().prepareStatement("SELECT state FROM lf_queue WHERE id = ?")) {
            select.setObject(1, runId);
            try (ResultSet row = select.executeQuery()) {
                Launcher.Status status = !row.next() ? Launcher.Status.MISSING
                        : switch (row.getString(1)) {
                            case "queued", "running" -> Launcher.Status.ACTIVE;
                            default -> Launcher.Status.ENDED;
                        };
                connection().commit();
                return status;
            }
        } catch (SQLException failed) {
            throw failure("read queued run " + runId, failed);
        }
    }

    /** A slot row, whatever its state. */
    public record Fired(String slot, UUID runId, String state, long claimedAtMs) {
    }

    /** A schedule's slot rows, the latest slot first (by its key: a wall-clock time or an instant, which sort as text): {@code limit} of them after skipping {@code offset}. */
    public synchronized List<Fired> fired(String schedule, int limit, int offset) {
        try (PreparedStatement select = connection().prepareStatement("SELECT slot, run_id, state, claimed_at_ms"
                + " FROM lf_schedule_slot WHERE schedule = ? ORDER BY slot DESC"
                + " LIMIT ? OFFSET ?")) {
            select.setString(1, schedule);
            select.setInt(2, limit);
            select.setInt(3, offset);
            List<Fired> rows = new ArrayList<>();
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    rows.add(new Fired(row.getString(1), UUID.fromString(row.getString(2)), row.getString(3),
                            row.getLong(4)));
                }
            }
            connection().commit();
            return rows;
        } catch (SQLException failed) {
            throw failure("read the fired slots of schedule " + schedule, failed);
        }
    }

    /** How many slot rows a schedule has. */
    public synchronized long firedCount(String schedule) {
        try (PreparedStatement select = connection().prepareStatement(
                "SELECT COUNT(*) FROM lf_schedule_slot WHERE schedule = ?")) {
            select.setString(1, schedule);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                long count = row.getLong(1);
                connection().commit();
                return count;
            }
        } catch (SQLException failed) {
            throw failure("count the fired slots of schedule " + schedule, failed);
        }
    }

    /** Pauses or resumes a schedule; whether it has a row to change. */
    public synchronized boolean setPaused(String schedule, boolean paused) {
        try (PreparedStatement update = connection().prepareStatement("UPDATE lf_schedule SET paused = ? WHERE name = ?")) {
            update.setBoolean(1, paused);
            update.setString(2, schedule);
            boolean changed = update.executeUpdate() == 1;
            connection().commit();
            return changed;
        } catch (SQLException failed) {
            throw failure((paused ? "pause" : "resume") + " schedule " + schedule, failed);
        }
    }

    /** Whether a schedule is paused. */
    public synchronized boolean isPaused(String schedule) {
        try (PreparedStatement select = connection().prepareStatement("SELECT paused FROM lf_schedule WHERE name = ?")) {
            select.setString(1, schedule);
            try (ResultSet row = select.executeQuery()) {
                boolean paused = row.next() && row.getBoolean(1);
                connection().commit();
                return paused;
            }
        } catch (SQLException failed) {
            throw failure("read schedule " + schedule, failed);
        }
    }

    /** A schedule's row: its name, its definition as stored ({@link Schedule#toString()}) and whether it is paused. */
    public record Registered(String name, String definition, boolean paused) {
    }

    /** Every schedule registered in the database, by name. */
    public synchronized List<Registered> registered() {
        try (PreparedStatement select = connection().prepareStatement(
                "SELECT name, definition, paused FROM lf_schedule ORDER BY name")) {
            List<Registered> rows = new ArrayList<>();
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    rows.add(new Registered(row.getString(1), row.getString(2), row.getBoolean(3)));
                }
            }
            connection().commit();
            return rows;
        } catch (SQLException failed) {
            throw failure("read the schedules", failed);
        }
    }

    /**
     * Whether the database has the schedule tables (store migration V11): false when a query of
     * {@code lf_schedule} fails for want of the table (SQL state class 42), as it does in a database
     * no scheduler has used.
     */
    public synchronized boolean hasTables() {
        try (PreparedStatement select = connection().prepareStatement("SELECT COUNT(*) FROM lf_schedule WHERE 1 = 0");
             ResultSet row = select.executeQuery()) {
            row.next();
            connection().commit();
            return true;
        } catch (SQLException failed) {
            try {
                connection().rollback();
            } catch (SQLException ignored) {
                failed.addSuppressed(ignored);
            }
            if (failed.getSQLState() != null && failed.getSQLState().startsWith("42")) {
                return false;
            }
            throw failure("read the schedules", failed);
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
