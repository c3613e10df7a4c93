package io.loomflow.schedules.internal;

import io.loomflow.schedules.ScheduleException;
import io.loomflow.schedules.Slot;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/** One slot, at {@code at}. */
public record OnceTiming(Instant at) implements Timing {

    private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T00:00:00Z");

    /** Checks the time. */
    public OnceTiming {
        checkTime("a one-off time", at);
    }

    /** Refuses a time outside the years 1970 to 9999, which slots would overflow or never reach. */
    static void checkTime(String what, Instant time) {
        if (time.isBefore(EARLIEST) || time.isAfter(LATEST)) {
            throw new ScheduleException(what + " must be from 1970 to 9999, not " + time
                    + "; for example 2026-09-01T09:00:00Z");
        }
    }

    private Slot only() {
        return new Slot(at.toString(), at);
    }

    @Override
    public Optional<Slot> next(Instant after, ZoneId zone) {
        return at.isAfter(after) ? Optional.of(only()) : Optional.empty();
    }

    @Override
    public Optional<Slot> next(Slot slot, ZoneId zone) {
        return Optional.empty();
    }

    @Override
    public Optional<Slot> atOrBefore(Instant time, ZoneId zone) {
        return at.isAfter(time) ? Optional.empty() : Optional.of(only());
    }

    @Override
    public Optional<Slot> previous(Slot slot, ZoneId zone) {
        return Optional.empty();
    }

    @Override
    public Slot slot(String key, ZoneId zone) {
        if (!key.equals(at.toString())) {
            throw new ScheduleException("'" + key + "' is not the slot of a one-off schedule at " + at);
        }
        return only();
    }

    @Override
    public String describe() {
        return "once at " + at;
    }
}
