package io.loomflow.schedules.internal;

import io.loomflow.schedules.Slot;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/**
 * When a schedule's slots are: a cron expression, a fixed interval, or one time. Slots are in
 * order of their keys, and their times never decrease along that order (see {@link WallClock}).
 */
public sealed interface Timing permits CronTiming, IntervalTiming, OnceTiming {

    /** The first slot whose time is after {@code after}. */
    Optional<Slot> next(Instant after, ZoneId zone);

    /** The slot that follows {@code slot}. */
    Optional<Slot> next(Slot slot, ZoneId zone);

    /** The last slot whose time is at or before {@code at}. */
    Optional<Slot> atOrBefore(Instant at, ZoneId zone);

    /** The slot that comes before {@code slot}. */
    Optional<Slot> previous(Slot slot, ZoneId zone);

    /** The slot of a key this timing made; a {@link io.loomflow.schedules.ScheduleException} for another. */
    Slot slot(String key, ZoneId zone);

    /** The timing as written, such as {@code cron 0 2 * * *}. */
    String describe();
}
