package io.loomflow.schedules.internal;

import io.loomflow.schedules.ScheduleException;
import io.loomflow.schedules.Slot;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/** One slot, at {@code at}. */
public record OnceTiming(Instant at) implements Timing {

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
