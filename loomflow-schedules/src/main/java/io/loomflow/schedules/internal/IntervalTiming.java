package io.loomflow.schedules.internal;

import io.loomflow.schedules.ScheduleException;
import io.loomflow.schedules.Slot;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Slots every {@code interval} from {@code anchor} on (the anchor is the first); elapsed time, no wall clock. */
public record IntervalTiming(Duration interval, Instant anchor) implements Timing {

    /** The shortest interval: a second, as cron's finest field. */
    public static final Duration SHORTEST = Duration.ofSeconds(1);
    /** The longest interval: 100 years of days. */
    public static final Duration LONGEST = Duration.ofDays(36_500);

    /** Checks the interval and the anchor. */
    public IntervalTiming {
        if (interval.isZero() || interval.isNegative()) {
            throw new ScheduleException("an interval must be positive, not " + interval
                    + "; for example Duration.ofMinutes(15), or PT15M in YAML");
        }
        if (interval.compareTo(SHORTEST) < 0 || interval.compareTo(LONGEST) > 0) {
            throw new ScheduleException("an interval must be from 1 second to 36500 days, not " + interval
                    + "; for example Duration.ofMinutes(15), or 15m in YAML");
        }
        OnceTiming.checkTime("anchor", anchor);
    }

    private Slot at(long index) {
        Instant time = anchor.plus(interval.multipliedBy(index));
        return new Slot(time.toString(), time);
    }

    @Override
    public Optional<Slot> next(Instant after, ZoneId zone) {
        if (after.isBefore(anchor)) {
            return Optional.of(at(0));
        }
        return Optional.of(at(Duration.between(anchor, after).dividedBy(interval) + 1));
    }

    @Override
    public Optional<Slot> next(Slot slot, ZoneId zone) {
        return Optional.of(new Slot(slot.time().plus(interval).toString(), slot.time().plus(interval)));
    }

    @Override
    public Optional<Slot> atOrBefore(Instant at, ZoneId zone) {
        if (at.isBefore(anchor)) {
            return Optional.empty();
        }
        return Optional.of(at(Duration.between(anchor, at).dividedBy(interval)));
    }

    @Override
    public Optional<Slot> previous(Slot slot, ZoneId zone) {
        Instant time = slot.time().minus(interval);
        return time.isBefore(anchor) ? Optional.empty() : Optional.of(new Slot(time.toString(), time));
    }

    @Override
    public Slot slot(String key, ZoneId zone) {
        try {
            Instant time = Instant.parse(key);
            return new Slot(key, time);
        } catch (DateTimeParseException failed) {
            throw new ScheduleException("'" + key + "' is not a slot of an interval schedule; such a slot is an"
                    + " instant, as 2026-11-01T05:30:00Z", failed);
        }
    }

    @Override
    public String describe() {
        return "every " + interval + " from " + anchor;
    }
}
