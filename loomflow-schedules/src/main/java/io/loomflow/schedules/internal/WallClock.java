package io.loomflow.schedules.internal;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;

/**
 * The daylight saving time rule of schedules: a wall-clock time in a zone as the instant it fires.
 * <ul>
 *   <li>A wall time that occurs once is that instant.</li>
 *   <li>A wall time in an hour that repeats (clocks go back) is one slot, at its earlier offset: it
 *       fires once, the first time the clock shows it.</li>
 *   <li>A wall time in a gap (clocks go forward past it) fires at the instant the gap ends, which
 *       the clock shows as the gap's end (02:30 in New York on the spring day fires at 03:00 EDT).</li>
 * </ul>
 * With these rules, a later wall time never fires before an earlier one.
 */
public final class WallClock {

    private WallClock() {
    }

    /** The instant the wall time {@code wall} in {@code zone} fires at. */
    public static Instant instant(LocalDateTime wall, ZoneId zone) {
        ZoneRules rules = zone.getRules();
        var offsets = rules.getValidOffsets(wall);
        if (offsets.isEmpty()) {
            ZoneOffsetTransition gap = rules.getTransition(wall);
            return gap.getInstant();
        }
        return wall.toInstant(offsets.getFirst());
    }
}
