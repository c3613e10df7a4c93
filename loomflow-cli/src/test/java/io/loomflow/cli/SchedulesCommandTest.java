package io.loomflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.ManualTimeSource;
import io.loomflow.schedules.Schedule;
import io.loomflow.schedules.Scheduler;
import io.loomflow.store.RunStore;
import io.loomflow.store.contract.Postgres;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loomflow schedules}, {@code schedules pause NAME} and {@code resume NAME} on schedules a
 * scheduler registered, on the embedded store and on PostgreSQL; the scheduler sees the pause.
 */
class SchedulesCommandTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    record Report(String region) {
    }

    private final Flow<Report, String> report = Flow.named("report", Report.class, Report::region);

    @TempDir
    Path directory;

    @Test
    void onTheEmbeddedStoreSchedulesAreListedPausedAndResumed() {
        Path store = directory.resolve("store");
        Command none = Command.run("schedules", "--db", store.toString());
        assertThat(none.exitCode()).as(none.toString()).isZero();
        assertThat(none.out()).startsWith("no schedules: there is no run history in ");
        assertThat(store).doesNotExist();

        RunStore.embedded(store).close();
        Command empty = Command.run("schedules", "--db", store.toString());
        assertThat(empty.exitCode()).as(empty.toString()).isZero();
        assertThat(empty.out()).isEqualTo("no schedules in the run history at " + store.toAbsolutePath() + "\n");

        listPauseAndResume(RunStore.embeddedUrl(store), store.toString());
    }

    @Test
    void onPostgresqlSchedulesAreListedPausedAndResumed() throws Exception {
        POSTGRES.emptySchema();
        Command noTables = Command.run("schedules", "--db", POSTGRES.url());
        assertThat(noTables.exitCode()).as(noTables.toString()).isZero();
        assertThat(noTables.out()).contains("no schedules in the run history at").contains("no schedule tables");
        Command pauseNoTables = Command.run("schedules", "pause", "minutely", "--db", POSTGRES.url());
        assertThat(pauseNoTables.exitCode()).as(pauseNoTables.toString()).isEqualTo(2);
        assertThat(pauseNoTables.err()).contains("no schedule is named 'minutely'").contains("has no schedules");

        listPauseAndResume(POSTGRES.url(), POSTGRES.url());
    }

    private void listPauseAndResume(String url, String db) {
        ManualTimeSource clock = ManualTimeSource.startingAt(Instant.now().truncatedTo(ChronoUnit.MINUTES).plusSeconds(30));
        Schedule minutely = Schedule.cron("minutely", "report", "* * * * *").withParameters(Map.of("region", "apac"))
                .withMaxActive(100);
        Schedule launch = Schedule.once("launch", "report", Instant.parse("2030-01-01T09:00:00Z"))
                .withZone("Europe/Berlin").withParameters(Map.of("region", "emea"));
        try (Engine engine = Engine.builder().build();
             Scheduler scheduler = Scheduler.builder().database(url).schedules(List.of(minutely, launch))
                     .engine(engine, report).clock(clock).build()) {
            clock.advance(Duration.ofMinutes(1));
            assertThat(scheduler.tick()).containsKey("minutely");

            Command list = Command.run("schedules", "--db", db);
            assertThat(list.exitCode()).as(list.toString()).isZero();
            assertThat(list.out()).contains("launch  report  once at 2030-01-01T09:00:00Z  Europe/Berlin  active\n"
                    + "  next: 2030-01-01T10:00+01:00 (2030-01-01T09:00:00Z)\n  last run: none\n");
            assertThat(list.out()).contains("minutely  report  cron * * * * *  Z  active\n  next: ")
                    .containsPattern("  last run: slot \\S+, run [0-9a-f-]{36} \\((started|ended)\\); 1 fired in all\n");

            Command json = Command.run("schedules", "--db", db, "--output", "json", "--next", "1");
            assertThat(json.exitCode()).as(json.toString()).isZero();
            assertThat(json.out()).contains("\"name\" : \"launch\"", "\"nextFires\" : [ \"2030-01-01T09:00:00Z\" ]",
                    "\"nextFiresInZone\" : [ \"2030-01-01T10:00+01:00\" ]", "\"lastRun\" : null", "\"paused\" : false");

            Command pause = Command.run("schedules", "pause", "minutely", "--db", db);
            assertThat(pause.exitCode()).as(pause.toString()).isZero();
            assertThat(pause.out()).isEqualTo("schedule minutely paused\n");
            assertThat(scheduler.isPaused("minutely")).isTrue();
            for (int minute = 0; minute < 3; minute++) {
                clock.advance(Duration.ofMinutes(1));
                assertThat(scheduler.tick()).doesNotContainKey("minutely");
            }
            assertThat(Command.run("schedules", "--db", db).out()).contains("minutely  report  cron * * * * *  Z  paused\n");

            Command unknown = Command.run("schedules", "resume", "minutly", "--db", db);
            assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(2);
            assertThat(unknown.err()).isEqualTo("loomflow: no schedule is named 'minutly'; the schedules are launch, minutely\n");

            Command resume = Command.run("schedules", "resume", "minutely", "--db", db);
            assertThat(resume.exitCode()).as(resume.toString()).isZero();
            assertThat(resume.out()).isEqualTo("schedule minutely resumed\n");
            clock.advance(Duration.ofSeconds(30));
            assertThat(scheduler.tick()).containsKey("minutely");
        }
    }
}
