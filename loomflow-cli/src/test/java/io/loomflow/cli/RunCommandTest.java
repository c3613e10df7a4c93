package io.loomflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.State;
import io.loomflow.store.RunQuery;
import io.loomflow.store.RunRecord;
import io.loomflow.store.RunStore;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code loomflow run}: a real engine, recorded in a real embedded store. */
class RunCommandTest {

    @TempDir
    Path directory;

    private String db() {
        return directory.resolve("history").toString();
    }

    @Test
    void aSuccessfulRunPrintsOneLinePerFinishedRunThenTheResultAsJsonAndExitsZero() {
        Command command = Command.run("run", "greet", "--param", "name=World", "--db", db(), "--progress", "plain",
                "--output", "text");

        assertThat(command.exitCode()).as(command.toString()).isZero();
        assertThat(command.err()).isEmpty();
        List<String> lines = command.out().lines().toList();
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  say +INFO +greeting World");
        assertThat(lines.get(1)).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  say +Completed +\\d+ ms");
        assertThat(lines.get(2)).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  greet +Completed +\\d+ ms");
        assertThat(lines.get(3)).matches("greet Completed in \\d+ ms; run [0-9a-f-]{36}");
        assertThat(lines.get(4)).isEqualTo("\"Hello, World!\"");
    }

    @Test
    void whenStdoutIsNoTerminalOnlyTheResultGoesThereAsJsonAndProgressAndTheRunIdToStderr() throws Exception {
        Command command = Command.run("run", "greet", "--param", "name=World", "--db", db(), "--progress", "plain");

        assertThat(command.exitCode()).as(command.toString()).isZero();
        assertThat(command.out()).isEqualTo("\"Hello, World!\"\n");
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(command.out()).asText()).isEqualTo("Hello, World!");
        List<String> lines = command.err().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  say +INFO +greeting World");
        assertThat(lines.get(3)).matches("greet Completed in \\d+ ms; run [0-9a-f-]{36}");
        assertThat(Command.run("run", "greet", "--param", "name=World", "--db", db(), "--output", "json").out())
                .isEqualTo(command.out());
    }

    @Test
    void inATerminalTheOutputIsTextUnlessJsonIsAsked() {
        Command text = Command.inATerminal("run", "greet", "--param", "name=World", "--db", db(), "--progress", "plain");
        Command json = Command.inATerminal("run", "greet", "--param", "name=World", "--db", db(), "--progress", "plain",
                "--output", "json");

        assertThat(text.exitCode()).as(text.toString()).isZero();
        assertThat(text.out()).containsPattern("say +Completed").containsPattern("greet Completed in \\d+ ms; run ")
                .endsWith("\n\"Hello, World!\"\n");
        assertThat(text.err()).isEmpty();
        assertThat(json.exitCode()).as(json.toString()).isZero();
        assertThat(json.out()).isEqualTo("\"Hello, World!\"\n");
        assertThat(json.err()).containsPattern("say +Completed").containsPattern("greet Completed in \\d+ ms; run ");
    }

    @Test
    void aFailedRunWithJsonOutputLeavesStdoutEmpty() {
        Command command = Command.run("run", "boom", "--param", "name=x", "--db", db(), "--progress", "plain");

        assertThat(command.exitCode()).as(command.toString()).isEqualTo(1);
        assertThat(command.out()).isEmpty();
        assertThat(command.err()).containsPattern("boom Failed in \\d+ ms; run [0-9a-f-]{36}")
                .contains("loomflow: flow 'boom' failed: ");
    }

    @Test
    void anOutputFormatThatDoesNotExistIsNamedWithTheOnesThatDo() {
        Command command = Command.run("run", "greet", "--param", "name=World", "--db", db(), "--output", "xml");

        assertThat(command.exitCode()).isEqualTo(2);
        assertThat(command.err().lines().findFirst().orElseThrow()).contains("--output").contains("'xml'")
                .containsIgnoringCase("json").containsIgnoringCase("text");
        assertThat(command.out()).isEmpty();
        assertThat(Path.of(db())).doesNotExist();
    }

    @Test
    void theRunIsRecordedWithItsChildrenUnderThePrintedRunId() {
        Command command = Command.run("run", "greet", "--param", "name=World", "--db", db(), "--progress", "plain");
        UUID id = UUID.fromString(command.runId());

        try (RunStore store = RunStore.embedded(Path.of(db()))) {
            RunRecord root = store.run(id).orElseThrow();
            assertThat(root.name()).isEqualTo("greet");
            assertThat(root.state()).isEqualTo(State.Kind.COMPLETED);
            assertThat(root.parameters()).isEqualTo("{\"name\":\"World\"}");
            assertThat(store.children(id)).singleElement().satisfies(child -> {
                assertThat(child.name()).isEqualTo("say");
                assertThat(child.state()).isEqualTo(State.Kind.COMPLETED);
            });
            assertThat(store.logs(store.children(id).getFirst().id())).singleElement()
                    .satisfies(line -> assertThat(line.message()).isEqualTo("greeting World"));
        }
    }

    @Test
    void aFailedRunPrintsASummaryNamingTheFailedRunsTheErrorAndItsCauseWithoutAStackTraceAndExitsOne() {
        Command command = Command.run("run", "boom", "--param", "name=x", "--db", db(), "--progress", "plain",
                "--output", "text");

        assertThat(command.exitCode()).as(command.toString()).isEqualTo(1);
        assertThat(command.out()).containsPattern("boom Failed in \\d+ ms; run [0-9a-f-]{36}");
        String id = command.runId();
        assertThat(command.err()).startsWith("loomflow: flow 'boom' failed: io.loomflow.cli.flows.TestFlows$DiskFullException:"
                + " block 7 could not be written\n");
        assertThat(command.err()).containsPattern("task 'write' \\(run [0-9a-f-]{36}\\): io.loomflow.cli.flows.TestFlows\\$DiskFullException:"
                + " block 7 could not be written");
        assertThat(command.err()).contains("flow 'boom' (run " + id + "): io.loomflow.cli.flows.TestFlows$DiskFullException");
        assertThat(command.err()).contains("caused by: java.io.IOException: no space left on device");
        assertThat(command.err()).contains("loomflow show " + id + "; add --verbose for the stack trace");
        assertThat(command.err()).doesNotContain("\tat ");
        try (RunStore store = RunStore.embedded(Path.of(db()))) {
            assertThat(store.run(UUID.fromString(id)).orElseThrow().state()).isEqualTo(State.Kind.FAILED);
        }
    }

    @Test
    void verboseAddsTheStackTraceToTheFailureSummary() {
        Command command = Command.run("run", "boom", "--param", "name=x", "--db", db(), "--progress", "plain", "--verbose");

        assertThat(command.exitCode()).isEqualTo(1);
        assertThat(command.err()).contains("\tat ").contains("Caused by: java.io.IOException: no space left on device");
    }

    @Test
    void aFlowWithoutAParameterTypeRunsWithNullParameters() {
        Command command = Command.run("run", "plain", "--db", db(), "--progress", "plain");

        assertThat(command.exitCode()).as(command.toString()).isZero();
        assertThat(command.out()).endsWith("\"no parameters\"\n");
    }

    @Test
    void theTerminalModeRedrawsOneStatusLineAndLeavesOnlyTheSummaryAndResult() {
        Command command = Command.run("run", "many", "--param", "items=20", "--db", db(), "--progress", "tty",
                "--output", "text");

        assertThat(command.exitCode()).as(command.toString()).isZero();
        assertThat(command.out()).contains("\r| many  ").containsPattern("\\d+ done · \\d+ running · 0 failed")
                .contains("\r\033[K");
        assertThat(command.out()).doesNotContain("square  ").doesNotContain("  Completed  ");
        assertThat(command.out()).containsPattern("\r\033\\[Kmany Completed in \\d+ ms; run [0-9a-f-]{36}\n2870\n$");
    }

    @Test
    void aRunWithManyChildrenIsRecordedCompletely() {
        Command command = Command.run("run", "many", "--param", "items=300", "--db", db(), "--progress", "plain",
                "--output", "text");

        assertThat(command.exitCode()).as(command.toString()).isZero();
        assertThat(command.out()).containsPattern("square +map of 300 items started\\n")
                .containsPattern("square +map of 300 items ended: 300 Completed +\\d+ m?s\\n");
        try (RunStore store = RunStore.embedded(Path.of(db()))) {
            assertThat(store.children(UUID.fromString(command.runId()))).hasSize(300)
                    .allSatisfy(child -> assertThat(child.state()).isEqualTo(State.Kind.COMPLETED));
            assertThat(store.runs(RunQuery.all().withRootsOnly())).hasSize(1);
        }
    }
}
