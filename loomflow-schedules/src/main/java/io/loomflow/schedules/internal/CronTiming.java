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
import java.time.zone.ZoneOffsetTransition;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * A cron expression: 5 fields (minute hour day-of-month month day-of-week, as Unix crontab reads
 * them) or 6 (seconds first). cron-utils parses it and walks its wall-clock times (in UTC, where no
 * time is skipped or repeated); {@link WallClock} maps each to its instant in the zone.
 *
 * <p>Days as crontab reads them: when both the day of month and the day of week are restricted
 * (neither starts with {@code *}), a day matches when either does ({@code 0 0 1 * 1}: the 1st of
 * each month and every Monday); when one starts with {@code *}, the other alone decides. cron-utils
 * matches both fields at once, so an expression restricting both is walked as two expressions, one
 * with each day field alone, and the earlier (or, backwards, the later) time of the two is taken.
 */
public final class CronTiming implements Timing {

    private static final CronDefinition FIVE = unixFields(false);
    private static final CronDefinition SIX = unixFields(true);

    private final String expression;
    private final List<ExecutionTime> times;

    private CronTiming(String expression, List<ExecutionTime> times) {
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
        String[] parts = trimmed.split("\\s+");
        int dayOfMonth = fields - 3;
        int dayOfWeek = fields - 1;
        List<String> variants = restricted(parts[dayOfMonth]) && restricted(parts[dayOfWeek])
                ? List.of(with(parts, dayOfWeek, "*"), with(parts, dayOfMonth, "*"))
                : List.of(String.join(" ", parts));
        CronTiming timing;
        try {
            CronParser parser = new CronParser(fields == 5 ? FIVE : SIX);
            List<ExecutionTime> times = variants.stream().map(variant -> {
                Cron cron = parser.parse(variant);
                cron.validate();
                return ExecutionTime.forCron(cron);
            }).toList();
            timing = new CronTiming(trimmed, times);
        } catch (IllegalArgumentException failed) {
            throw invalid(scheduleName, expression, failed.getMessage(), failed);
        }
        // A day that never comes (February 30th, April 31st) parses, and would never fire.
        LocalDateTime from = LocalDateTime.of(2000, 1, 1, 0, 0);
        if (timing.nextWall(from).filter(first -> first.getYear() < 2400).isEmpty()) {
            throw invalid(scheduleName, expression, "no day matches it: it would never fire", null);
        }
        return timing;
    }

    /** Whether a day field restricts the days, as crontab reads it: it does not start with {@code *} (nor is {@code ?}). */
    private static boolean restricted(String field) {
        return !field.startsWith("*") && !field.equals("?");
    }

    private static String with(String[] parts, int index, String field) {
        String[] changed = parts.clone();
        changed[index] = field;
        return String.join(" ", changed);
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
        Optional<LocalDateTime> earliest = Optional.empty();
        for (ExecutionTime time : times) {
            Optional<LocalDateTime> next = time.nextExecution(wall.atZone(ZoneOffset.UTC)).map(ZonedDateTime::toLocalDateTime);
            if (next.isPresent() && (earliest.isEmpty() || next.get().isBefore(earliest.get()))) {
                earliest = next;
            }
        }
        return earliest;
    }

    private Optional<LocalDateTime> previousWall(LocalDateTime wall) {
        Optional<LocalDateTime> latest = Optional.empty();
        for (ExecutionTime time : times) {
            Optional<LocalDateTime> previous = time.lastExecution(wall.atZone(ZoneOffset.UTC))
                    .map(ZonedDateTime::toLocalDateTime);
            if (previous.isPresent() && (latest.isEmpty() || previous.get().isAfter(latest.get()))) {
                latest = previous;
            }
        }
        return latest;
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

    /**
     * {@inheritDoc} From the wall time the clock shows at {@code at}, walking back; when {@code at} is
     * in the second pass of a repeated hour, from as much later, since the wall times of that hour
     * fire at their first pass, before {@code at}.
     */
    @Override
    public Optional<Slot> atOrBefore(Instant at, ZoneId zone) {
        Duration shift = Duration.ZERO;
        ZoneOffsetTransition last = zone.getRules().previousTransition(at.plusNanos(1));
        if (last != null && last.isOverlap() && at.isBefore(last.getInstant().plus(last.getDuration().abs()))) {
            shift = last.getDuration().abs();
        }
        LocalDateTime wall = LocalDateTime.ofInstant(at, zone).plus(shift).plusSeconds(1); // the walk steps back over what is after
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
