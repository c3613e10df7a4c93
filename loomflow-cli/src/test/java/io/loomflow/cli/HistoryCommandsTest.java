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
    void showPrintsTheRunItsChildrenCountedAndEachChildWithStateDurationAndFailure() {
        List<String> lines = ok("show", boomRun, "--db", db()).out().lines().toList();

        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).matches("boom  Failed  \\d+ ms  " + boomRun
                + "  io.loomflow.cli.flows.TestFlows\\$DiskFullException: block 7 could not be written");
        assertThat(lines.get(1)).isEqualTo("  parameters: {\"name\":\"x\"}");
        assertThat(lines.get(2)).isEqualTo("  children: 1 Failed");
        assertThat(lines.get(3)).matches("  write  Failed  \\d+ ms  [0-9a-f-]{36}  io.loomflow.cli.flows.TestFlows\\$DiskFullException:"
                + " block 7 could not be written");
    }

    @Test
    void showPrintsAMapOnOneLineAndPagesItsItemsWithTheCommandForTheNextPage() {
        List<String> lines = ok("show", manyRun, "--db", db()).out().lines().toList();

        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).startsWith("many  Completed  ");
        assertThat(lines.get(1)).isEqualTo("  parameters: {\"items\":25}");
        assertThat(lines.get(2)).isEqualTo("  children: 25 Completed");
        assertThat(lines.get(3)).matches("  map square: 25 items  25 Completed  100% ended  p50 \\d+ ms  p99 \\d+ ms  [0-9a-f-]{36}");
        String mapId = lines.get(3).substring(lines.get(3).length() - 36);
        assertThat(lines.get(4)).isEqualTo("  square  map of 25 items  " + mapId);

        List<String> items = ok("show", manyRun, "--map", mapId, "--limit", "10", "--db", db()).out().lines().toList();
        assertThat(items).hasSize(3 + 10 + 1);
        assertThat(items.subList(3, 13)).allSatisfy(line -> assertThat(line).matches("  square #\\d  Completed  .*"));
        assertThat(items.get(13)).matches("  15 more: loomflow show " + manyRun + " --map " + mapId + " --limit 10 --after \\S+");
        String cursor = items.get(13).substring(items.get(13).lastIndexOf(' ') + 1);
        List<String> next = ok("show", manyRun, "--map", mapId, "--limit", "10", "--after", cursor, "--db", db()).out().lines().toList();
        assertThat(next.get(3)).startsWith("  square #10  Completed  ");
        assertThat(ok("show", manyRun, "--map", mapId, "--state", "failed", "--db", db()).out().lines()).hasSize(3);
    }

    @Test
    void showRefusesAMapOfAnotherRunAndACursorItDidNotMake() {
        String mapId = ok("show", manyRun, "--db", db()).out().lines().toList().get(3).substring(0).replaceAll(".* ", "");

        assertThat(BadInputTest.badInput("show", boomRun, "--map", mapId, "--db", db()).err()).isEqualTo("loomflow: run "
                + boomRun + " has no map " + mapId + "; its maps are listed by 'loomflow show " + boomRun + "'\n");
        assertThat(BadInputTest.badInput("show", manyRun, "--after", "page-2", "--db", db()).err())
                .startsWith("loomflow: --after: ").contains("'page-2'");
        assertThat(BadInputTest.badInput("show", manyRun, "--map", "square", "--db", db()).err())
                .isEqualTo("loomflow: --map 'square' is not an id; a map id is on the map's line in 'loomflow show RUN'\n");
        assertThat(BadInputTest.badInput("show", manyRun, "--limit", "0", "--db", db()).err())
                .isEqualTo("loomflow: --limit was 0; pass a number from 1 to 1000, such as --limit 100\n");
    }

    @Test
    void showWithVerbosePrintsTheRecordedStackTraces() {
        assertThat(ok("show", boomRun, "--verbose", "--db", db()).out())
                .contains("    io.loomflow.cli.flows.TestFlows$DiskFullException: block 7 could not be written")
                .contains("Caused by: java.io.IOException: no space left on device");
    }

    @Test
    void logsOfALargeMapReadItsFailedItemsAndCountTheOthersOnStderr() {
        String doomed = Command.run("run", "doomed", "--param", "items=150", "--db", db(), "--progress", "plain").runId();

        Command logs = Command.run("logs", doomed, "--db", db());

        assertThat(logs.exitCode()).as(logs.toString()).isZero();
        assertThat(logs.out().lines()).hasSize(100).allSatisfy(line -> assertThat(line).matches(".*  fail +INFO +item \\d+ fails"));
        assertThat(logs.err()).matches("loomflow: left out the log lines of 50 items of map fail \\([0-9a-f-]{36}\\): of a map"
                + " of more than 100 items only the first 100 failed ones are read; list its items with 'loomflow show "
                + doomed + " --map [0-9a-f-]{36}' and read one with 'loomflow logs ITEM_ID'\n");
    }

    @Test
    void logsPrintsTheLinesOfTheRunAndItsDescendantsInOrder() {
        assertThat(ok("logs", greetRun, "--db", db()).out())
                .matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  say +INFO +greeting World\n");
        assertThat(ok("logs", boomRun, "--db", db()).out()).isEmpty();
    }
}
