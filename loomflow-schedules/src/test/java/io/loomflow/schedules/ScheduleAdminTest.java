package io.loomflow.schedules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.ManualTimeSource;
import io.loomflow.schedules.internal.Definitions;
import io.loomflow.store.contract.Postgres;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ScheduleAdmin}: the schedules a scheduler registered, read back from their stored
 * definitions without an engine, paused and resumed so that the scheduler sees it.
 */
class ScheduleAdminTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:30Z");

    record Report(String region) {
    }

    private final Flow<Report, String> report = Flow.named("report", Report.class, Report::region);

    @TempDir
    Path directory;

    private final List<Schedule> schedules = List.of(
            Schedule.cron("hourly", "report", "0 * * * *").withZone("Europe/Berlin")
                    .withParameters(Map.of("region", "emea")).withCatchUp(CatchUp.each(3)).withMaxActive(2)
                    .withJitter(Duration.ofMinutes(10)),
            Schedule.cron("minutely", "report", "*/1 * * * *").withParameters(Map.of("region", "apac")).withMaxActive(100),
            Schedule.every("quarterly", "report", Duration.ofMinutes(15), Instant.parse("2026-01-01T00:07:00Z"))
                    .withParameters(Map.of("region", "us")).withCatchUp(CatchUp.skip()),
            Schedule.once("launch", "report", Instant.parse("2026-07-01T09:00:00Z")).withParameters(Map.of("region", "x")));

    @Test
    void storedDefinitionsReadBackAsTheSameSchedules() {
        for (Schedule schedule : schedules) {
            assertThat(Definitions.parse(schedule.toString())).map(Schedule::toString).contains(schedule.toString());
        }
        assertThat(Definitions.parse("schedule x (flow y, hourly, zone UTC, catch-up 1, max active 1)")).isEmpty();
        assertThat(Definitions.parse("something else")).isEmpty();
    }

    @Test
    void onTheEmbeddedStoreTheAdminListsPausesAndResumesWhatTheSchedulerSees() {
        adminAndScheduler("jdbc:h2:file:" + directory.resolve("admin") + ";AUTO_SERVER=TRUE");
    }

    @Test
    void onPostgresqlTheAdminListsPausesAndResumesWhatTheSchedulerSees() throws Exception {
        POSTGRES.emptySchema();
        adminAndScheduler(POSTGRES.url());
    }

    private void adminAndScheduler(String url) {
        ManualTimeSource clock = ManualTimeSource.startingAt(T0);
        try (Engine engine = Engine.builder().build();
             Scheduler scheduler = Scheduler.builder().database(url).schedules(schedules).engine(engine, report)
                     .clock(clock).build();
             ScheduleAdmin admin = ScheduleAdmin.open(url, clock)) {
            assertThat(admin.names()).containsExactly("hourly", "launch", "minutely", "quarterly");
            // the same statuses as the scheduler's own, which holds the schedules as given
            assertThat(admin.statuses(5, 3)).containsExactlyElementsOf(
                    List.of(scheduler.status("hourly", 5, 3), scheduler.status("launch", 5, 3),
                            scheduler.status("minutely", 5, 3), scheduler.status("quarterly", 5, 3)));
            assertThat(admin.status("quarterly", 2, 0).nextFires())
                    .containsExactly(Instant.parse("2026-06-01T00:07:00Z"), Instant.parse("2026-06-01T00:22:00Z"));

            clock.advance(Duration.ofMinutes(1));
            assertThat(scheduler.tick()).containsKey("minutely");
            admin.pause("minutely");
            assertThat(scheduler.isPaused("minutely")).isTrue();
            assertThat(admin.status("minutely", 0, 0).paused()).isTrue();
            for (int minute = 0; minute < 3; minute++) {
                clock.advance(Duration.ofMinutes(1));
                assertThat(scheduler.tick()).doesNotContainKey("minutely");
            }
            assertThat(admin.status("minutely", 0, 1).firedCount()).isEqualTo(1);

            admin.resume("minutely");
            assertThat(scheduler.isPaused("minutely")).isFalse();
            clock.advance(Duration.ofSeconds(30));
            // the latest slot missed while paused (catch-up once: 00:04) and the slot due now (00:05)
            assertThat(scheduler.tick().get("minutely")).extracting(Slot::key)
                    .containsExactly("2026-06-01T00:04", "2026-06-01T00:05");
            ScheduleStatus resumed = admin.status("minutely", 1, 1);
            assertThat(resumed.paused()).isFalse();
            assertThat(resumed.firedCount()).isEqualTo(3);
            // the same as the scheduler's, but for the slot's state, which the run's end may change between the reads
            ScheduleStatus own = scheduler.status("minutely", 1, 1);
            assertThat(resumed).usingRecursiveComparison().ignoringFields("recent").isEqualTo(own);
            assertThat(resumed.recent()).extracting(FiredSlot::slot, FiredSlot::runId)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(own.recent().getFirst().slot(),
                            own.recent().getFirst().runId()));

            assertThatThrownBy(() -> admin.pause("minutly")).isInstanceOf(ScheduleException.class)
                    .hasMessage("no schedule is named 'minutly'; the schedules are hourly, launch, minutely, quarterly");
            assertThatThrownBy(() -> admin.status("nope", 1, 1)).isInstanceOf(ScheduleException.class)
                    .hasMessageContaining("'nope'");
        }
    }

    @Test
    void aDatabaseWithoutTheScheduleTablesIsRefusedWithoutCreatingThem() {
        String url = "jdbc:h2:file:" + directory.resolve("empty") + ";AUTO_SERVER=TRUE";
        assertThatThrownBy(() -> ScheduleAdmin.open(url)).isInstanceOf(ScheduleException.class)
                .hasMessageContaining("no schedule tables").hasMessageContaining("Scheduler.builder()");
        assertThatThrownBy(() -> ScheduleAdmin.open(url)).isInstanceOf(ScheduleException.class);
    }
}
