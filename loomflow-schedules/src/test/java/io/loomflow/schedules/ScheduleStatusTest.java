package io.loomflow.schedules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.ManualTimeSource;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The read side of a scheduler: next fire times, pause state and the slots each schedule fired. */
class ScheduleStatusTest {

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:30Z");

    record Report(String region) {
    }

    private final Flow<Report, String> report = Flow.named("report", Report.class, Report::region);

    @TempDir
    Path directory;

    @Test
    void statusGivesTheNextFireTimesThePauseAndTheFiredSlotsLatestFirst() {
        String url = "jdbc:h2:file:" + directory.resolve("status") + ";AUTO_SERVER=TRUE";
        ManualTimeSource clock = ManualTimeSource.startingAt(T0);
        Schedule hourly = Schedule.cron("hourly", "report", "0 * * * *").withZone("Europe/Berlin")
                .withParameters(Map.of("region", "emea")).withMaxActive(100);
        Schedule minutely = Schedule.cron("minutely", "report", "* * * * *")
                .withParameters(Map.of("region", "apac")).withMaxActive(100);
        try (Engine engine = Engine.builder().build();
             Scheduler scheduler = Scheduler.builder().database(url).schedules(List.of(hourly, minutely))
                     .engine(engine, report).clock(clock).build()) {
            ScheduleStatus before = scheduler.status("hourly", 3, 10);
            assertThat(before.name()).isEqualTo("hourly");
            assertThat(before.flow()).isEqualTo("report");
            assertThat(before.timing()).contains("0 * * * *");
            assertThat(before.zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
            assertThat(before.paused()).isFalse();
            assertThat(before.nextFires()).containsExactly(Instant.parse("2026-06-01T01:00:00Z"),
                    Instant.parse("2026-06-01T02:00:00Z"), Instant.parse("2026-06-01T03:00:00Z"));
            assertThat(before.recent()).isEmpty();

            for (int minute = 0; minute < 5; minute++) {
                clock.advance(Duration.ofMinutes(1));
                scheduler.tick();
            }
            ScheduleStatus fired = scheduler.status("minutely", 2, 3);
            assertThat(fired.nextFires()).containsExactly(Instant.parse("2026-06-01T00:06:00Z"),
                    Instant.parse("2026-06-01T00:07:00Z"));
            assertThat(fired.firedCount()).isEqualTo(5);
            assertThat(fired.recent()).extracting(FiredSlot::slot)
                    .containsExactly("2026-06-01T00:05", "2026-06-01T00:04", "2026-06-01T00:03");
            assertThat(fired.recent().getFirst().time()).isEqualTo(Instant.parse("2026-06-01T00:05:00Z"));
            assertThat(fired.recent()).extracting(FiredSlot::runId).doesNotContainNull().doesNotHaveDuplicates();
            assertThat(fired.recent()).extracting(FiredSlot::state).allMatch(s -> List.of("started", "ended").contains(s));
            assertThat(scheduler.fired("minutely", 3, 3)).extracting(FiredSlot::slot)
                    .containsExactly("2026-06-01T00:02", "2026-06-01T00:01");

            scheduler.pause("minutely");
            assertThat(scheduler.statuses(1, 0)).extracting(ScheduleStatus::name, ScheduleStatus::paused)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("hourly", false),
                            org.assertj.core.groups.Tuple.tuple("minutely", true));
            scheduler.resume("minutely");
            assertThat(scheduler.status("minutely", 0, 0).paused()).isFalse();
            UUID latest = fired.recent().getFirst().runId();
            assertThat(scheduler.fired("minutely", 1, 0).getFirst().runId()).isEqualTo(latest);
        }
    }

    @Test
    void aJitteredSlotWhoseTimePassedIsStillNextUntilItFires() {
        String url = "jdbc:h2:file:" + directory.resolve("jitter") + ";AUTO_SERVER=TRUE";
        ManualTimeSource clock = ManualTimeSource.startingAt(Instant.parse("2026-06-01T00:00:00Z"));
        Schedule jittered = Schedule.cron("jittered", "report", "0 * * * *").withJitter(Duration.ofMinutes(30))
                .withParameters(Map.of("region", "x"));
        try (Engine engine = Engine.builder().build();
             Scheduler scheduler = Scheduler.builder().database(url).schedules(jittered).engine(engine, report)
                     .clock(clock).build()) {
            Slot first = jittered.nextSlot(Instant.parse("2026-06-01T00:59:59Z")).orElseThrow();
            Instant fireAt = jittered.fireAt(first);
            clock.advance(Duration.between(clock.now(), first.time()));
            assertThat(fireAt).isAfter(clock.now()); // its jitter, from its name and key, is not zero
            assertThat(scheduler.status("jittered", 1, 0).nextFires()).containsExactly(fireAt);
            assertThat(scheduler.status("jittered", 3, 0).nextFires()).contains(fireAt)
                    .allMatch(at -> at.isAfter(clock.now()));
        }
    }

    @Test
    void anUnknownNameOrACountOutOfRangeIsRefusedNamingIt() {
        String url = "jdbc:h2:file:" + directory.resolve("bad") + ";AUTO_SERVER=TRUE";
        try (Engine engine = Engine.builder().build();
             Scheduler scheduler = Scheduler.builder().database(url)
                     .schedules(Schedule.cron("nightly", "report", "0 2 * * *").withParameters(Map.of("region", "x")))
                     .engine(engine, report).build()) {
            assertThatThrownBy(() -> scheduler.status("nigthly", 1, 1)).isInstanceOf(ScheduleException.class)
                    .hasMessageContaining("'nigthly'").hasMessageContaining("nightly");
            assertThatThrownBy(() -> scheduler.status("nightly", 5000, 1)).isInstanceOf(ScheduleException.class)
                    .hasMessageContaining("5000");
            assertThatThrownBy(() -> scheduler.fired("nightly", 10, -1)).isInstanceOf(ScheduleException.class)
                    .hasMessageContaining("-1");
            assertThat(scheduler.has("nightly")).isTrue();
            assertThat(scheduler.has("nigthly")).isFalse();
        }
    }
}
