package io.loomflow.schedules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Slots across both daylight saving transitions, in New York, Berlin and Lord Howe Island (whose
 * clocks move by 30 minutes), driven by a manual clock that ticks every minute: each wall time fires
 * once; a time in the repeated hour at its earlier offset; a time in the gap when the gap ends.
 */
class DaylightSavingTest {

    /** Ticks a clock from {@code from} to {@code to} every {@code step}, as a scheduler does; the slot keys fired and when. */
    private static Map<String, Instant> fire(Schedule schedule, Instant from, Instant to, Duration step) {
        Map<String, Instant> fired = new LinkedHashMap<>();
        Slot cursor = null;
        for (Instant now = from; !now.isAfter(to); now = now.plus(step)) {
            Schedule.Due due = schedule.dueSlots(cursor, from, now);
            for (Slot slot : due.fire()) {
                assertThat(fired.put(slot.key(), now)).as("slot %s fired twice", slot.key()).isNull();
                assertThat(schedule.fireAt(slot)).isBeforeOrEqualTo(now);
            }
            cursor = due.handledThrough().orElse(cursor);
        }
        return fired;
    }

    private static Map<String, Instant> fire(Schedule schedule, String from, String to) {
        return fire(schedule, Instant.parse(from), Instant.parse(to), Duration.ofMinutes(1));
    }

    private static Map<String, Instant> expected(String... keysAndInstants) {
        Map<String, Instant> expected = new LinkedHashMap<>();
        for (int i = 0; i < keysAndInstants.length; i += 2) {
            expected.put(keysAndInstants[i], Instant.parse(keysAndInstants[i + 1]));
        }
        return expected;
    }

    @Test
    void newYorkHourlyFiresTheRepeatedHourOnceAndTheSkippedHourWhenTheGapEnds() {
        Schedule hourly = Schedule.cron("hourly", "report", "0 * * * *").withZone("America/New_York");
        // 2026-11-01: 02:00 EDT becomes 01:00 EST; 01:00 fires once, at EDT (05:00Z), none at 06:00Z.
        assertThat(fire(hourly, "2026-11-01T03:30:00Z", "2026-11-01T08:30:00Z")).containsExactlyEntriesOf(expected(
                "2026-11-01T00:00", "2026-11-01T04:00:00Z",
                "2026-11-01T01:00", "2026-11-01T05:00:00Z",
                "2026-11-01T02:00", "2026-11-01T07:00:00Z",
                "2026-11-01T03:00", "2026-11-01T08:00:00Z"));
        // 2026-03-08: 02:00 EST becomes 03:00 EDT; the 02:00 slot fires at 03:00 EDT, with the 03:00 one.
        assertThat(fire(hourly, "2026-03-08T05:30:00Z", "2026-03-08T08:30:00Z")).containsExactlyEntriesOf(expected(
                "2026-03-08T01:00", "2026-03-08T06:00:00Z",
                "2026-03-08T02:00", "2026-03-08T07:00:00Z",
                "2026-03-08T03:00", "2026-03-08T07:00:00Z",
                "2026-03-08T04:00", "2026-03-08T08:00:00Z"));
    }

    @Test
    void newYorkEveryFifteenMinutes() {
        Schedule quarter = Schedule.cron("quarter", "report", "*/15 * * * *").withZone("America/New_York");
        Map<String, Instant> fall = fire(quarter, "2026-11-01T04:50:00Z", "2026-11-01T07:20:00Z");
        assertThat(fall).containsExactlyEntriesOf(expected(
                "2026-11-01T01:00", "2026-11-01T05:00:00Z",
                "2026-11-01T01:15", "2026-11-01T05:15:00Z",
                "2026-11-01T01:30", "2026-11-01T05:30:00Z",
                "2026-11-01T01:45", "2026-11-01T05:45:00Z",
                // the hour 01:00-02:00 EST repeats: nothing fires again until 02:00 EST
                "2026-11-01T02:00", "2026-11-01T07:00:00Z",
                "2026-11-01T02:15", "2026-11-01T07:15:00Z"));
        Map<String, Instant> spring = fire(quarter, "2026-03-08T06:40:00Z", "2026-03-08T07:20:00Z");
        assertThat(spring).containsExactlyEntriesOf(expected(
                "2026-03-08T01:45", "2026-03-08T06:45:00Z",
                "2026-03-08T02:00", "2026-03-08T07:00:00Z",
                "2026-03-08T02:15", "2026-03-08T07:00:00Z",
                "2026-03-08T02:30", "2026-03-08T07:00:00Z",
                "2026-03-08T02:45", "2026-03-08T07:00:00Z",
                "2026-03-08T03:00", "2026-03-08T07:00:00Z",
                "2026-03-08T03:15", "2026-03-08T07:15:00Z"));
    }

    @Test
    void dailyAtTwoThirtyInNewYorkAndBerlin() {
        Schedule newYork = Schedule.cron("daily", "report", "30 2 * * *").withZone("America/New_York");
        assertThat(fire(newYork, "2026-03-07T00:00:00Z", "2026-03-10T00:00:00Z")).containsExactlyEntriesOf(expected(
                "2026-03-07T02:30", "2026-03-07T07:30:00Z",   // EST
                "2026-03-08T02:30", "2026-03-08T07:00:00Z",   // in the gap: at its end, 03:00 EDT
                "2026-03-09T02:30", "2026-03-09T06:30:00Z")); // EDT
        Schedule berlin = Schedule.cron("daily", "report", "30 2 * * *").withZone("Europe/Berlin");
        // 2026-03-29: 02:00 CET becomes 03:00 CEST; 2026-10-25: 03:00 CEST becomes 02:00 CET.
        assertThat(fire(berlin, "2026-03-28T00:00:00Z", "2026-03-31T00:00:00Z")).containsExactlyEntriesOf(expected(
                "2026-03-28T02:30", "2026-03-28T01:30:00Z",
                "2026-03-29T02:30", "2026-03-29T01:00:00Z",   // in the gap: 03:00 CEST
                "2026-03-30T02:30", "2026-03-30T00:30:00Z"));
        assertThat(fire(berlin, "2026-10-24T00:00:00Z", "2026-10-27T00:00:00Z")).containsExactlyEntriesOf(expected(
                "2026-10-24T02:30", "2026-10-24T00:30:00Z",
                "2026-10-25T02:30", "2026-10-25T00:30:00Z",   // repeated: once, at CEST
                "2026-10-26T02:30", "2026-10-26T01:30:00Z"));
    }

    @Test
    void berlinHourlyAcrossTheRepeatedHour() {
        Schedule hourly = Schedule.cron("hourly", "report", "0 * * * *").withZone("Europe/Berlin");
        // 02:00-03:00 repeats: 02:00 fires once, at CEST (00:00Z); nothing at 01:00Z.
        assertThat(fire(hourly, "2026-10-24T23:30:00Z", "2026-10-25T02:30:00Z")).containsExactlyEntriesOf(expected(
                "2026-10-25T02:00", "2026-10-25T00:00:00Z",
                "2026-10-25T03:00", "2026-10-25T02:00:00Z"));
    }

    @Test
    void lordHoweMovesByThirtyMinutes() {
        // Lord Howe Island: +10:30, and +11:00 in summer. 2026-04-05 02:00 (+11) becomes 01:30 (+10:30);
        // 2026-10-04 02:00 (+10:30) becomes 02:30 (+11).
        Schedule quarter = Schedule.cron("quarter", "report", "*/15 * * * *").withZone("Australia/Lord_Howe");
        assertThat(fire(quarter, "2026-04-04T14:20:00Z", "2026-04-04T15:50:00Z")).containsExactlyEntriesOf(expected(
                "2026-04-05T01:30", "2026-04-04T14:30:00Z",
                "2026-04-05T01:45", "2026-04-04T14:45:00Z",   // 01:30-02:00 repeats: once, at +11
                "2026-04-05T02:00", "2026-04-04T15:30:00Z",
                "2026-04-05T02:15", "2026-04-04T15:45:00Z"));
        assertThat(fire(quarter, "2026-10-03T15:10:00Z", "2026-10-03T15:50:00Z")).containsExactlyEntriesOf(expected(
                "2026-10-04T01:45", "2026-10-03T15:15:00Z",
                "2026-10-04T02:00", "2026-10-03T15:30:00Z",   // in the gap: at 02:30 (+11)
                "2026-10-04T02:15", "2026-10-03T15:30:00Z",
                "2026-10-04T02:30", "2026-10-03T15:30:00Z",
                "2026-10-04T02:45", "2026-10-03T15:45:00Z"));
        Schedule hourly = Schedule.cron("hourly", "report", "0 * * * *").withZone("Australia/Lord_Howe");
        assertThat(fire(hourly, "2026-10-03T14:10:00Z", "2026-10-03T16:40:00Z")).containsExactlyEntriesOf(expected(
                "2026-10-04T01:00", "2026-10-03T14:30:00Z",
                "2026-10-04T02:00", "2026-10-03T15:30:00Z",
                "2026-10-04T03:00", "2026-10-03T16:00:00Z"));
        Schedule daily = Schedule.cron("daily", "report", "30 2 * * *").withZone("Australia/Lord_Howe");
        assertThat(fire(daily, "2026-10-02T00:00:00Z", "2026-10-05T00:00:00Z")).containsExactlyEntriesOf(expected(
                "2026-10-03T02:30", "2026-10-02T16:00:00Z",
                "2026-10-04T02:30", "2026-10-03T15:30:00Z",   // just after the gap: exists, at +11
                "2026-10-05T02:30", "2026-10-04T15:30:00Z"));
    }

    @Test
    void nextSlotFromAnInstantInTheRepeatedHourIsAfterIt() {
        Schedule quarter = Schedule.cron("quarter", "report", "*/15 * * * *").withZone("America/New_York");
        // 06:20Z is 01:20 EST, the second time the clock shows 01:20: 01:30 (EDT) was long before.
        assertThat(quarter.nextSlot(Instant.parse("2026-11-01T06:20:00Z")).orElseThrow())
                .isEqualTo(new Slot("2026-11-01T02:00", Instant.parse("2026-11-01T07:00:00Z")));
        List<Slot> walked = new ArrayList<>();
        Slot slot = quarter.nextSlot(Instant.parse("2026-11-01T05:50:00Z")).orElseThrow();
        for (int i = 0; i < 3; i++) {
            walked.add(slot);
            slot = quarter.nextSlot(slot).orElseThrow();
        }
        assertThat(walked).extracting(Slot::key).containsExactly("2026-11-01T02:00", "2026-11-01T02:15", "2026-11-01T02:30");
    }
}
