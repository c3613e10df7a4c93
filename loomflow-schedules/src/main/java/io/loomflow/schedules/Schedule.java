package io.loomflow.schedules;

import io.loomflow.schedules.internal.CronTiming;
import io.loomflow.schedules.internal.IntervalTiming;
import io.loomflow.schedules.internal.JsonValues;
import io.loomflow.schedules.internal.OnceTiming;
import io.loomflow.schedules.internal.Timing;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A flow that starts by itself: a name, the flow's name, its parameters, and a timing (a cron
 * expression, a fixed interval from an anchor, or one time), in a time zone (UTC unless given), with
 * a {@link CatchUp} policy for missed slots, the most runs of it active at once, and an optional
 * jitter. Immutable; the {@code with} methods return a changed copy.
 *
 * <p><b>Slots and daylight saving time.</b> A cron schedule's slots are wall-clock times in its
 * zone, each fired once: a wall time in an hour that repeats (clocks go back) fires once, at its
 * earlier offset (the first time the clock shows it); a wall time in a gap (clocks go forward past
 * it) fires at the instant the gap ends (daily at 02:30 in New York fires at 03:00 EDT on the spring
 * day; every 15 minutes, the slots 02:00 to 02:45 all fire at 03:00 with the 03:00 slot). So a later
 * slot never fires before an earlier one. Interval and one-off schedules count elapsed time, and
 * their zone changes nothing.
 *
 * <p><b>Jitter.</b> A slot fires at its time plus a delay below the jitter, computed from the
 * schedule's name and the slot's key (SHA-256), so every scheduler process computes the same one.
 */
public final class Schedule {

    /** The longest jitter: 7 days. */
    public static final Duration MOST_JITTER = Duration.ofDays(7);

    /** The longest grace: 366 days. */
    public static final Duration MOST_GRACE = Duration.ofDays(366);

    /** How long after its time a slot found due still fires on time, unless {@link #withGrace} says otherwise. */
    public static final Duration DEFAULT_GRACE = Duration.ofMinutes(1);
    /** The most slots {@link #dueSlots} returns at once; the rest are returned by the next call. */
    public static final int MOST_AT_ONCE = 10_000;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");

    private final String name;
    private final String flow;
    private final Timing timing;
    private final Map<String, @Nullable Object> parameters;
    private final ZoneId zone;
    private final CatchUp catchUp;
    private final int maxActive;
    private final Duration jitter;
    private final Duration grace;

    private Schedule(String name, String flow, Timing timing, Map<String, @Nullable Object> parameters, ZoneId zone,
            CatchUp catchUp, int maxActive, Duration jitter, Duration grace) {
        this.name = name;
        this.flow = flow;
        this.timing = timing;
        this.parameters = parameters;
        this.zone = zone;
        this.catchUp = catchUp;
        this.maxActive = maxActive;
        this.jitter = jitter;
        this.grace = grace;
    }

    private static Schedule of(String name, String flow, java.util.function.Function<String, Timing> timing) {
        checkName(name, "schedule");
        checkName(Objects.requireNonNull(flow, "flow"), "flow");
        Timing made;
        try {
            made = timing.apply(name);
        } catch (ScheduleException refused) {
            throw refused.getMessage().startsWith("schedule ") ? refused
                    : new ScheduleException("schedule " + name + ": " + refused.getMessage(), refused);
        }
        return new Schedule(name, flow, made, Map.of(), ZoneOffset.UTC, CatchUp.once(), 1, Duration.ZERO,
                DEFAULT_GRACE);
    }

    private static void checkName(String name, String what) {
        Objects.requireNonNull(name, what + " name");
        if (!NAME.matcher(name).matches()) {
            throw new ScheduleException("invalid " + what + " name '" + name + "'; use letters, digits, '.', '_' and"
                    + " '-' (starting with a letter or digit, at most 200), as nightly-report");
        }
    }

    /**
     * A schedule on a cron expression: 5 fields (minute hour day-of-month month day-of-week, as
     * crontab reads them: a day matches when its day of month or its day of week does) or 6, with
     * seconds first.
     *
     * @param name the schedule's name, unique among schedules
     * @param flow the name of the flow it starts
     * @param expression the cron expression, such as {@code "30 2 * * *"}
     * @return the schedule (UTC; see {@link #withZone})
     * @throws ScheduleException naming an invalid expression and showing valid ones
     */
    public static Schedule cron(String name, String flow, String expression) {
        Objects.requireNonNull(expression, "expression");
        return of(name, flow, scheduleName -> CronTiming.parse(scheduleName, expression));
    }

    /**
     * A schedule every {@code interval}, its first slot at {@code anchor}.
     *
     * @param name the schedule's name, unique among schedules
     * @param flow the name of the flow it starts
     * @param interval the time between slots, from 1 second to 36,500 days
     * @param anchor the first slot, in the years 1970 to 9999
     * @return the schedule
     * @throws ScheduleException for an interval or an anchor out of those ranges
     */
    public static Schedule every(String name, String flow, Duration interval, Instant anchor) {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(anchor, "anchor");
        return of(name, flow, scheduleName -> new IntervalTiming(interval, anchor));
    }

    /**
     * A schedule with one slot, at {@code at}.
     *
     * @param name the schedule's name, unique among schedules
     * @param flow the name of the flow it starts
     * @param at when, in the years 1970 to 9999
     * @return the schedule
     * @throws ScheduleException for a time out of that range
     */
    public static Schedule once(String name, String flow, Instant at) {
        Objects.requireNonNull(at, "at");
        return of(name, flow, scheduleName -> new OnceTiming(at));
    }

    private Schedule copy(Map<String, @Nullable Object> parameters, ZoneId zone, CatchUp catchUp, int maxActive,
            Duration jitter, Duration grace) {
        return new Schedule(name, flow, timing, parameters, zone, catchUp, maxActive, jitter, grace);
    }

    /**
     * The same schedule in another time zone (its cron expression is read on that zone's clock).
     *
     * @param zone the zone
     * @return the changed copy
     */
    public Schedule withZone(ZoneId zone) {
        return copy(parameters, Objects.requireNonNull(zone, "zone"), catchUp, maxActive, jitter, grace);
    }

    /**
     * The same schedule in the zone named {@code zone}, such as {@code Europe/Berlin}.
     *
     * @param zone a region id or an offset
     * @return the changed copy
     * @throws ScheduleException naming an unknown zone and showing valid ones
     */
    public Schedule withZone(String zone) {
        Objects.requireNonNull(zone, "zone");
        try {
            return withZone(ZoneId.of(zone));
        } catch (DateTimeException failed) {
            throw new ScheduleException("schedule " + name + ": unknown time zone '" + zone + "'; use a region id"
                    + " such as Europe/Berlin or America/New_York, or UTC", failed);
        }
    }

    /**
     * The same schedule with these parameters for its runs, as JSON values (maps, lists, strings,
     * numbers, booleans and nulls), as the command line and the API bind them.
     *
     * @param parameters the parameters by name
     * @return the changed copy
     * @throws ScheduleException naming a value that is not a JSON value
     */
    public Schedule withParameters(Map<String, ?> parameters) {
        return copy(JsonValues.parameters(parameters, problem -> new ScheduleException("schedule " + name + ": " + problem)),
                zone, catchUp, maxActive, jitter, grace);
    }

    /**
     * The same schedule with another policy for missed slots ({@link CatchUp#once()} unless given).
     *
     * @param catchUp the policy
     * @return the changed copy
     */
    public Schedule withCatchUp(CatchUp catchUp) {
        return copy(parameters, zone, Objects.requireNonNull(catchUp, "catchUp"), maxActive, jitter, grace);
    }

    /**
     * The same schedule with at most {@code maxActive} of its runs active at once (1 unless given): a
     * due slot waits while that many are active.
     *
     * @param maxActive 1 or more
     * @return the changed copy
     * @throws ScheduleException for 0 or less
     */
    public Schedule withMaxActive(int maxActive) {
        if (maxActive < 1) {
            throw new ScheduleException("schedule " + name + ": maxActive must be 1 or more, not " + maxActive
                    + "; for example withMaxActive(1), one run at a time");
        }
        return copy(parameters, zone, catchUp, maxActive, jitter, grace);
    }

    /**
     * The same schedule with a jitter: each slot fires up to {@code jitter} after its time, by a delay
     * fixed per slot (see the class comment).
     *
     * @param jitter zero (none, the default) up to {@link #MOST_JITTER}
     * @return the changed copy
     * @throws ScheduleException for a negative jitter, or one over 7 days
     */
    public Schedule withJitter(Duration jitter) {
        Objects.requireNonNull(jitter, "jitter");
        if (jitter.isNegative() || jitter.compareTo(MOST_JITTER) > 0) {
            throw new ScheduleException("schedule " + name + ": jitter must be from zero to 7 days, not " + jitter
                    + "; for example Duration.ofSeconds(30)");
        }
        return copy(parameters, zone, catchUp, maxActive, jitter, grace);
    }

    /**
     * The same schedule with another grace: a slot found due more than this (plus the jitter) after
     * its time is missed, and the {@link CatchUp} policy decides whether it fires.
     *
     * @param grace positive
     * @return the changed copy
     * @throws ScheduleException for zero or less, or over 366 days
     */
    public Schedule withGrace(Duration grace) {
        Objects.requireNonNull(grace, "grace");
        if (grace.isZero() || grace.isNegative() || grace.compareTo(MOST_GRACE) > 0) {
            throw new ScheduleException("schedule " + name + ": grace must be positive and at most 366 days, not "
                    + grace + "; for example Duration.ofMinutes(1)");
        }
        return copy(parameters, zone, catchUp, maxActive, jitter, grace);
    }

    /**
     * The schedule's name.
     *
     * @return the schedule's name
     */
    public String name() {
        return name;
    }

    /**
     * The name of the flow it starts.
     *
     * @return the name of the flow it starts
     */
    public String flow() {
        return flow;
    }

    /**
     * The parameters of its runs.
     *
     * @return the parameters of its runs, as JSON values
     */
    public Map<String, @Nullable Object> parameters() {
        return parameters;
    }

    /**
     * Its time zone.
     *
     * @return its time zone
     */
    public ZoneId zone() {
        return zone;
    }

    /**
     * Its policy for missed slots.
     *
     * @return its policy for missed slots
     */
    public CatchUp catchUp() {
        return catchUp;
    }

    /**
     * The most runs of it active at once.
     *
     * @return the most runs of it active at once
     */
    public int maxActive() {
        return maxActive;
    }

    /**
     * Its jitter.
     *
     * @return its jitter, zero for none
     */
    public Duration jitter() {
        return jitter;
    }

    /**
     * How late a slot may be found and still fire on time.
     *
     * @return how late a slot may be found and still fire on time
     */
    public Duration grace() {
        return grace;
    }

    /**
     * The timing as written.
     *
     * @return the timing as written, such as {@code cron 30 2 * * *} or {@code every PT15M from ...}
     */
    public String timing() {
        return timing.describe();
    }

    /**
     * The first slot whose time is after {@code after}.
     *
     * @param after an instant
     * @return the slot, or empty when there is none (a one-off schedule whose time is past)
     */
    public Optional<Slot> nextSlot(Instant after) {
        return timing.next(Objects.requireNonNull(after, "after"), zone);
    }

    /**
     * The slot after {@code slot}.
     *
     * @param slot one of this schedule's slots
     * @return the next, or empty when there is none
     */
    public Optional<Slot> nextSlot(Slot slot) {
        return timing.next(Objects.requireNonNull(slot, "slot"), zone);
    }

    /**
     * The slot of a key, as stored.
     *
     * @param key a slot's key
     * @return the slot
     * @throws ScheduleException for a key that is not one of this schedule's
     */
    public Slot slot(String key) {
        return timing.slot(Objects.requireNonNull(key, "key"), zone);
    }

    /**
     * When a slot fires: its time plus its jitter.
     *
     * @param slot one of this schedule's slots
     * @return the instant
     */
    public Instant fireAt(Slot slot) {
        if (jitter.isZero()) {
            return slot.time();
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((name + "\n" + slot.key()).getBytes(StandardCharsets.UTF_8));
            long hash = 0;
            for (int i = 0; i < 8; i++) {
                hash = (hash << 8) | (digest[i] & 0xff);
            }
            long millis = Math.max(1, jitter.toMillis());
            return slot.time().plusMillis(Math.floorMod(hash, millis));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every JDK has SHA-256", impossible);
        }
    }

    /**
     * What a scheduler does now: the slots after {@code lastHandled} (or, for a schedule not handled
     * yet, at or after {@code since}) that fire at or before {@code now}. Slots missed (see
     * {@link #withGrace}) are left to the {@link CatchUp} policy: the latest {@code mostMissed} of
     * them fire, the others are skipped. The slots come in order, stopping at the first that is not
     * due yet, and at most {@link #MOST_AT_ONCE}.
     *
     * @param lastHandled the last slot fired or skipped, or {@code null} for none
     * @param since when the schedule was first known, for a schedule with no slot handled
     * @param now the time now
     * @return the slots to fire and the last slot they handle (fired or skipped)
     */
    public Due dueSlots(@Nullable Slot lastHandled, Instant since, Instant now) {
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(now, "now");
        Optional<Slot> first = lastHandled == null ? timing.next(since.minusNanos(1), zone) : nextSlot(lastHandled);
        if (first.isEmpty()) {
            return new Due(List.of(), Optional.ofNullable(lastHandled));
        }
        List<Slot> fire = new ArrayList<>();
        Slot handled = lastHandled;
        Optional<Slot> next = first;
        Instant missedBy = now.minus(grace).minus(jitter);
        if (!first.get().time().isAfter(missedBy)) {
            Slot lastMissed = timing.atOrBefore(missedBy, zone).orElseThrow();
            Deque<Slot> kept = new ArrayDeque<>();
            Optional<Slot> walk = Optional.of(lastMissed);
            while (walk.isPresent() && kept.size() < Math.min(catchUp.mostMissed(), MOST_AT_ONCE)) {
                kept.addFirst(walk.get());
                if (walk.get().key().equals(first.get().key())) {
                    break;
                }
                walk = timing.previous(walk.get(), zone);
            }
            fire.addAll(kept);
            handled = lastMissed;
            next = nextSlot(lastMissed);
        }
        while (next.isPresent() && fire.size() < MOST_AT_ONCE && !fireAt(next.get()).isAfter(now)) {
            fire.add(next.get());
            handled = next.get();
            next = nextSlot(next.get());
        }
        return new Due(List.copyOf(fire), Optional.ofNullable(handled));
    }

    /**
     * What {@link #dueSlots} found.
     *
     * @param fire the slots to fire now, in order
     * @param handledThrough the last slot fired or skipped (the new cursor), empty when none was ever
     */
    public record Due(List<Slot> fire, Optional<Slot> handledThrough) {

        /**
         * Copies the list.
         *
         * @param fire the slots to fire now
         * @param handledThrough the new cursor
         */
        public Due {
            fire = List.copyOf(fire);
            Objects.requireNonNull(handledThrough, "handledThrough");
        }
    }

    @Override
    public String toString() {
        return "schedule " + name + " (flow " + flow + ", " + timing.describe() + ", zone " + zone + ", catch-up "
                + catchUp.mostMissed() + ", max active " + maxActive + (jitter.isZero() ? "" : ", jitter " + jitter)
                + ")";
    }
}
