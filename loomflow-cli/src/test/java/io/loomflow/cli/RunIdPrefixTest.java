package io.loomflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start of a root run's id, and {@code last}, wherever a command takes a run id: show, logs, run --resume. */
class RunIdPrefixTest {

    @TempDir
    Path directory;

    private String greetRun;
    private String boomRun;
    private String wideRun;

    private String db() {
        return directory.resolve("history").toString();
    }

    private Command run(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--db", db(), "--progress", "plain"));
        return Command.run(all.toArray(String[]::new));
    }

    @BeforeEach
    void recordThreeRuns() {
        greetRun = run("run", "greet", "--param", "name=World").runId();
        boomRun = run("run", "boom", "--param", "name=x").runId();
        wideRun = run("run", "wide", "-p", "items=3", "-p", "failAt=2").runId();
    }

    /** The shortest start of {@code id} that no other of the three root runs' ids has. */
    private String uniquePrefixOf(String id) {
        List<String> others = java.util.stream.Stream.of(greetRun, boomRun, wideRun).filter(other -> !other.equals(id)).toList();
        for (int length = 1; ; length++) {
            String prefix = id.substring(0, length);
            if (!prefix.endsWith("-") && others.stream().noneMatch(other -> other.startsWith(prefix))) {
                return prefix;
            }
        }
    }

    private static String commonPrefix(String a, String b) {
        int length = 0;
        while (a.charAt(length) == b.charAt(length)) {
            length++;
        }
        return a.substring(0, length).replaceAll("-$", "");
    }

    @Test
    void aPrefixOfOneRootRunsIdShowsThatRunThoughTheRunsBelowItShareIt() {
        String prefix = uniquePrefixOf(boomRun);

        Command shown = Command.run("show", prefix, "--db", db());
        Command full = Command.run("show", boomRun, "--db", db());

        assertThat(shown.exitCode()).as(shown.toString()).isZero();
        assertThat(shown.out()).isEqualTo(full.out()).contains(boomRun);
        assertThat(Command.run("show", prefix.toUpperCase(java.util.Locale.ROOT), "--db", db()).out()).isEqualTo(full.out());
        assertThat(Command.run("logs", uniquePrefixOf(greetRun), "--db", db()).out())
                .isEqualTo(Command.run("logs", greetRun, "--db", db()).out()).contains("greeting World");
    }

    @Test
    void aPrefixOfSeveralRootRunsIdsIsRefusedListingThemWithTheirFlowsAndStartTimes() {
        String prefix = commonPrefix(greetRun, boomRun);

        Command command = Command.run("show", prefix, "--db", db());

        assertThat(command.exitCode()).as(command.toString()).isEqualTo(2);
        assertThat(command.out()).isEmpty();
        List<String> lines = command.err().lines().toList();
        assertThat(lines.getFirst()).startsWith("loomflow: '" + prefix + "' starts the ids of ")
                .endsWith(" root runs; give more characters of the one you mean:");
        assertThat(command.err()).containsPattern("\\n  " + greetRun + "  greet  started \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\n")
                .containsPattern("\\n  " + boomRun + "  boom  started \\d{4}-");
        assertThat(Command.run("logs", prefix, "--db", db()).exitCode()).isEqualTo(2);
        assertThat(Command.run("run", "boom", "--resume", prefix, "--db", db()).exitCode()).isEqualTo(2);
    }

    @Test
    void aPrefixNoRootRunsIdStartsWithSaysSoAndExitsTwo() {
        UUID task = UUID.fromString(Command.run("runs", "--all", "--flow", "say", "--db", db()).out().lines().skip(1)
                .findFirst().orElseThrow().substring(0, 36));
        String taskPrefix = task.toString().substring(0, 34); // a run below a root takes its whole id

        Command command = Command.run("show", taskPrefix, "--db", db());

        assertThat(command.exitCode()).as(command.toString()).isEqualTo(2);
        assertThat(command.err()).startsWith("loomflow: no root run's id starts with '" + taskPrefix + "' in the run history at ")
                .contains("takes its whole id").hasLineCount(1);
        assertThat(Command.run("show", task.toString(), "--db", db()).exitCode()).isZero();
    }

    @Test
    void textThatCannotStartAnIdIsRefusedSayingWhatARunIdIs() {
        for (String bad : List.of("xyz", "01a2-", "0194f3c2-7b1e-7c4d-9a8b-2f6e1d0c3b5a0", "0194f3c27b1e-7c4d")) {
            Command command = Command.run("show", bad, "--db", db());

            assertThat(command.exitCode()).as(command.toString()).isEqualTo(2);
            assertThat(command.err()).startsWith("loomflow: '" + bad + "' is not a run id; a run id is a UUID such as")
                    .contains("the first characters of a root run's id (0194f3c2), or 'last'").hasLineCount(1);
        }
    }

    @Test
    void lastIsTheNewestRootRunOrTheNewestOfTheFlowRunResumes() {
        assertThat(Command.run("show", "last", "--db", db()).out()).isEqualTo(Command.run("show", wideRun, "--db", db()).out());
        assertThat(Command.run("logs", "LAST", "--db", db()).out()).isEqualTo(Command.run("logs", wideRun, "--db", db()).out());

        Command resumed = run("run", "boom", "--resume", "last");

        assertThat(resumed.exitCode()).as(resumed.toString()).isEqualTo(1); // boom fails again, but it resumed boomRun
        Command wrongFlow = Command.run("run", "wide", "--resume", boomRun, "--db", db());
        assertThat(wrongFlow.err()).contains("is a run of flow 'boom'");
        Command wide = run("run", "wide", "--resume", "last", "-p", "failAt=0");
        assertThat(wide.exitCode()).as(wide.toString()).isZero();
        assertThat(wide.out()).isEqualTo("3\n");
    }

    @Test
    void lastWithoutARunOfTheFlowSaysThereIsNoneAndExitsTwo() {
        Command command = Command.run("run", "plain", "--resume", "last", "--db", db());
        assertThat(command.exitCode()).as(command.toString()).isEqualTo(2);
        assertThat(command.err()).startsWith("loomflow: there is no last run of flow 'plain': no run of it is recorded in"
                + " the run history at ").contains("start one with 'loomflow run plain'").hasLineCount(1);

        Command empty = Command.run("show", "last", "--db", directory.resolve("none").toString());
        assertThat(empty.exitCode()).as(empty.toString()).isEqualTo(2);
        assertThat(empty.err()).startsWith("loomflow: there is no last run: no run is recorded in").hasLineCount(1);
        assertThat(directory.resolve("none")).doesNotExist();
    }
}
