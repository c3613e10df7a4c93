package io.loomflow.schedules.internal;

import io.loomflow.schedules.FiredSlot;
import io.loomflow.schedules.Schedule;
import io.loomflow.schedules.ScheduleException;
import io.loomflow.schedules.ScheduleStatus;
import io.loomflow.schedules.Slot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The read side of the schedule tables, shared by {@code Scheduler} (its schedules as given) and
 * {@code ScheduleAdmin} (its schedules as their stored definitions say): statuses, next fire times
 * and pages of fired slots.
 */
public final class ScheduleReads {

    /** The most fire times or fired slots one status call gives. */
    public static final int MOST_LISTED = 1000;

    private ScheduleReads() {
    }

    /** A schedule's status at {@code now}, its paused flag read from the table. */
    public static ScheduleStatus status(SlotTable table, Schedule schedule, Instant now, int next, int recent) {
        return new ScheduleStatus(schedule.name(), schedule.flow(), schedule.timing(), schedule.zone(),
                table.isPaused(schedule.name()), nextFires(schedule, now, count("next", next)),
                fired(table, schedule, recent, 0), table.firedCount(schedule.name()));
    }

    /** A page of the slots a schedule fired, the latest slot first; an empty page for a limit of 0. */
    public static List<FiredSlot> fired(SlotTable table, Schedule schedule, int limit, int offset) {
        if (count("limit", limit) == 0) {
            return List.of();
        }
        if (offset < 0) {
            throw new ScheduleException("offset must be 0 or more, not " + offset + "; for example 0");
        }
        List<FiredSlot> slots = new ArrayList<>();
        for (SlotTable.Fired row : table.fired(schedule.name(), limit, offset)) {
            @Nullable Instant time;
            try {
                time = schedule.slot(row.slot()).time();
            } catch (ScheduleException redefined) {
                time = null; // a slot of the schedule's earlier timing
            }
            slots.add(new FiredSlot(row.slot(), time, row.runId(), row.state(), Instant.ofEpochMilli(row.claimedAtMs())));
        }
        return slots;
    }

    /** Checks a count of listed items: 0 to {@link #MOST_LISTED}. */
    public static int count(String what, int count) {
        if (count < 0 || count > MOST_LISTED) {
            throw new ScheduleException(what + " must be from 0 to " + MOST_LISTED + ", not " + count + "; for example 5");
        }
        return count;
    }

    /** The next {@code count} fire times after {@code now}, jitter included, earliest first. */
    public static List<Instant> nextFires(Schedule schedule, Instant now, int count) {
        List<Instant> fires = new ArrayList<>();
        // a slot whose time passed may still fire later, by its jitter: start that far back
        Optional<Slot> slot = schedule.nextSlot(now.minus(schedule.jitter()).minusNanos(1));
        while (slot.isPresent() && fires.size() < count) {
            Instant at = schedule.fireAt(slot.get());
            if (at.isAfter(now)) {
                fires.add(at);
            }
            slot = schedule.nextSlot(slot.get());
        }
        fires.sort(null);
        return fires;
    }
}
