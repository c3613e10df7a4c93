package io.loomflow.schedules.internal;

import io.loomflow.schedules.CatchUp;
import io.loomflow.schedules.Schedule;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads back the definition a scheduler stores in {@code lf_schedule.definition}, which is
 * {@link Schedule#toString()}: {@code schedule NAME (flow FLOW, TIMING, zone ZONE, catch-up N, max
 * active M[, jitter DURATION])}. Parameters and grace are not stored; the schedule read back has
 * none and the default grace, which changes neither its slots nor its fire times.
 */
public final class Definitions {

    private static final Pattern DEFINITION = Pattern.compile("schedule (\\S+) \\(flow (\\S+), (.+), zone (\\S+),"
            + " catch-up (\\d+), max active (\\d+)(?:, jitter (\\S+))?\\)");

    private Definitions() {
    }

    /**
     * The schedule a stored definition describes; empty when it is not one this version writes (or
     * its timing no longer parses).
     */
    public static Optional<Schedule> parse(String definition) {
        Matcher match = DEFINITION.matcher(definition);
        if (!match.matches()) {
            return Optional.empty();
        }
        try {
            String name = match.group(1);
            String flow = match.group(2);
            String timing = match.group(3);
            Schedule schedule;
            if (timing.startsWith("cron ")) {
                schedule = Schedule.cron(name, flow, timing.substring("cron ".length()));
            } else if (timing.startsWith("every ") && timing.contains(" from ")) {
                int from = timing.indexOf(" from ");
                schedule = Schedule.every(name, flow, Duration.parse(timing.substring("every ".length(), from)),
                        Instant.parse(timing.substring(from + " from ".length())));
            } else if (timing.startsWith("once at ")) {
                schedule = Schedule.once(name, flow, Instant.parse(timing.substring("once at ".length())));
            } else {
                return Optional.empty();
            }
            int mostMissed = Integer.parseInt(match.group(5));
            schedule = schedule.withZone(match.group(4))
                    .withCatchUp(mostMissed == 0 ? CatchUp.skip() : mostMissed == 1 ? CatchUp.once() : CatchUp.each(mostMissed))
                    .withMaxActive(Integer.parseInt(match.group(6)));
            if (match.group(7) != null) {
                schedule = schedule.withJitter(Duration.parse(match.group(7)));
            }
            return Optional.of(schedule);
        } catch (RuntimeException unreadable) {
            return Optional.empty();
        }
    }
}
