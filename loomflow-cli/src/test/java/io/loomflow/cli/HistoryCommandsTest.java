package io.loomflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** runs, show and logs read what run recorded. */
class HistoryCommandsTest {

    @TempDir
    Path directory;

    private String greetRun;
    private String boomRun;
    private String manyRun;

    private String db() {
        return directory.resolve("history").toString();
    }

    private String run(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--db", db(), "--progress", "plain"));
        return Command.run(all.toArray(String[]::new)).runId();
    }

    @BeforeEach
    void recordThreeRuns() {
        greetRun = run("run", "greet", "--param", "name=World");
        boomRun = run("run", "boom", "--param", "name=x");
        manyRun = run("run", "many", "--param", "items=25");
    }

    private static Command ok(String... args) {
        Command command = Command.run(args);
        assertThat(command.exitCode()).as(command.toString()).isZero();
        assertThat(command.err()).as(command.toString()).isEmpty();
        return command;
    }

    @Test
    void runsListsTheRootRunsNewestFirstAsATable() {
        List<String> lines = ok("runs", "--db", db()).out().lines().toList();

        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).isEqualTo("ID                                    FLOW   STATE      CREATED              DURATION");
        assertThat(lines.get(1)).matches(manyRun + "  many   Completed  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d  \\d+ ms");
        assertThat(lines.get(2)).startsWith(boomRun + "  boom   Failed     ");
        assertThat(lines.get(3)).startsWith(greetRun + "  greet  Completed  ");
    }

    @Test
    void runsFiltersByStateFlowAndLimitAndAllIncludesTheRunsBelowTheRoots() {
        assertThat(ok("runs", "--state", "failed", "--db", db()).out().lines().skip(1)).singleElement()
                .satisfies(line -> assertThat(line).startsWith(boomRun));
        assertThat(ok("runs", "--flow", "greet", "--db", db()).out().lines().skip(1)).singleElement()
                .satisfies(line -> assertThat(line).startsWith(greetRun));
        assertThat(ok("runs", "--limit", "2", "--db", db()).out().lines().skip(1)).hasSize(2);
        assertThat(ok("runs", "--all", "--flow", "square", "--limit", "100", "--db", db()).out().lines().skip(1)).hasSize(25);
        assertThat(ok("runs", "--all", "--db", db()).out().lines().findFirst().orElseThrow()).contains("NAME");
        assertThat(ok("runs", "--state", "Crashed", "--db", db()).out()).isEqualTo("No runs match in the run history at "
                + Path.of(db()).toAbsolutePath() + ".\n");
    }

    @Test
    void runsOnAStoreThatDoesNotExistSaysSoWithoutCreatingIt() {
        Path missing = directory.resolve("nothing-here");

        assertThat(ok("runs", "--db", missing.toString()).out()).isEqualTo("No runs recorded in the run history at " + missing
                + " yet; start one with 'loomflow run FLOW'.\n");
        assertThat(missing).doesNotExist();
    }

    @Test
    void showPrintsTheRunTreeIndentedWithStatesDurationsAndTheFailure() {
        List<String> lines = ok("show", boomRun, "--db", db()).out().lines().toList();

        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).matches("boom  Failed  \\d+ ms  " + boomRun
                + "  io.loomflow.cli.flows.TestFlows\\$DiskFullException: block 7 could not be written");
        assertThat(lines.get(1)).isEqualTo("  parameters: {\"name\":\"x\"}");
        assertThat(lines.get(2)).matches("  write  Failed  \\d+ ms  [0-9a-f-]{36}  io.loomflow.cli.flows.TestFlows\\$DiskFullException:"
                + " block 7 could not be written");
    }

    @Test
    void showGroupsManyChildrenShowingTheFirstFewAndCountingTheRest() {
        List<String> lines = ok("show", manyRun, "--children", "3", "--db", db()).out().lines().toList();

        assertThat(lines).hasSize(6);
        assertThat(lines.get(0)).startsWith("many  Completed  ");
        assertThat(lines.get(1)).isEqualTo("  parameters: {\"items\":25}");
        assertThat(lines.subList(2, 5)).allSatisfy(line -> assertThat(line).startsWith("  square  Completed  "));
        assertThat(lines.get(5)).isEqualTo("  ... 22 more: square: 22 Completed");
        assertThat(ok("show", manyRun, "--db", db()).out().lines()).hasSize(2 + 10 + 1);
    }

    @Test
    void showWithVerbosePrintsTheRecordedStackTraces() {
        assertThat(ok("show", boomRun, "--verbose", "--db", db()).out())
                .contains("    io.loomflow.cli.flows.TestFlows$DiskFullException: block 7 could not be written")
                .contains("Caused by: java.io.IOException: no space left on device");
    }

    @Test
    void logsPrintsTheLinesOfTheRunAndItsDescendantsInOrder() {
        assertThat(ok("logs", greetRun, "--db", db()).out())
                .matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  say +INFO +greeting World\n");
        assertThat(ok("logs", boomRun, "--db", db()).out()).isEmpty();
    }
}
