package io.loomflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loomflow run} shows a map of more than ten items in a number of lines that does not grow
 * with its items, in both progress modes, and so does its failure summary; a map of ten or fewer
 * still gets a line per item.
 */
class LargeMapOutputTest {

    private static final String CLOCK = "\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  ";

    @TempDir
    Path directory;

    private Command run(String... arguments) {
        String[] withDb = java.util.stream.Stream.concat(java.util.Arrays.stream(arguments),
                java.util.stream.Stream.of("--db", directory.resolve("history").toString(), "--output", "text")).toArray(String[]::new);
        return Command.run(withDb);
    }

    /** The lines of counts a map prints while it runs, at most one a second: no more than its run took seconds, plus one. */
    private static long countLines(List<String> lines) {
        return lines.stream().filter(line -> line.matches(CLOCK + "item +map of 1000 items: .*")).count();
    }

    @Test
    void aFailingMapOfAThousandItemsPrintsItsStartTheFirstFailuresAndItsFinalCountsInPlainMode() {
        Command command = run("run", "wide", "--param", "items=1000", "--param", "fail-at=500", "--progress", "plain");

        assertThat(command.exitCode()).as(command.toString()).isEqualTo(1);
        List<String> lines = command.out().lines().toList();
        assertThat(lines).as(command.toString()).hasSizeLessThanOrEqualTo(6 + 10)
                .filteredOn(line -> !line.matches(CLOCK + "item +map of 1000 items: .*"))
                .satisfiesExactly(
                        line -> assertThat(line).matches(CLOCK + "item +map of 1000 items started"),
                        line -> assertThat(line).matches(CLOCK + "detail +Failed +\\d+ ms  .*ItemFailedException: item 500 could not be read"),
                        line -> assertThat(line).matches(CLOCK + "item +Failed +\\d+ ms  .*ItemFailedException: item 500 could not be read"),
                        line -> assertThat(line).matches(CLOCK + "item +map of 1000 items ended: (\\d+ Completed · )?1 Failed"
                                + "( · \\d+ Cancelled)? +[0-9.]+ m?s"),
                        line -> assertThat(line).matches(CLOCK + "wide +Failed +.*ItemFailedException: item 500 could not be read"),
                        line -> assertThat(line).matches("wide Failed in .*; run [0-9a-f-]{36}"));
        assertThat(countLines(lines)).isLessThanOrEqualTo(10);
        String ended = lines.get(lines.size() - 3);
        assertThat(ended).doesNotContain("not shown");
        assertThat(command.err().lines()).hasSizeLessThanOrEqualTo(10);
    }

    @Test
    void aMapWhoseThousandItemsAllFailPrintsThreeOfThemAndCountsTheRestAndItsLogLinesInPlainMode() {
        Command command = run("run", "doomed", "--param", "items=1000", "--progress", "plain");

        assertThat(command.exitCode()).as(command.toString()).isEqualTo(1);
        List<String> lines = command.out().lines().toList();
        assertThat(lines.stream().filter(line -> line.matches(CLOCK + "fail +Failed .*"))).hasSize(3);
        assertThat(lines.stream().filter(line -> line.matches(CLOCK + "fail +INFO +item \\d+ fails"))).hasSize(10);
        assertThat(lines).anySatisfy(line -> assertThat(line).matches(CLOCK + "fail +map of 1000 items ended: 1000 Failed +[0-9.]+ m?s;"
                + " 997 more failed runs not shown \\(loomflow show [0-9a-f-]{36}\\); 990 log lines not shown"
                + " \\(loomflow logs [0-9a-f-]{36}\\)"));
        assertThat(lines).as(command.toString()).hasSizeLessThanOrEqualTo(18 + 10);
        // the summary names the first ten failed runs and counts the others, the root among them
        assertThat(command.err()).contains("    ... and 991 more\n");
        assertThat(command.err().lines()).hasSizeLessThanOrEqualTo(20);
    }

    @Test
    void aMapWhoseThousandItemsAllFailPrintsThreeOfThemAboveTheStatusLineInTerminalMode() {
        Command command = run("run", "doomed", "--param", "items=1000", "--progress", "tty");

        assertThat(command.exitCode()).as(command.toString()).isEqualTo(1);
        // Lines that stay on the screen end in a line feed; the status line is redrawn in place.
        List<String> kept = java.util.Arrays.stream(command.out().split("\n"))
                .map(line -> line.replaceAll("(?s)^.*\r\033\\[K", "")).toList();
        assertThat(kept.stream().filter(line -> line.matches(CLOCK + "fail +Failed .*"))).hasSize(3);
        assertThat(kept.stream().filter(line -> line.matches(CLOCK + "fail +INFO +item \\d+ fails"))).hasSize(10);
        assertThat(kept).as(command.toString()).hasSize(3 + 10 + 2);
    }

    @Test
    void aMapOfTenItemsStillPrintsALinePerItemAndPerRunBelowIt() {
        Command command = run("run", "wide", "--param", "items=10", "--param", "fail-at=0", "--progress", "plain");

        assertThat(command.exitCode()).as(command.toString()).isZero();
        List<String> lines = command.out().lines().toList();
        assertThat(lines.stream().filter(line -> line.matches(CLOCK + "item +Completed .*"))).hasSize(10);
        assertThat(lines.stream().filter(line -> line.matches(CLOCK + "detail +Completed .*"))).hasSize(10);
        assertThat(lines).noneSatisfy(line -> assertThat(line).contains("map of"));
    }
}
