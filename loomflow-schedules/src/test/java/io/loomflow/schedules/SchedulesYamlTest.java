package io.loomflow.schedules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.data.Conf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** conf/base/schedules.yml, overlaid by the environment, and its mistakes reported at their line. */
class SchedulesYamlTest {

    @TempDir
    Path project;

    private Path write(String path, String text) throws Exception {
        Path file = project.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    private List<Schedule> load() {
        return Schedules.load(Conf.load(project.resolve("conf"), "local", Map.of("REGION", "emea")));
    }

    @Test
    void everySettingIsRead() throws Exception {
        write("conf/base/catalog.yml", "datasets: {}\n");
        write("conf/base/schedules.yml", """
                nightly:
                  flow: report
                  cron: "30 2 * * *"
                  zone: America/New_York
                  parameters: { region: "${REGION}", days: 3, tags: [a, b] }
                  catchUp: { each: 4 }
                  maxActive: 2
                  jitter: 1m30s
                  grace: PT5M
                sync:
                  flow: sync
                  every: 15m
                  anchor: 2026-01-01T00:00:07Z
                  catchUp: skip
                launch:
                  flow: announce
                  at: 2026-09-01T09:00
                  zone: Europe/Berlin
                """);
        List<Schedule> schedules = load();
        assertThat(schedules).extracting(Schedule::name).containsExactly("nightly", "sync", "launch");
        Schedule nightly = schedules.get(0);
        assertThat(nightly.flow()).isEqualTo("report");
        assertThat(nightly.zone()).isEqualTo(ZoneId.of("America/New_York"));
        assertThat(nightly.parameters()).isEqualTo(Map.of("region", "emea", "days", 3, "tags", List.of("a", "b")));
        assertThat(nightly.catchUp()).isEqualTo(CatchUp.each(4));
        assertThat(nightly.maxActive()).isEqualTo(2);
        assertThat(nightly.jitter()).isEqualTo(Duration.ofSeconds(90));
        assertThat(nightly.grace()).isEqualTo(Duration.ofMinutes(5));
        // 02:30 in New York is 06:30 UTC in June
        assertThat(nightly.nextSlot(Instant.parse("2026-06-01T00:00:00Z")).orElseThrow().time())
                .isEqualTo(Instant.parse("2026-06-01T06:30:00Z"));
        Schedule sync = schedules.get(1);
        assertThat(sync.catchUp()).isEqualTo(CatchUp.skip());
        assertThat(sync.nextSlot(Instant.parse("2026-06-01T00:00:00Z")).orElseThrow().time())
                .isEqualTo(Instant.parse("2026-06-01T00:00:07Z"));
        assertThat(sync.catchUp()).isEqualTo(CatchUp.skip());
        Schedule launch = schedules.get(2);
        assertThat(launch.nextSlot(Instant.parse("2026-01-01T00:00:00Z")).orElseThrow().time())
                .isEqualTo(Instant.parse("2026-09-01T07:00:00Z")); // 09:00 in Berlin, summer time
        assertThat(launch.maxActive()).isEqualTo(1);
        assertThat(launch.catchUp()).isEqualTo(CatchUp.once());
        assertThat(launch.grace()).isEqualTo(Schedule.DEFAULT_GRACE);
    }

    @Test
    void theEnvironmentReplacesASchedulesWholeAndNoFileIsNoSchedules() throws Exception {
        write("conf/base/catalog.yml", "datasets: {}\n");
        assertThat(load()).isEmpty();
        write("conf/base/schedules.yml", """
                a: { flow: one, cron: "0 * * * *", maxActive: 3 }
                b: { flow: two, every: 1h }
                """);
        write("conf/local/schedules.yml", "a: { flow: three, every: 2h }\n");
        List<Schedule> schedules = load();
        assertThat(schedules).extracting(Schedule::name).containsExactly("b", "a");
        assertThat(schedules.get(1).flow()).isEqualTo("three");
        assertThat(schedules.get(1).maxActive()).isEqualTo(1);
        assertThat(schedules.get(1).timing()).contains("PT2H");
    }

    @Test
    void mistakesAreReportedAtTheirLineWithAValidExample() throws Exception {
        write("conf/base/catalog.yml", "datasets: {}\n");
        Path file = project.resolve("conf/base/schedules.yml");
        assertMistake("a:\n  flow: f\n  cron: \"61 * * * *\"\n", file + ":3:3: schedule a: invalid cron expression"
                + " '61 * * * *'", "30 2 * * *");
        assertMistake("a:\n  flow: f\n  cron: \"0 * * * *\"\n  zone: Mars/Olympus\n", file + ":4:3: schedule a: unknown"
                + " time zone 'Mars/Olympus'", "Europe/Berlin");
        assertMistake("a:\n  flow: f\n  cron: \"0 * * * *\"\n  catchup: skip\n", file + ":4:3: schedule a: unknown key"
                + " 'catchup'", "[flow, cron, every, anchor, at, zone, parameters, catchUp, maxActive, jitter, grace]");
        assertMistake("a:\n  cron: \"0 * * * *\"\n", file + ":1:1: schedule a has no flow", "flow: report");
        assertMistake("a:\n  flow: f\n  cron: \"0 * * * *\"\n  every: 5m\n", file + ":4:3: schedule a must have one of"
                + " cron, every or at, not cron and every", "every: 15m");
        assertMistake("a:\n  flow: f\n  every: 5 minutes\n", file + ":3:3: schedule a: every '5 minutes' is not a"
                + " duration", "every: 15m");
        assertMistake("a:\n  flow: f\n  every: 5m\n  grace: PT-1S\n", file + ":4:3: schedule a: grace 'PT-1S' must not"
                + " be negative", "grace: 1m");
        assertMistake("a:\n  flow: f\n  every: 5 Minutes\n", file + ":3:3: schedule a: every '5 Minutes' is not a"
                + " duration", "every: 15m");
        assertMistake("a:\n  flow: f\n  every: 5m\n  parameters: { day: 2026-01-01 }\n", file + ":4:3: schedule a:"
                + " parameter day is a java.util.Date, not a JSON value", "quote it");
        assertMistake("a:\n  flow: f\n  every: 5m\n  catchUp: all\n", file + ":4:3: schedule a: catchUp 'all' is not"
                + " a policy", "{ each: 3 }");
        assertMistake("a:\n  flow: f\n  every: 5m\n  maxActive: 0\n", file + ":4:3: schedule a: maxActive must be a"
                + " whole number, 1 or more, not '0'", "maxActive: 1");
        assertMistake("a:\n  flow: f\n  at: next tuesday\n", file + ":3:3: schedule a: at 'next tuesday' is not a"
                + " time", "2026-09-01T09:00:00Z");
        assertMistake("a:\n  flow: f\n  cron: \"0 * * * *\"\n  anchor: 2026-01-01T00:00:00Z\n", file + ":4:3: schedule"
                + " a: anchor is the first slot of an every: schedule", "every: 15m");
        assertMistake("a b:\n  flow: f\n  every: 5m\n", file + ":1:1: invalid schedule name 'a b'", "nightly-report");
        assertMistake("a: [1, 2]\n", file + ":1:1: schedule a must be a mapping", "cron: \"30 2 * * *\"");
        assertMistake("a:\n  flow: f\n  every: 5m\n  parameters: [1]\n", file + ":4:3: schedule a: parameters must be"
                + " a mapping", "region: emea");
        assertMistake("a:\n  flow: f\n  every: [5m\n", file + ":4:1: not valid YAML", "");
    }

    private void assertMistake(String yaml, String start, String example) throws Exception {
        write("conf/base/schedules.yml", yaml);
        assertThatThrownBy(this::load).isInstanceOf(ScheduleException.class).hasMessageStartingWith(start)
                .hasMessageContaining(example);
    }
}
