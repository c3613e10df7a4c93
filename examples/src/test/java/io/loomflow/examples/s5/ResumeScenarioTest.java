package io.loomflow.examples.s5;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.State;
import io.loomflow.cli.internal.Cli;
import io.loomflow.cli.internal.CliContext;
import io.loomflow.store.RunRecord;
import io.loomflow.store.RunStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resume scenario of the README, through the {@code loomflow} command: a run of {@code s5} fails
 * at one item; {@code --resume last -p failAt=0} reuses the items that completed (their persisted
 * results end Cached) and runs only the others.
 */
class ResumeScenarioTest {

    private static final Pattern RUN_ID = Pattern.compile("; run ([0-9a-f-]{36})");

    @TempDir
    Path directory;

    @Test
    void aResumedRunReusesTheItemsTheFailedRunCompletedAndRunsOnlyTheOthers() {
        String db = directory.resolve("history").toString();
        Result failed = loomflow("run", "s5", "-p", "items=20", "-p", "failAt=7", "--db", db, "--progress", "plain");
        assertThat(failed.exit()).as(failed.err()).isEqualTo(1);
        assertThat(failed.err()).contains("resume it with: loomflow run s5 --resume " + failed.runId());

        Result resumed = loomflow("run", "s5", "--resume", "last", "-p", "failAt=0", "--db", db, "--progress", "plain");

        assertThat(resumed.exit()).as(resumed.err()).isZero();
        String expected = IntStream.rangeClosed(1, 20).mapToObj(i -> String.valueOf(i * i + 1)).toList().toString();
        assertThat(resumed.out().replaceAll("\\s", "")).isEqualTo(expected.replaceAll("\\s", ""));
        try (RunStore store = RunStore.embedded(Path.of(db))) {
            List<RunRecord> before = processes(store, failed.runId());
            List<RunRecord> after = processes(store, resumed.runId());
            long completedBefore = before.stream().filter(r -> r.state() == State.Kind.COMPLETED).count();
            long cachedAfter = after.stream().filter(r -> r.state() == State.Kind.CACHED).count();
            assertThat(completedBefore).as("items done before item 7 failed").isPositive();
            assertThat(cachedAfter).as("every item the failed run completed is reused").isEqualTo(completedBefore);
            assertThat(after.stream().filter(r -> r.state() == State.Kind.COMPLETED).count())
                    .as("the others run").isEqualTo(20 - completedBefore);
            assertThat(resumed.err()).contains(cachedAfter + " Cached");
        }
    }

    @Test
    void aCountBelowItsMinimumIsRefusedBeforeAnythingRuns() {
        Result result = loomflow("run", "s5", "-p", "items=-5", "-p", "failAt=0", "--db",
                directory.resolve("history").toString());

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("parameter 'items': must be from 1 to 1000000, got -5").doesNotContain("\tat ");
        assertThat(result.out()).isEmpty();
    }

    private static List<RunRecord> processes(RunStore store, UUID root) {
        return store.children(root).stream().filter(run -> run.name().equals("process")).toList();
    }

    private record Result(int exit, String out, String err) {
        UUID runId() {
            Matcher matcher = RUN_ID.matcher(err);
            assertThat(matcher.find()).as("a run id in: " + err).isTrue();
            return UUID.fromString(matcher.group(1));
        }
    }

    private static Result loomflow(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int exit;
        try (var outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
             var errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            exit = Cli.run(args, CliContext.embedded(outStream, errStream));
        }
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
