package io.loomflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.State;
import io.loomflow.cli.flows.TestFlows;
import io.loomflow.store.RunRecord;
import io.loomflow.store.RunStore;
import io.loomflow.store.StateRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code loomflow run FLOW --resume RUN}: the completed tasks' persisted results are reused. */
class ResumeCommandTest {

    @TempDir
    Path directory;

    private String db() {
        return directory.resolve("history").toString();
    }

    @Test
    void resumingAFailedRunReusesThePersistedResultsAndTheRecordedParameters() throws Exception {
        Path marker = directory.resolve("marker");
        int before = TestFlows.PREPARED.get();
        Command failed = Command.run("run", "flaky", "--param", "marker=" + marker, "--db", db(), "--progress", "plain");
        assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(1);
        String failedId = failed.runId();
        assertThat(failed.err()).contains("resume it with: loomflow run flaky --resume " + failedId);

        Files.writeString(marker, "now it exists");
        Command resumed = Command.run("run", "flaky", "--resume", failedId, "--db", db(), "--progress", "plain");

        assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
        assertThat(resumed.out()).contains("\"prepared " + marker + ", finished\"");
        assertThat(TestFlows.PREPARED.get() - before).as("prepare ran once, in the failed run").isEqualTo(1);
        UUID id = UUID.fromString(resumed.runId());
        assertThat(id).isNotEqualTo(UUID.fromString(failedId));
        try (RunStore store = RunStore.embedded(Path.of(db()))) {
            assertThat(store.run(id).orElseThrow().parameters()).isEqualTo("{\"marker\":\"" + marker + "\"}");
            RunRecord prepare = store.children(id).stream().filter(c -> c.name().equals("prepare")).findFirst().orElseThrow();
            assertThat(prepare.history()).extracting(StateRecord::state).containsExactly("Scheduled", "Cached");
            assertThat(store.children(id).stream().filter(c -> c.name().equals("finish")).findFirst().orElseThrow().state())
                    .isEqualTo(State.Kind.COMPLETED);
        }
        assertThat(directory.resolve("history").resolve("results")).isDirectory();
    }

    @Test
    void resumingWithAParamKeepsTheOtherRecordedParameters() throws Exception {
        Command failed = Command.run("run", "wide", "-p", "items=5", "-p", "fail-at=3", "--db", db(), "--progress", "plain");
        assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(1);

        Command resumed = Command.run("run", "wide", "--resume", failed.runId(), "-p", "failAt=0", "--db", db(),
                "--progress", "plain");

        assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
        assertThat(resumed.out()).isEqualTo("5\n");
        try (RunStore store = RunStore.embedded(Path.of(db()))) {
            assertThat(store.run(UUID.fromString(resumed.runId())).orElseThrow().parameters())
                    .isEqualTo("{\"items\":5,\"failAt\":0}");
        }
    }

    @Test
    void aBadParamOverTheRecordedOnesNamesItAndExitsTwo() {
        String failed = Command.run("run", "wide", "-p", "items=5", "-p", "failAt=3", "--db", db(), "--progress", "plain")
                .runId();

        Command command = Command.run("run", "wide", "--resume", failed, "-p", "failAt=x", "--db", db());

        assertThat(command.exitCode()).as(command.toString()).isEqualTo(2);
        assertThat(command.err()).contains("parameter 'failAt'").contains("\"x\"")
                .contains("over the parameters run " + failed + " recorded").doesNotContain("\tat ");
    }

    @Test
    void parametersThatCannotBeReadBackAreRefusedUnlessEveryOneIsGivenAgain() {
        UUID id = UUID.randomUUID();
        java.time.Instant at = java.time.Instant.now();
        try (RunStore store = RunStore.embedded(Path.of(db()))) {
            store.write(java.util.List.of(new io.loomflow.Event.StateChange(1, at, new io.loomflow.RunInfo(id, null, id,
                    "wide", io.loomflow.RunInfo.Kind.FLOW, "not a record", at), null, new State.Scheduled())));
        }

        Command refused = Command.run("run", "wide", "--resume", id.toString(), "--db", db());
        Command given = Command.run("run", "wide", "--resume", id.toString(), "-p", "items=2", "-p", "failAt=0", "--db", db());

        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
        assertThat(refused.err()).isEqualTo("loomflow: the parameters run " + id + " recorded, \"not a record\", cannot be"
                + " read back; give them with --param\n");
        assertThat(given.exitCode()).as(given.toString()).isZero();
        assertThat(given.out()).isEqualTo("2\n");
    }

    @Test
    void resumingAnUnknownRunSaysSoAndExitsTwo() {
        Command.run("run", "greet", "--param", "name=x", "--db", db(), "--progress", "plain");
        UUID unknown = UUID.randomUUID();
        Command command = Command.run("run", "greet", "--resume", unknown.toString(), "--db", db());
        assertThat(command.exitCode()).isEqualTo(2);
        assertThat(command.err()).contains("no run " + unknown + " in the run history at");
    }

    @Test
    void resumingARunOfAnotherFlowNamesItsFlow() {
        String greet = Command.run("run", "greet", "--param", "name=x", "--db", db(), "--progress", "plain").runId();
        Command command = Command.run("run", "flaky", "--resume", greet, "--db", db());
        assertThat(command.exitCode()).isEqualTo(2);
        assertThat(command.err()).contains("run " + greet + " is a run of flow 'greet', not of 'flaky'; run: loomflow run"
                + " greet --resume " + greet);
    }

    @Test
    void resumingATaskRunPointsToItsRoot() {
        String greet = Command.run("run", "greet", "--param", "name=x", "--db", db(), "--progress", "plain").runId();
        UUID task;
        try (RunStore store = RunStore.embedded(Path.of(db()))) {
            task = store.children(UUID.fromString(greet)).getFirst().id();
        }
        Command command = Command.run("run", "greet", "--resume", task.toString(), "--db", db());
        assertThat(command.exitCode()).isEqualTo(2);
        assertThat(command.err()).contains("run " + task + " is a task run of 'say' inside another run; resume its root run "
                + greet);
    }
}
