package io.loomflow.schedules;

import java.time.Instant;
import java.util.Objects;

/**
 * One time a schedule is due: its key, which identifies it in the store (a cron slot's wall-clock
 * time in the schedule's zone, such as {@code 2026-11-01T01:30}; an interval's or a one-off's
 * instant, such as {@code 2026-11-01T05:30:00Z}), and the instant it stands for, before jitter.
 *
 * @param key what identifies the slot among the schedule's slots
 * @param time the instant the slot stands for (see {@link Schedule} for daylight saving time)
 */
public record Slot(String key, Instant time) {

    /**
     * Checks the components.
     *
     * @param key what identifies the slot
     * @param time the instant it stands for
     */
    public Slot {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(time, "time");
    }
}
