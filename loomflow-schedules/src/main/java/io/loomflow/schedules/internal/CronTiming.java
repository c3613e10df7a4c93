package io.loomflow.schedules.internal;

import com.cronutils.model.Cron;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.loomflow.schedules.ScheduleException;
import io.loomflow.schedules.Slot;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * A cron expression: 5 fields (minute hour day-of-month month day-of-week, as Unix crontab reads
 * them) or 6 (seconds first). cron-utils parses it and walks its wall-clock times (in UTC, where no
 * time is skipped or repeated); {@link WallClock} maps each to its instant in the zone.
 */
public final class CronTiming implements Timing {

    /** How far a zone's offset can change at once, and more: where the search for the slot at or before an instant starts. */
    private static final Duration SHIFT = Duration.ofHours(3);
    private static final CronDefinition FIVE = unixFields(false);
    private static final CronDefinition SIX = unixFields(true);

    private final String expression;
    private final ExecutionTime times;

    private CronTiming(String expression, ExecutionTime times) {
        this.expression = expression;
        this.times = times;
    }

    /** Parses {@code expression}; a {@link ScheduleException} naming it and showing valid ones when it is not one. */
    public static CronTiming parse(String scheduleName, String expression) {
        String trimmed = expression.trim();
        int fields = trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
        if (fields != 5 && fields != 6) {
            throw invalid(scheduleName, expression, "it has " + fields + " field" + (fields == 1 ? "" : "s")
                    + ", not 5 (minute hour day-of-month month day-of-week) or 6 (seconds first)", null);
        }
        try {
            Cron cron = new CronParser(fields == 5 ? FIVE : SIX).parse(trimmed);
            cron.validate();
            return new CronTiming(trimmed, ExecutionTime.forCron(cron));
        } catch (IllegalArgumentException failed) {
            throw invalid(scheduleName, expression, failed.getMessage(), failed);
        }
    }

    private static ScheduleException invalid(String name, String expression, String why, Throwable cause) {
        return new ScheduleException("schedule " + name + ": invalid cron expression '" + expression + "' (" + why
                + "); write 5 fields, as \"30 2 * * *\" (02:30 every day) or \"*/15 * * * 1-5\" (every 15 minutes on"
                + " weekdays), or 6 with seconds first, as \"0 30 2 * * *\"", cause);
    }

    private static CronDefinition unixFields(boolean seconds) {
        var builder = CronDefinitionBuilder.defineCron();
        if (seconds) {
            builder = builder.withSeconds().withValidRange(0, 59).withStrictRange().and();
        }
        return builder.withMinutes().withValidRange(0, 59).withStrictRange().and()
                .withHours().withValidRange(0, 23).withStrictRange().and()
                .withDayOfMonth().withValidRange(1, 31).withStrictRange().and()
                .withMonth().withValidRange(1, 12).withStrictRange().and()
                .withDayOfWeek().withValidRange(0, 7).withMondayDoWValue(1).withIntMapping(7, 0).withStrictRange()
                .and()
                .matchDayOfWeekAndDayOfMonth()
                .instance();
    }

    private Optional<LocalDateTime> nextWall(LocalDateTime wall) {
        return times.nextExecution(wall.atZone(ZoneOffset.UTC)).map(ZonedDateTime::toLocalDateTime);
    }

    private Optional<LocalDateTime> previousWall(LocalDateTime wall) {
        return times.lastExecution(wall.atZone(ZoneOffset.UTC)).map(ZonedDateTime::toLocalDateTime);
    }

    private static Slot slot(LocalDateTime wall, ZoneId zone) {
        return new Slot(wall.toString(), WallClock.instant(wall, zone));
    }

    /**
     * {@inheritDoc} From the wall time the clock shows at {@code after}: no earlier wall time fires
     * after it (a time in a gap fires at the gap's end, and one in a repeated hour at its first pass),
     * and a later one may fire before it only in a repeated hour, which the walk steps over.
     */
    @Override
    public Optional<Slot> next(Instant after, ZoneId zone) {
        LocalDateTime wall = LocalDateTime.ofInstant(after, zone);
        while (true) {
            Optional<LocalDateTime> next = nextWall(wall);
            if (next.isEmpty()) {
                return Optional.empty();
            }
            wall = next.get();
            if (WallClock.instant(wall, zone).isAfter(after)) {
                return Optional.of(slot(wall, zone));
            }
        }
    }

    @Override
    public Optional<Slot> next(Slot slot, ZoneId zone) {
        return nextWall(wall(slot.key())).map(wall -> slot(wall, zone));
    }

    @Override
    public Optional<Slot> atOrBefore(Instant at, ZoneId zone) {
        LocalDateTime wall = LocalDateTime.ofInstant(at, zone).plus(SHIFT);
        while (true) {
            Optional<LocalDateTime> previous = previousWall(wall);
            if (previous.isEmpty()) {
                return Optional.empty();
            }
            wall = previous.get();
            if (!WallClock.instant(wall, zone).isAfter(at)) {
                return Optional.of(slot(wall, zone));
            }
        }
    }

    @Override
    public Optional<Slot> previous(Slot slot, ZoneId zone) {
        return previousWall(wall(slot.key())).map(wall -> slot(wall, zone));
    }

    @Override
    public Slot slot(String key, ZoneId zone) {
        return slot(wall(key), zone);
    }

    private static LocalDateTime wall(String key) {
        try {
            return LocalDateTime.parse(key);
        } catch (DateTimeParseException failed) {
            throw new ScheduleException("'" + key + "' is not a slot of a cron schedule; such a slot is a wall-clock"
                    + " time, as 2026-11-01T01:30", failed);
        }
    }

    @Override
    public String describe() {
        return "cron " + expression;
    }
}
