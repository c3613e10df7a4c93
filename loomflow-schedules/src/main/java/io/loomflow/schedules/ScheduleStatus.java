package io.loomflow.schedules;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;

/**
 * What a schedule is and does, as {@link Scheduler#status} reads it: its definition, whether it is
 * paused (as the database says), its next fire times and the slots it fired most recently.
 *
 * @param name the schedule's name
 * @param flow the name of the flow it starts
 * @param timing its timing as written, such as {@code cron 30 2 * * *}
 * @param zone its time zone
 * @param paused whether it is paused
 * @param nextFires the next times it fires after now (its jitter included), earliest first; fewer
 *     when it has no more slots (a one-off schedule that fired)
 * @param recent the slots it fired, the latest slot first (bounded: as many as asked for)
 * @param firedCount how many slots it fired in all
 */
public record ScheduleStatus(String name, String flow, String timing, ZoneId zone, boolean paused,
        List<Instant> nextFires, List<FiredSlot> recent, long firedCount) {

    /**
     * Checks and copies.
     *
     * @param name the schedule's name
     * @param flow the flow's name
     * @param timing the timing
     * @param zone the zone
     * @param paused whether paused
     * @param nextFires the next fire times
     * @param recent the recent fired slots
     * @param firedCount how many slots it fired
     */
    public ScheduleStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(flow, "flow");
        Objects.requireNonNull(timing, "timing");
        Objects.requireNonNull(zone, "zone");
        nextFires = List.copyOf(nextFires);
        recent = List.copyOf(recent);
    }
}
