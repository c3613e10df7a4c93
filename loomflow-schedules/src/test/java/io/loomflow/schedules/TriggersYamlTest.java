package io.loomflow.schedules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.State;
import io.loomflow.data.Conf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** conf/base/triggers.yml, overlaid by the environment, and its mistakes reported at their line. */
class TriggersYamlTest {

    @TempDir
    Path project;

    private Path write(String path, String text) throws Exception {
        Path file = project.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    private List<Trigger> load() {
        return Triggers.load(Conf.load(project.resolve("conf"), "local", Map.of("REGION", "emea")));
    }

    @Test
    void everySettingIsRead() throws Exception {
        write("conf/base/catalog.yml", "datasets: {}\n");
        write("conf/base/triggers.yml", """
                report-after-ingest:
                  flow: report
                  onRunEnd: ingest
                  states: [Completed, cached]
                  parameters: { region: "${REGION}", days: 3, tags: [a, b] }
                alert:
                  flow: page
                  onRunEnd: ingest
                  states: Failed
                refresh:
                  flow: refresh
                  onNewVersion: prices
                  pollEvery: 30s
                load-events:
                  flow: load
                  onNewPartitions: events
                  pollEvery: PT2M
                plain:
                  flow: report
                  onNewVersion: prices
                """);
        List<Trigger> triggers = load();
        assertThat(triggers).extracting(Trigger::name)
                .containsExactly("report-after-ingest", "alert", "refresh", "load-events", "plain");
        Trigger afterIngest = triggers.get(0);
        assertThat(afterIngest.kind()).isEqualTo(Trigger.Kind.RUN_END);
        assertThat(afterIngest.source()).isEqualTo("ingest");
        assertThat(afterIngest.flow()).isEqualTo("report");
        assertThat(afterIngest.states()).isEqualTo(Set.of(State.Kind.COMPLETED, State.Kind.CACHED));
        assertThat(afterIngest.parameters()).isEqualTo(Map.of("region", "emea", "days", 3, "tags", List.of("a", "b")));
        assertThat(triggers.get(1).states()).isEqualTo(Set.of(State.Kind.FAILED));
        assertThat(triggers.get(1).parameters()).isEmpty();
        Trigger refresh = triggers.get(2);
        assertThat(refresh.kind()).isEqualTo(Trigger.Kind.NEW_VERSION);
        assertThat(refresh.source()).isEqualTo("prices");
        assertThat(refresh.pollEvery()).isEqualTo(Duration.ofSeconds(30));
        Trigger loadEvents = triggers.get(3);
        assertThat(loadEvents.kind()).isEqualTo(Trigger.Kind.NEW_PARTITIONS);
        assertThat(loadEvents.source()).isEqualTo("events");
        assertThat(loadEvents.flow()).isEqualTo("load");
        assertThat(loadEvents.pollEvery()).isEqualTo(Duration.ofMinutes(2));
        assertThat(triggers.get(4).pollEvery()).isEqualTo(Trigger.DEFAULT_POLL);
    }

    @Test
    void aRunEndTriggerFiresOnCompletedUnlessGivenStates() throws Exception {
        write("conf/base/catalog.yml", "datasets: {}\n");
        write("conf/base/triggers.yml", "a: { flow: report, onRunEnd: ingest }\n");
        assertThat(load().getFirst().states()).isEqualTo(Set.of(State.Kind.COMPLETED));
    }

    @Test
    void theEnvironmentReplacesATriggerWholeAndNoFileIsNoTriggers() throws Exception {
        write("conf/base/catalog.yml", "datasets: {}\n");
        assertThat(load()).isEmpty();
        write("conf/base/triggers.yml", """
                a: { flow: one, onRunEnd: ingest, states: [Failed] }
                b: { flow: two, onNewVersion: prices }
                """);
        write("conf/local/triggers.yml", "a: { flow: three, onRunEnd: ingest }\n");
        List<Trigger> triggers = load();
        assertThat(triggers).extracting(Trigger::name).containsExactly("b", "a");
        assertThat(triggers.get(1).flow()).isEqualTo("three");
        assertThat(triggers.get(1).states()).as("replaced whole: base's states are gone")
                .isEqualTo(Set.of(State.Kind.COMPLETED));
    }

    @Test
    void mistakesAreReportedAtTheirLineWithAValidExample() throws Exception {
        write("conf/base/catalog.yml", "datasets: {}\n");
        Path file = project.resolve("conf/base/triggers.yml");
        assertMistake("a:\n  flow: f\n  onRunEnd: g\n  state: [Failed]\n", file + ":4:3: trigger a: unknown key"
                + " 'state'", "[flow, onRunEnd, onNewVersion, onNewPartitions, states, parameters, pollEvery]",
                "did you mean states?");
        assertMistake("a:\n  onRunEnd: g\n", file + ":1:1: trigger a has no flow", "flow: report");
        assertMistake("a:\n  flow: f\n", file + ":1:1: trigger a must have one of onRunEnd, onNewVersion or"
                + " onNewPartitions", "onRunEnd: ingest");
        assertMistake("a:\n  flow: f\n  onRunEnd: g\n  onNewVersion: prices\n", file + ":4:3: trigger a must have"
                + " one of onRunEnd, onNewVersion or onNewPartitions, not onRunEnd and onNewVersion", "onNewVersion:"
                + " prices");
        assertMistake("a:\n  flow: f\n  onRunEnd: g\n  states: [Completed, Finished]\n", file + ":4:23: trigger a:"
                + " 'Finished' is not a state", "Completed, Cached, Failed, Cancelled, Crashed");
        assertMistake("a:\n  flow: f\n  onRunEnd: g\n  states: Running\n", file + ":4:3: trigger a: a run does not"
                + " end in Running", "Completed, Cached, Failed, Cancelled, Crashed");
        assertMistake("a:\n  flow: f\n  onRunEnd: g\n  states: []\n", file + ":4:3: trigger a: states needs one or"
                + " more", "states: [Completed, Cached]");
        assertMistake("a:\n  flow: f\n  onNewVersion: prices\n  states: [Failed]\n", file + ":4:3: trigger a: states"
                + " are the final states of a run", "remove states");
        assertMistake("a:\n  flow: f\n  onRunEnd: g\n  pollEvery: 30s\n", file + ":4:3: trigger a: pollEvery is how"
                + " often a dataset trigger", "remove pollEvery");
        assertMistake("a:\n  flow: f\n  onNewVersion: prices\n  pollEvery: 30 seconds\n", file + ":4:3: trigger a:"
                + " pollEvery '30 seconds' is not a duration", "pollEvery: 30s");
        assertMistake("a:\n  flow: f\n  onNewVersion: prices\n  pollEvery: 0s\n", file + ":4:3: trigger a:"
                + " pollEvery must be more than zero", "pollEvery: 30s");
        assertMistake("a:\n  flow: f\n  onNewVersion: prices\n  pollEvery: 1000000000000d\n", file + ":4:3: trigger"
                + " a: pollEvery '1000000000000d' must be from 1s to 366d", "pollEvery: 30s");
        assertMistake("a:\n  flow: f\n  onNewVersion: prices\n  pollEvery: 500MS\n", file + ":4:3: trigger a:"
                + " pollEvery '500MS' must be from 1s to 366d", "pollEvery: 30s");
        assertMistake("a:\n  flow: f\n  onNewVersion: prices\n  pollEvery: PT-1S\n", file + ":4:3: trigger a:"
                + " pollEvery 'PT-1S' must not be negative", "pollEvery: 30s");
        assertMistake("a:\n  flow: f\n  onNewVersion: prices\n  pollEvery: 30 Seconds\n", file + ":4:3: trigger a:"
                + " pollEvery '30 Seconds' is not a duration", "pollEvery: 30s");
        assertMistake("a:\n  flow: f\n  onRunEnd: f\n", file + ":3:3: trigger a starts flow 'f' when a run of 'f'"
                + " ends", "start another flow");
        assertMistake("a:\n  flow: f\n  onRunEnd: g\n  parameters: { day: 2026-01-01 }\n", file + ":4:3: trigger a:"
                + " parameter day is a java.util.Date, not a JSON value", "quote it");
        assertMistake("a:\n  flow: f\n  onRunEnd: g\n  parameters: [1]\n", file + ":4:3: trigger a: parameters must"
                + " be a mapping", "region: emea");
        assertMistake("a:\n  flow: f\n  onRunEnd: [g, h]\n", file + ":3:3: trigger a: onRunEnd must be a single"
                + " value", "onRunEnd: ingest");
        assertMistake("a:\n  flow: f g\n  onRunEnd: g\n", file + ":2:3: invalid flow name 'f g'", "nightly-report");
        assertMistake("a:\n  flow: f\n  onNewPartitions: e/v\n", file + ":3:3: invalid dataset name 'e/v'",
                "nightly-report");
        assertMistake("a b:\n  flow: f\n  onRunEnd: g\n", file + ":1:1: invalid trigger name 'a b'", "nightly-report");
        assertMistake("a: [1, 2]\n", file + ":1:1: trigger a must be a mapping", "{ flow: report, onRunEnd: ingest }");
        assertMistake("a:\n  flow: ${NOPE}\n  onRunEnd: g\n", file + ":2:3:", "NOPE");
        assertMistake("a:\n  flow: f\n  onRunEnd: [g\n", file + ":4:1: not valid YAML", "");
    }

    private void assertMistake(String yaml, String start, String... examples) throws Exception {
        write("conf/base/triggers.yml", yaml);
        assertThatThrownBy(this::load).isInstanceOf(TriggerException.class).hasMessageStartingWith(start)
                .hasMessageContaining(examples.length == 0 ? "" : examples[0])
                .hasMessageContaining(examples.length < 2 ? "" : examples[1]);
    }
}
