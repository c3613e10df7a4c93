package io.loomflow.schedules;

import io.loomflow.TimeSource;
import io.loomflow.schedules.internal.Definitions;
import io.loomflow.schedules.internal.ScheduleReads;
import io.loomflow.schedules.internal.SlotTable;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The schedules registered in a database, read and paused or resumed without an engine, a queue or
 * a running scheduler, as the command line's {@code loomflow schedules} does. Each schedule is read
 * back from the definition its scheduler stored, so its next fire times are those the schedulers
 * compute; pause and resume are kept in the database, where every scheduler reads them before
 * each tick. It never creates or migrates tables.
 *
 * <p>A definition this version cannot read (written by another version) is listed with the flow
 * {@code ?}, the stored definition as its timing, UTC, and no next fire times.
 */
public final class ScheduleAdmin implements AutoCloseable {

    private final SlotTable table;
    private final TimeSource clock;

    private ScheduleAdmin(SlotTable table, TimeSource clock) {
        this.table = table;
        this.clock = clock;
    }

    /**
     * Opens the schedule tables of a database, with the system clock.
     *
     * @param url a JDBC URL: PostgreSQL, or H2 (an embedded store's file)
     * @return the admin, to close
     * @throws ScheduleException when the database has no schedule tables (no scheduler used it)
     * @throws IllegalStateException when the database cannot be opened; the message says why
     */
    public static ScheduleAdmin open(String url) {
        return open(url, TimeSource.system());
    }

    /**
     * Opens the schedule tables of a database, with a clock for "now" (tests give a manual one).
     *
     * @param url a JDBC URL: PostgreSQL, or H2 (an embedded store's file)
     * @param clock what "now" is for the next fire times
     * @return the admin, to close
     * @throws ScheduleException when the database has no schedule tables (no scheduler used it)
     * @throws IllegalStateException when the database cannot be opened; the message says why
     */
    public static ScheduleAdmin open(String url, TimeSource clock) {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(clock, "clock");
        SlotTable table = SlotTable.open(url, "schedule-admin-" + UUID.randomUUID());
        try {
            if (!table.hasTables()) {
                throw new ScheduleException("the database has no schedule tables (lf_schedule): no scheduler has"
                        + " used it yet; a scheduler creates them when it is built on it (Scheduler.builder(), or"
                        + " LoomflowServer.Builder.scheduler)");
            }
        } catch (RuntimeException failed) {
            table.close();
            throw failed;
        }
        return new ScheduleAdmin(table, clock);
    }

    /**
     * The names of the schedules registered, sorted.
     *
     * @return the names
     */
    public List<String> names() {
        return table.registered().stream().map(SlotTable.Registered::name).toList();
    }

    /**
     * Every schedule's status, sorted by name: as {@link Scheduler#status} gives it.
     *
     * @param next how many next fire times each, 0 to {@value Scheduler#MOST_LISTED}
     * @param recent how many fired slots each, 0 to {@value Scheduler#MOST_LISTED}
     * @return their statuses; empty when none is registered
     * @throws ScheduleException for counts out of range
     */
    public List<ScheduleStatus> statuses(int next, int recent) {
        Instant now = clock.now();
        List<ScheduleStatus> all = new ArrayList<>();
        for (SlotTable.Registered row : table.registered()) {
            all.add(status(row, now, next, recent));
        }
        return all;
    }

    /**
     * A schedule's status, as {@link Scheduler#status} gives it.
     *
     * @param name the schedule's name
     * @param next how many next fire times, 0 to {@value Scheduler#MOST_LISTED}
     * @param recent how many fired slots, 0 to {@value Scheduler#MOST_LISTED}
     * @return its status
     * @throws ScheduleException for a name no schedule has (the message lists those there are), or counts out of range
     */
    public ScheduleStatus status(String name, int next, int recent) {
        return status(registered(name), clock.now(), next, recent);
    }

    private ScheduleStatus status(SlotTable.Registered row, Instant now, int next, int recent) {
        Optional<Schedule> schedule = Definitions.parse(row.definition());
        if (schedule.isPresent()) {
            return ScheduleReads.status(table, schedule.get(), now, next, recent);
        }
        ScheduleReads.count("next", next);
        ScheduleReads.count("recent", recent);
        return new ScheduleStatus(row.name(), "?", row.definition(), ZoneOffset.UTC, row.paused(), List.of(), List.of(),
                table.firedCount(row.name()));
    }

    /**
     * Pauses a schedule: no scheduler fires it until it is resumed; the slots that pass meanwhile are
     * missed, for its catch-up policy. Pausing a paused schedule changes nothing.
     *
     * @param name the schedule's name
     * @throws ScheduleException for a name no schedule has (the message lists those there are)
     */
    public void pause(String name) {
        setPaused(name, true);
    }

    /**
     * Resumes a paused schedule. Resuming one that is not paused changes nothing.
     *
     * @param name the schedule's name
     * @throws ScheduleException for a name no schedule has (the message lists those there are)
     */
    public void resume(String name) {
        setPaused(name, false);
    }

    private void setPaused(String name, boolean paused) {
        if (!table.setPaused(Objects.requireNonNull(name, "name"), paused)) {
            throw unknown(name);
        }
    }

    private SlotTable.Registered registered(String name) {
        Objects.requireNonNull(name, "name");
        return table.registered().stream().filter(row -> row.name().equals(name)).findFirst()
                .orElseThrow(() -> unknown(name));
    }

    private ScheduleException unknown(String name) {
        List<String> names = names();
        return new ScheduleException("no schedule is named '" + name + "'; " + (names.isEmpty()
                ? "the database has no schedules" : "the schedules are " + String.join(", ", names)));
    }

    /** Closes its connection. */
    @Override
    public void close() {
        table.close();
    }
}
