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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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

    /**
     * Adds the schedules not there yet (not paused, since {@code now}); updates the definition of the
     * others. In one transaction (one query for the names there, a batch of updates and one of
     * inserts); if that fails (another scheduler registered one of them meanwhile), one transaction
     * per schedule.
     */
    public synchronized void register(Collection<Schedule> schedules, Instant now) {
        try {
            Map<String, String> there = new HashMap<>();
            PreparedStatement select = database.prepared("SELECT name, definition FROM lf_schedule WHERE name = ANY(?)");
            select.setArray(1, database.texts(schedules.stream().map(Schedule::name).toList()));
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    there.put(row.getString(1), row.getString(2));
                }
            }
            try (PreparedStatement update = connection().prepareStatement(
                    "UPDATE lf_schedule SET definition = ? WHERE name = ?");
                 PreparedStatement restart = connection().prepareStatement(RESTART);
                 PreparedStatement insert = connection().prepareStatement("INSERT INTO lf_schedule"
                         + " (name, definition, paused, since_ms, cursor_slot) VALUES (?, ?, FALSE, ?, NULL)")) {
                for (Schedule schedule : schedules) {
                    String definition = there.get(schedule.name());
                    if (definition == null) {
                        insert.setString(1, schedule.name());
                        insert.setString(2, schedule.toString());
                        insert.setLong(3, now.toEpochMilli());
                        insert.addBatch();
                    } else if (!definition.equals(schedule.toString()) && slotsChanged(definition, schedule)) {
                        restart.setString(1, schedule.toString());
                        restart.setLong(2, now.toEpochMilli());
                        restart.setString(3, schedule.name());
                        restart.addBatch();
                    } else if (!definition.equals(schedule.toString())) {
                        update.setString(1, schedule.toString());
                        update.setString(2, schedule.name());
                        update.addBatch();
                    }
                }
                update.executeBatch();
                restart.executeBatch();
                insert.executeBatch();
            }
            connection().commit();
            return;
        } catch (SQLException raced) {
            try {
                connection().rollback();
            } catch (SQLException ignored) {
                raced.addSuppressed(ignored);
            }
        }
        try {
            for (Schedule schedule : schedules) {
                String stored = null;
                try (PreparedStatement select = connection().prepareStatement(
                        "SELECT definition FROM lf_schedule WHERE name = ?")) {
                    select.setString(1, schedule.name());
                    try (ResultSet row = select.executeQuery()) {
                        stored = row.next() ? row.getString(1) : null;
                    }
                }
                boolean restarted = stored != null && !stored.equals(schedule.toString()) && slotsChanged(stored, schedule);
                try (PreparedStatement update = connection().prepareStatement(restarted ? RESTART
                        : "UPDATE lf_schedule SET definition = ? WHERE name = ?")) {
                    update.setString(1, schedule.toString());
                    if (restarted) {
                        update.setLong(2, now.toEpochMilli());
                    }
                    update.setString(restarted ? 3 : 2, schedule.name());
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

    /** A schedule whose slots changed starts again: no cursor, counting from now (its earlier slots are not caught up). */
    private static final String RESTART = "UPDATE lf_schedule SET definition = ?, cursor_slot = NULL, since_ms = ?"
            + " WHERE name = ?";

    /**
     * Whether a schedule's slots differ from those of the definition stored for it: another timing or
     * zone (or a definition this version cannot read), whose slot keys the stored cursor is not one of,
     * or names another time. Catch-up, max active and jitter keep the slots.
     */
    static boolean slotsChanged(String stored, Schedule schedule) {
        return Definitions.parse(stored).map(old -> !old.timing().equals(schedule.timing())
                || !old.zone().equals(schedule.zone())).orElse(true);
    }

    /** A schedule's row: whether it is paused, since when it counts, and its cursor (the key of the last slot handled). */
    public record Cursor(boolean paused, long sinceMs, @Nullable String cursor) {
    }

    /** The rows of these schedules (those with one), by name: one query. */
    public synchronized Map<String, Cursor> cursors(Collection<String> names) {
        try {
            PreparedStatement select = database.prepared(
                    "SELECT name, paused, since_ms, cursor_slot FROM lf_schedule WHERE name = ANY(?)");
            select.setArray(1, database.texts(names));
            Map<String, Cursor> rows = new HashMap<>(names.size() * 2);
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    rows.put(row.getString(1), new Cursor(row.getBoolean(2), row.getLong(3), row.getString(4)));
                }
            }
            connection().commit();
            return rows;
        } catch (SQLException failed) {
            throw failure("read the cursors of the schedules", failed);
        }
    }

    /**
     * What one claim found for a schedule: the slots claimed (in order), its cursor before and after,
     * whether it is paused, and whether due slots were left for want of room under its most active runs.
     */
    public record Claimed(Schedule schedule, List<Claim> claims, Cursor row, @Nullable String cursor, boolean blocked) {
    }

    /**
     * In one transaction that locks the rows of these schedules ({@code name = ANY(?) ... FOR UPDATE},
     * in the order of their names): for each not paused, the slots due at {@code at} from its cursor
     * ({@link Schedule#dueSlots}), as many as its most active runs allow (one grouped count of the
     * claimed and started slots), inserted as claimed at {@code now} with a new run id (one batch),
     * and the cursors that moved updated (one batch).
     *
     * @param batch the schedules, a few hundred at most
     * @param at the instant the due slots are computed for: now, or a little later to claim ahead
     * @param now the claim time written on the rows
     * @return one entry per schedule that has a row, in the order of {@code batch}
     */
    public synchronized List<Claimed> claim(List<Schedule> batch, Instant at, Instant now) {
        try {
            Map<String, Cursor> rows = new HashMap<>(batch.size() * 2);
            PreparedStatement lock = database.prepared("SELECT name, paused, since_ms, cursor_slot FROM lf_schedule"
                    + " WHERE name = ANY(?) ORDER BY name FOR UPDATE");
            lock.setArray(1, database.texts(batch.stream().map(Schedule::name).toList()));
            try (ResultSet row = lock.executeQuery()) {
                while (row.next()) {
                    rows.put(row.getString(1), new Cursor(row.getBoolean(2), row.getLong(3), row.getString(4)));
                }
            }
            Map<String, Schedule.Due> dues = new HashMap<>();
            for (Schedule schedule : batch) {
                Cursor row = rows.get(schedule.name());
                if (row != null && !row.paused()) {
                    Slot cursor = row.cursor() == null ? null : schedule.slot(row.cursor());
                    Schedule.Due due = schedule.dueSlots(cursor, Instant.ofEpochMilli(row.sinceMs()), at);
                    if (!due.fire().isEmpty() || !Objects.equals(due.handledThrough().map(Slot::key).orElse(null),
                            row.cursor())) {
                        dues.put(schedule.name(), due);
                    }
                }
            }
            Map<String, Integer> active = dues.isEmpty() ? Map.of() : active(dues.keySet());
            PreparedStatement insert = database.prepared("INSERT INTO lf_schedule_slot"
                    + " (schedule, slot, run_id, state, claimed_by, claimed_at_ms) VALUES (?, ?, ?, 'claimed', ?, ?)");
            PreparedStatement move = database.prepared("UPDATE lf_schedule SET cursor_slot = ? WHERE name = ?");
            boolean inserted = false;
            boolean moved = false;
            List<Claimed> claimed = new ArrayList<>(batch.size());
            for (Schedule schedule : batch) {
                Cursor row = rows.get(schedule.name());
                if (row == null) {
                    continue;
                }
                Schedule.Due due = dues.get(schedule.name());
                if (due == null) {
                    claimed.add(new Claimed(schedule, List.of(), row, row.cursor(), false));
                    continue;
                }
                int room = Math.max(0, schedule.maxActive() - active.getOrDefault(schedule.name(), 0));
                List<Slot> fire = due.fire().subList(0, Math.min(room, due.fire().size()));
                boolean blocked = fire.size() < due.fire().size();
                String cursor = !blocked ? due.handledThrough().map(Slot::key).orElse(row.cursor())
                        : fire.isEmpty() ? row.cursor() : fire.getLast().key();
                List<Claim> claims = new ArrayList<>(fire.size());
                for (Slot slot : fire) {
                    UUID runId = RunOptions.newRunId();
                    insert.setString(1, schedule.name());
                    insert.setString(2, slot.key());
                    insert.setString(3, runId.toString());
                    insert.setString(4, owner);
                    insert.setLong(5, now.toEpochMilli());
                    insert.addBatch();
                    inserted = true;
                    claims.add(new Claim(slot, runId));
                }
                if (!Objects.equals(cursor, row.cursor())) {
                    move.setString(1, cursor);
                    move.setString(2, schedule.name());
                    move.addBatch();
                    moved = true;
                }
                claimed.add(new Claimed(schedule, List.copyOf(claims), row, cursor, blocked));
            }
            if (inserted) {
                insert.executeBatch();
            }
            if (moved) {
                move.executeBatch();
            }
            connection().commit();
            return claimed;
        } catch (SQLException | RuntimeException failed) {
            try {
                database.clearBatches();
                connection().rollback();
            } catch (SQLException ignored) {
                failed.addSuppressed(ignored);
            }
            String what = "claim the due slots of schedules " + batch.getFirst().name()
                    + (batch.size() > 1 ? " to " + batch.getLast().name() : "");
            if (failed instanceof SQLException sql) {
                throw failure(what, sql);
            }
            throw (RuntimeException) failed;
        }
    }

    /** How many claimed or started slots each of these schedules has (those with none are not listed): one query. */
    private Map<String, Integer> active(Collection<String> names) throws SQLException {
        PreparedStatement count = database.prepared("SELECT schedule, COUNT(*) FROM lf_schedule_slot"
                + " WHERE schedule = ANY(?) AND state IN ('claimed', 'started') GROUP BY schedule");
        count.setArray(1, database.texts(names));
        Map<String, Integer> active = new HashMap<>();
        try (ResultSet row = count.executeQuery()) {
            while (row.next()) {
                active.put(row.getString(1), row.getInt(2));
            }
        }
        return active;
    }

    /** Claims of a schedule to give back: its cursor goes back from {@code cursor} to {@code previous}. */
    public record GiveBack(String schedule, @Nullable String previous, @Nullable String cursor, List<Claim> claims) {
    }

    /**
     * Gives back claims not launched, in one transaction that locks the schedules' rows: the slot rows
     * are deleted and the cursors moved back, only if every cursor is still the one the claim left
     * and every row still this scheduler's claim; otherwise nothing changes.
     *
     * @return whether they were given back
     */
    public synchronized boolean giveBack(List<GiveBack> claims) {
        if (claims.isEmpty()) {
            return true;
        }
        try {
            PreparedStatement lock = database.prepared("SELECT name, paused, since_ms, cursor_slot FROM lf_schedule"
                    + " WHERE name = ANY(?) ORDER BY name FOR UPDATE");
            lock.setArray(1, database.texts(claims.stream().map(GiveBack::schedule).toList()));
            Map<String, @Nullable String> cursors = new HashMap<>();
            try (ResultSet row = lock.executeQuery()) {
                while (row.next()) {
                    cursors.put(row.getString(1), row.getString(4));
                }
            }
            boolean same = true;
            int rows = 0;
            try (PreparedStatement delete = connection().prepareStatement("DELETE FROM lf_schedule_slot WHERE schedule = ?"
                    + " AND slot = ? AND run_id = ? AND state = 'claimed' AND claimed_by = ?");
                 PreparedStatement move = connection().prepareStatement(
                         "UPDATE lf_schedule SET cursor_slot = ? WHERE name = ?")) {
                for (GiveBack back : claims) {
                    same &= cursors.containsKey(back.schedule()) && Objects.equals(cursors.get(back.schedule()), back.cursor());
                    for (Claim claim : back.claims()) {
                        delete.setString(1, back.schedule());
                        delete.setString(2, claim.slot().key());
                        delete.setString(3, claim.runId().toString());
                        delete.setString(4, owner);
                        delete.addBatch();
                        rows++;
                    }
                    move.setString(1, back.previous());
                    move.setString(2, back.schedule());
                    move.addBatch();
                }
                if (same) {
                    int deleted = 0;
                    for (int count : delete.executeBatch()) {
                        deleted += count;
                    }
                    same = deleted == rows;
                }
                if (same) {
                    move.executeBatch();
                    connection().commit();
                    return true;
                }
            }
            connection().rollback();
            return false;
        } catch (SQLException failed) {
            try {
                connection().rollback();
            } catch (SQLException ignored) {
                failed.addSuppressed(ignored);
            }
            throw failure("give back the slots claimed ahead", failed);
        }
    }

    /** A slot row not ended: claimed (its run maybe not started) or started. */
    public record Row(String schedule, String slot, UUID runId, String state, long claimedAtMs, String claimedBy) {
    }

    /** The rows of these schedules claimed or started before {@code beforeMs}, the oldest claims first: one query. */
    public synchronized List<Row> unended(Collection<String> schedules, long beforeMs) {
        try {
            PreparedStatement select = database.prepared("SELECT schedule, slot, run_id, state, claimed_at_ms,"
                    + " claimed_by FROM lf_schedule_slot WHERE schedule = ANY(?) AND state IN ('claimed', 'started')"
                    + " AND claimed_at_ms < ? ORDER BY claimed_at_ms");
            select.setArray(1, database.texts(schedules));
            select.setLong(2, beforeMs);
            List<Row> rows = new ArrayList<>();
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    rows.add(new Row(row.getString(1), row.getString(2), UUID.fromString(row.getString(3)),
                            row.getString(4), row.getLong(5), row.getString(6)));
                }
            }
            connection().commit();
            return rows;
        } catch (SQLException failed) {
            throw failure("read the claimed slots of the schedules", failed);
        }
    }

    /** The run ids of the latest {@code limit} ended slots of a schedule that {@code claimedBy} claimed. */
    public synchronized List<UUID> endedRuns(String schedule, String claimedBy, int limit) {
        try (PreparedStatement select = connection().prepareStatement("SELECT run_id FROM lf_schedule_slot"
                + " WHERE schedule = ? AND state = 'ended' AND claimed_by = ? ORDER BY claimed_at_ms DESC LIMIT ?")) {
            select.setString(1, schedule);
            select.setString(2, claimedBy);
            select.setInt(3, limit);
            List<UUID> ids = new ArrayList<>();
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    ids.add(UUID.fromString(row.getString(1)));
                }
            }
            connection().commit();
            return ids;
        } catch (SQLException failed) {
            throw failure("read the ended slots of schedule " + schedule, failed);
        }
    }

    /** A slot's run that started (under this id) or ended, to be written in the slot's row. */
    public record Change(String schedule, String slot, @Nullable UUID startedAs, boolean ended) {
    }

    /**
     * Writes these changes in one transaction: every start (state {@code started} and the run id, on
     * a claimed row), then every end (state {@code ended}, on a claimed or started row), then every
     * start and end of one run (state {@code ended} and the run id, on a claimed row).
     */
    public synchronized void write(List<Change> changes) {
        try {
            PreparedStatement started = database.prepared("UPDATE lf_schedule_slot SET state = 'started', run_id = ?"
                    + " WHERE schedule = ? AND slot = ? AND state = 'claimed'");
            PreparedStatement ended = database.prepared("UPDATE lf_schedule_slot SET state = 'ended'"
                    + " WHERE schedule = ? AND slot = ? AND state IN ('claimed', 'started')");
            PreparedStatement ran = database.prepared("UPDATE lf_schedule_slot SET state = 'ended', run_id = ?"
                    + " WHERE schedule = ? AND slot = ? AND state = 'claimed'");
            boolean anyStarted = false;
            boolean anyEnded = false;
            boolean anyRan = false;
            for (Change change : changes) {
                if (change.startedAs() != null && change.ended()) {
                    ran.setString(1, change.startedAs().toString());
                    ran.setString(2, change.schedule());
                    ran.setString(3, change.slot());
                    ran.addBatch();
                    anyRan = true;
                } else if (change.startedAs() != null) {
                    started.setString(1, change.startedAs().toString());
                    started.setString(2, change.schedule());
                    started.setString(3, change.slot());
                    started.addBatch();
                    anyStarted = true;
                }
            }
            for (Change change : changes) {
                if (change.ended() && change.startedAs() == null) {
                    ended.setString(1, change.schedule());
                    ended.setString(2, change.slot());
                    ended.addBatch();
                    anyEnded = true;
                }
            }
            if (anyStarted) {
                started.executeBatch();
            }
            if (anyEnded) {
                ended.executeBatch();
            }
            if (anyRan) {
                ran.executeBatch();
            }
            connection().commit();
        } catch (SQLException failed) {
            try {
                database.clearBatches();
                connection().rollback();
            } catch (SQLException ignored) {
                failed.addSuppressed(ignored);
            }
            throw failure("mark " + changes.size() + " slots started or ended", failed);
        }
    }

    /**
     * Takes a stale claim over: the row becomes this scheduler's claim, made {@code now}, only if no
     * one changed it since it was read (its claim time and state are still those of {@code row}).
     *
     * @return whether this scheduler holds the claim now
     */
    public synchronized boolean takeOver(Row row, Instant now) {
        try (PreparedStatement update = connection().prepareStatement("UPDATE lf_schedule_slot SET state = 'claimed',"
                + " claimed_by = ?, claimed_at_ms = ? WHERE schedule = ? AND slot = ? AND state = ?"
                + " AND claimed_at_ms = ? AND claimed_by = ?")) {
            update.setString(1, owner);
            update.setLong(2, now.toEpochMilli());
            update.setString(3, row.schedule());
            update.setString(4, row.slot());
            update.setString(5, row.state());
            update.setLong(6, row.claimedAtMs());
            update.setString(7, row.claimedBy());
            boolean taken = update.executeUpdate() == 1;
            connection().commit();
            return taken;
        } catch (SQLException failed) {
            throw failure("take over slot " + row.slot() + " of schedule " + row.schedule(), failed);
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
