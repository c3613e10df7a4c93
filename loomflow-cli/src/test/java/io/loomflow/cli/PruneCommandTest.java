package io.loomflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.store.contract.FillingDisk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code loomflow prune} on the embedded store: what it deletes and keeps, its dry run, and what it refuses. */
class PruneCommandTest {

    @TempDir
    Path directory;

    private String db() {
        return directory.resolve("history").toString();
    }

    private Command command(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--db", db()));
        return Command.run(all.toArray(String[]::new));
    }

    private List<String> recordRuns(int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(command("run", "many", "--param", "items=20", "--progress", "plain").runId());
        }
        return ids;
    }

    private List<String> roots() {
        Command runs = command("runs", "--limit", "100");
        assertThat(runs.exitCode()).as(runs.toString()).isZero();
        return runs.out().lines().skip(1).map(line -> line.substring(0, 36)).toList();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--older-than 30x       | --older-than '30x' is not an age; pass a whole number and a unit s, m, h, d or w, such as 30d or 12h",
            "--older-than -5d       | --older-than '-5d' is negative; pass a whole number and a unit s, m, h, d or w, such as 30d or 12h",
            "--keep -1              | --keep '-1' is not a number of runs; pass 0 or more, such as --keep 100",
            "--keep ten             | --keep 'ten' is not a number of runs; pass 0 or more, such as --keep 100",
            "--dry-run              | prune needs a condition: --older-than AGE, --keep N or both, such as 'loomflow prune --older-than 30d' or 'loomflow prune --keep 100'",
            "--older-than --keep    | --older-than needs an age; pass a whole number and a unit s, m, h, d or w, such as 30d or 12h ('--older-than 30d')",
            "--keep 5 --older-than  | --older-than needs an age; pass a whole number and a unit s, m, h, d or w, such as 30d or 12h ('--older-than 30d')"})
    void badInputIsOneLineNamingTheValueWithAnExampleAndExit2(String args, String message) {
        recordRuns(1);

        Command refused = command(Stream.concat(Stream.of("prune"), Stream.of(args.split(" "))).toArray(String[]::new));

        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
        assertThat(refused.err()).isEqualTo("loomflow: " + message + "\n");
        assertThat(refused.out()).isEmpty();
        assertThat(roots()).hasSize(1);
    }

    @Test
    void aStoreThatDoesNotExistHasNothingToPruneAndIsNotCreated() {
        Command command = command("prune", "--keep", "0");

        assertThat(command.exitCode()).as(command.toString()).isZero();
        assertThat(command.out()).isEqualTo("No runs recorded in the run history at " + Path.of(db()).toAbsolutePath()
                + "; nothing to prune.\n");
        assertThat(Path.of(db())).doesNotExist();
    }

    @Test
    void aDryRunCountsWhatWouldGoAndDeletesNothing() {
        List<String> ids = recordRuns(3);

        Command command = command("prune", "--keep", "1", "--dry-run");

        assertThat(command.exitCode()).as(command.toString()).isZero();
        assertThat(command.out()).isEqualTo("dry run: would delete 2 root runs with every run below them\n");
        assertThat(roots()).containsExactlyInAnyOrderElementsOf(ids);
    }

    /** Needs the embedded store's prune. */
    @Test
    void pruneDeletesTheOlderRootsWithTheirTreesAndKeepsTheNewest() {
        List<String> ids = recordRuns(3);

        Command command = command("prune", "--keep", "1", "--older-than", "0s");

        assertThat(command.exitCode()).as(command.toString()).isZero();
        assertThat(command.err()).isEmpty();
        // each tree: the flow and its 20 items
        assertThat(command.out()).isEqualTo("deleted 2 root runs, 42 runs in all\n");
        assertThat(roots()).containsExactly(ids.getLast());
        assertThat(command("runs", "--all", "--limit", "100").out().lines().skip(1)).hasSize(21);
        assertThat(command("show", ids.getFirst()).exitCode()).isEqualTo(2);
    }

    @Test
    void aStoreThatCannotBeWrittenIsAClearErrorWithExit1AndLosesNothing() throws Exception {
        // H2's file on a disk that fills while a marker file exists: root ignores file permissions,
        // so a full disk is the store that cannot be written that every machine can make.
        FillingDisk.register();
        String url = "jdbc:h2:" + FillingDisk.SCHEME + ":" + directory.resolve("history");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            ids.add(Command.run("run", "many", "--param", "items=20", "--progress", "plain", "--db", url).runId());
        }
        Path full = directory.resolve(FillingDisk.FULL);
        Files.writeString(full, "");
        Command command;
        try {
            command = Command.run("prune", "--keep", "0", "--db", url);
        } finally {
            Files.delete(full);
        }

        assertThat(command.exitCode()).as(command.toString()).isEqualTo(1);
        assertThat(command.err()).startsWith("loomflow: could not prune the run history at " + url)
                .contains("Make the store writable (or free space) and run prune again").doesNotContain("\tat ");
        assertThat(command.err().lines()).hasSize(1);
        Command runs = Command.run("runs", "--limit", "100", "--db", url);
        assertThat(runs.out().lines().skip(1).map(line -> line.substring(0, 36))).containsExactlyInAnyOrderElementsOf(ids);
        Command shown = Command.run("show", ids.getFirst(), "--db", url);
        assertThat(shown.exitCode()).as(shown.toString()).isZero();
        assertThat(shown.out()).contains("20 Completed");
    }
}
