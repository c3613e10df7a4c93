package io.loomflow.schedules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Timings, catch-up after downtime, jitter, and bad input named with a valid example. */
class ScheduleTest {

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");

    @Test
    void cronWithSecondsAndIntervalsAndOneOffs() {
        Schedule seconds = Schedule.cron("s", "f", "*/20 * * * * *");
        assertThat(seconds.nextSlot(T0).orElseThrow()).isEqualTo(new Slot("2026-06-01T00:00:20", T0.plusSeconds(20)));
        Schedule every = Schedule.every("e", "f", Duration.ofMinutes(7), T0);
        assertThat(every.nextSlot(T0.minusSeconds(1)).orElseThrow().time()).isEqualTo(T0);
        assertThat(every.nextSlot(T0.plusSeconds(60)).orElseThrow().time()).isEqualTo(T0.plusSeconds(7 * 60));
        Schedule once = Schedule.once("o", "f", T0);
        assertThat(once.dueSlots(null, T0.minusSeconds(5), T0).fire()).extracting(Slot::time).containsExactly(T0);
        assertThat(once.nextSlot(T0)).isEmpty();
        assertThat(once.dueSlots(once.slot(T0.toString()), T0, T0.plusSeconds(3600)).fire()).isEmpty();
    }

    @Test
    void daysMatchAsCrontabReadsThem() {
        Instant newYear = Instant.parse("2026-01-01T00:00:00Z"); // a Thursday
        // both day fields restricted: the 1st of the month OR a Monday
        assertThat(slots(Schedule.cron("d", "f", "0 0 1 * 1"), newYear.minusSeconds(1), 6)).containsExactly(
                "2026-01-01T00:00", "2026-01-05T00:00", "2026-01-12T00:00", "2026-01-19T00:00", "2026-01-26T00:00",
                "2026-02-01T00:00");
        // backwards too: the slot at or before an instant is the later of the two
        Schedule either = Schedule.cron("d", "f", "0 0 1 * 1");
        Instant february = Instant.parse("2026-02-01T12:00:00Z"); // a Sunday, the 1st
        assertThat(either.dueSlots(null, newYear.plus(Duration.ofDays(1)), february).fire()).extracting(Slot::key)
                .containsExactly("2026-02-01T00:00"); // catch-up once: the latest missed slot, not Monday the 26th
        assertThat(either.withCatchUp(CatchUp.each(2)).dueSlots(null, newYear.plus(Duration.ofDays(1)), february)
                .fire()).extracting(Slot::key).containsExactly("2026-01-26T00:00", "2026-02-01T00:00");
        // with seconds, the same rule
        assertThat(slots(Schedule.cron("d", "f", "0 0 0 15 * 5"), newYear, 3))
                .containsExactly("2026-01-02T00:00", "2026-01-09T00:00", "2026-01-15T00:00");
        // one field starting with *: the other alone decides
        assertThat(slots(Schedule.cron("d", "f", "0 0 * * 1"), newYear, 2))
                .containsExactly("2026-01-05T00:00", "2026-01-12T00:00");
        assertThat(slots(Schedule.cron("d", "f", "0 0 */10 * 1"), newYear, 2)).as("*/10 reads as a star, as in crontab")
                .containsExactly("2026-05-11T00:00", "2026-06-01T00:00"); // 1st, 11th, 21st or 31st and a Monday
    }

    @Test
    void aSlotMissedInTheFirstPassOfARepeatedHourIsFoundFromItsSecondPass() {
        // New York, 2026-11-01: 01:00 to 02:00 comes twice; 01:45 fires at its first pass, 05:45Z
        Schedule schedule = Schedule.cron("n", "f", "45 1 * * *").withZone("America/New_York")
                .withGrace(Duration.ofSeconds(1));
        Instant secondPass = Instant.parse("2026-11-01T06:15:01Z"); // 01:15:01 EST, after 01:45 EDT
        Schedule.Due due = schedule.dueSlots(schedule.slot("2026-10-31T01:45"), T0, secondPass);
        assertThat(due.fire()).extracting(Slot::key).containsExactly("2026-11-01T01:45");
        assertThat(due.fire().getFirst().time()).isEqualTo(Instant.parse("2026-11-01T05:45:00Z"));
    }

    private static List<String> slots(Schedule schedule, Instant after, int count) {
        List<String> keys = new java.util.ArrayList<>();
        Instant at = after;
        for (int i = 0; i < count; i++) {
            Slot slot = schedule.nextSlot(at).orElseThrow();
            keys.add(slot.key());
            at = slot.time();
        }
        return keys;
    }

    @Test
    void catchUpAfterDowntimeSkipsFiresTheLatestOrEachUpToTheCap() {
        Schedule hourly = Schedule.cron("h", "f", "0 * * * *");
        Slot last = hourly.slot("2026-06-01T00:00");
        Instant now = T0.plus(Duration.ofHours(10)).plusSeconds(30); // 10:00:30; 01:00 to 09:00 were missed
        Schedule.Due skip = hourly.withCatchUp(CatchUp.skip()).dueSlots(last, T0, now);
        assertThat(skip.fire()).extracting(Slot::key).containsExactly("2026-06-01T10:00");
        assertThat(skip.handledThrough().orElseThrow().key()).isEqualTo("2026-06-01T10:00");
        assertThat(hourly.dueSlots(last, T0, now).fire()).extracting(Slot::key)
                .containsExactly("2026-06-01T09:00", "2026-06-01T10:00");
        assertThat(hourly.withCatchUp(CatchUp.each(3)).dueSlots(last, T0, now).fire()).extracting(Slot::key)
                .containsExactly("2026-06-01T07:00", "2026-06-01T08:00", "2026-06-01T09:00", "2026-06-01T10:00");
        assertThat(hourly.withCatchUp(CatchUp.each(100)).dueSlots(last, T0, now).fire()).hasSize(10);
        // nothing due yet: the cursor stays
        Schedule.Due none = hourly.dueSlots(hourly.slot("2026-06-01T10:00"), T0, now);
        assertThat(none.fire()).isEmpty();
        assertThat(none.handledThrough().orElseThrow().key()).isEqualTo("2026-06-01T10:00");
    }

    @Test
    void jitterIsTheSameForEverySchedulerAndBelowTheJitter() {
        Schedule a = Schedule.cron("a", "f", "* * * * *").withJitter(Duration.ofSeconds(30));
        Schedule again = Schedule.cron("a", "f", "* * * * *").withJitter(Duration.ofSeconds(30));
        Slot slot = a.nextSlot(T0).orElseThrow();
        List<Long> delays = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Duration delay = Duration.between(slot.time(), a.fireAt(slot));
            assertThat(delay).isBetween(Duration.ZERO, Duration.ofSeconds(30));
            assertThat(again.fireAt(slot)).isEqualTo(a.fireAt(slot));
            delays.add(delay.toMillis());
            slot = a.nextSlot(slot).orElseThrow();
        }
        assertThat(delays.stream().distinct().count()).isGreaterThan(40);
        // not fired before its jittered time
        Slot first = a.nextSlot(T0).orElseThrow();
        assertThat(a.dueSlots(null, T0.plusSeconds(1), a.fireAt(first).minusMillis(1)).fire()).isEmpty();
        assertThat(a.dueSlots(null, T0.plusSeconds(1), a.fireAt(first)).fire()).containsExactly(first);
    }

    @Test
    void badInputIsNamedWithAValidExample() {
        assertThatThrownBy(() -> Schedule.cron("nightly", "report", "61 * * * *"))
                .isInstanceOf(ScheduleException.class)
                .hasMessageContaining("schedule nightly: invalid cron expression '61 * * * *'")
                .hasMessageContaining("\"30 2 * * *\"");
        assertThatThrownBy(() -> Schedule.cron("nightly", "report", "* * *"))
                .hasMessageContaining("'* * *' (it has 3 fields, not 5");
        assertThatThrownBy(() -> Schedule.cron("nightly", "report", "0 2 * * * * *"))
                .hasMessageContaining("it has 7 fields");
        assertThatThrownBy(() -> Schedule.cron("nightly", "report", "0 0 30 2 *"))
                .isInstanceOf(ScheduleException.class)
                .hasMessageContaining("'0 0 30 2 *' (no day matches it: it would never fire)");
        assertThatThrownBy(() -> Schedule.cron("nightly", "report", "0 2 * * mon-fry"))
                .isInstanceOf(ScheduleException.class).hasMessageContaining("mon-fry");
        assertThatThrownBy(() -> Schedule.cron("nightly", "report", "0 2 * * *").withZone("Europe/Berln"))
                .isInstanceOf(ScheduleException.class)
                .hasMessageContaining("unknown time zone 'Europe/Berln'").hasMessageContaining("Europe/Berlin");
        assertThatThrownBy(() -> Schedule.every("e", "f", Duration.ZERO, T0))
                .isInstanceOf(ScheduleException.class).hasMessageContaining("positive, not PT0S");
        assertThatThrownBy(() -> Schedule.every("e", "f", Duration.ofMinutes(-5), T0))
                .isInstanceOf(ScheduleException.class).hasMessageContaining("not PT-5M");
        // values that would overflow the slots' times, or make thousands of slots a second
        assertThatThrownBy(() -> Schedule.every("e", "f", Duration.ofMillis(500), T0))
                .isInstanceOf(ScheduleException.class)
                .hasMessageContaining("schedule e: an interval must be from 1 second to 36500 days, not PT0.5S");
        assertThatThrownBy(() -> Schedule.every("e", "f", Duration.ofDays(99_999_999), T0))
                .isInstanceOf(ScheduleException.class).hasMessageContaining("not PT2399999976H");
        assertThatThrownBy(() -> Schedule.every("e", "f", Duration.ofMinutes(5), Instant.MAX))
                .isInstanceOf(ScheduleException.class)
                .hasMessageContaining("schedule e: anchor must be from 1970 to 9999").hasMessageContaining("2026-09-01T09:00:00Z");
        assertThatThrownBy(() -> Schedule.once("o", "f", Instant.parse("+10000-01-01T00:00:00Z")))
                .isInstanceOf(ScheduleException.class).hasMessageContaining("schedule o: a one-off time must be from 1970");
        assertThatThrownBy(() -> Schedule.cron("j", "f", "* * * * *").withJitter(Duration.ofDays(8)))
                .isInstanceOf(ScheduleException.class).hasMessageContaining("jitter must be from zero to 7 days, not PT192H");
        assertThatThrownBy(() -> Schedule.cron("g", "f", "* * * * *").withGrace(Duration.ofDays(400)))
                .isInstanceOf(ScheduleException.class).hasMessageContaining("at most 366 days, not PT9600H");
        assertThat(Schedule.every("e", "f", Duration.ofSeconds(1), T0).withJitter(Duration.ofDays(7))
                .withGrace(Duration.ofDays(366)).nextSlot(T0)).isPresent();
        assertThatThrownBy(() -> CatchUp.each(0)).isInstanceOf(ScheduleException.class).hasMessageContaining("not 0");
        assertThatThrownBy(() -> Schedule.once("o", "f", T0).withMaxActive(0))
                .isInstanceOf(ScheduleException.class).hasMessageContaining("maxActive must be 1 or more, not 0");
        assertThatThrownBy(() -> Schedule.once("o", "f", T0).withJitter(Duration.ofSeconds(-1)))
                .isInstanceOf(ScheduleException.class).hasMessageContaining("not PT-1S");
        assertThatThrownBy(() -> Schedule.once("o", "f", T0).withParameters(Map.of("when", Thread.currentThread())))
                .isInstanceOf(ScheduleException.class).hasMessageContaining("parameter when is a java.lang.Thread");
        assertThatThrownBy(() -> Schedule.once("bad name", "f", T0))
                .isInstanceOf(ScheduleException.class).hasMessageContaining("'bad name'");
    }
}
