package io.loomflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomflow.State;
import io.loomflow.store.PageQuery;
import io.loomflow.store.RunRecord;
import io.loomflow.store.RunStore;
import io.loomflow.store.StateRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loomflow server} as a user runs it, in a process of its own: it prints its address, serves
 * the flows the command finds, records runs started through the API into the store given with
 * {@code --db}, and on SIGTERM stops in order and exits 0.
 */
class ServerCommandTest {

    private static final String STOPPING = "loomflow: SIGTERM: stopping the server; runs in flight are cancelled"
            + " (again to quit at once)\n";

    @TempDir
    Path directory;

    private Path db() {
        return directory.resolve("history");
    }

    @Test
    void servesTheFlowsAndRecordsARunStartedThroughTheApiInTheStore() throws Exception {
        String id;
        try (ServerProcess server = ServerProcess.start(directory, Map.of(), "--db", db().toString())) {
            assertThat(server.firstLine()).as(server.err())
                    .matches("Loomflow server at http://127\\.0\\.0\\.1:\\d+/ \\(13 flows; Ctrl-C to stop\\)");

            ServerProcess.Response health = server.get("/api/health", null);
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.json().path("status").asText()).isEqualTo("ok");
            ServerProcess.Response started = server.post("/api/flows/greet/runs", "{\"name\":\"World\"}", null);
            assertThat(started.status()).as(started.body()).isEqualTo(202);
            id = started.json().path("id").asText();
            JsonNode run = server.awaitState(id, "Completed", null);
            assertThat(run.path("result").asText()).isEqualTo("Hello, World!");
            Command whileServing = Command.run("runs", "--db", db().toString());
            assertThat(whileServing.out()).as("the store can be read while the server runs: " + whileServing)
                    .containsPattern(id + " +greet +Completed");

            assertThat(server.terminate()).as(server.err()).isZero();
            assertThat(server.err()).isEqualTo(STOPPING);
            assertThat(server.restOfOut()).isEmpty();
        }
        Command runs = Command.run("runs", "--db", db().toString());
        assertThat(runs.exitCode()).as(runs.toString()).isZero();
        assertThat(runs.out()).containsPattern(id + " +greet +Completed");
    }

    @Test
    void sigtermCancelsTheRunsInFlightAndRecordsThemCancelled() throws Exception {
        String id;
        try (ServerProcess server = ServerProcess.start(directory, Map.of(), "--db", db().toString())) {
            id = server.post("/api/flows/sleepy/runs", "{\"seconds\":60}", null).json().path("id").asText();
            awaitRunningChild(server, id);

            assertThat(server.terminate()).as(server.err()).isZero();
            assertThat(server.err()).isEqualTo(STOPPING);
        }
        try (RunStore store = RunStore.embedded(db())) {
            RunRecord root = store.run(UUID.fromString(id)).orElseThrow();
            assertThat(root.state()).as("recorded while the store was still open, not Crashed when it closed")
                    .isEqualTo(State.Kind.CANCELLED);
            assertThat(store.children(root.id(), PageQuery.first(10)).entries()).singleElement()
                    .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.type(RunRecord.class))
                    .satisfies(child -> assertThat(child.state()).isEqualTo(State.Kind.CANCELLED));
        }
    }

    private static void awaitRunningChild(ServerProcess server, String id) throws InterruptedException {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (!server.get("/api/runs/" + id + "/children", null).json().path("nodes").path(0).path("run").path("state").asText().equals("Running")) {
            assertThat(System.nanoTime()).as("the sleep task of run " + id + " runs within 30 s").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void aTokenFromLoomflowTokenIsPrintedInTheAddressAndAskedOfEveryRequestButTheHealthCheck() throws Exception {
        String token = "s3cret-t0ken-0123456789";
        try (ServerProcess server = ServerProcess.start(directory, Map.of("LOOMFLOW_TOKEN", token),
                "--db", db().toString())) {
            assertThat(server.address().getQuery()).isEqualTo("token=" + token);
            assertThat(server.address().getPath()).isEqualTo("/");

            assertThat(server.get("/api/health", null).status()).isEqualTo(200);
            ServerProcess.Response refused = server.get("/api/flows", null);
            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.body()).contains("Authorization: Bearer TOKEN");
            assertThat(server.post("/api/flows/greet/runs", "{\"name\":\"x\"}", "wrong-token-0123456789").status())
                    .isEqualTo(401);
            ServerProcess.Response flows = server.get("/api/flows", token);
            assertThat(flows.status()).isEqualTo(200);
            assertThat(flows.json().path("flows")).extracting(flow -> flow.path("name").asText())
                    .containsExactlyInAnyOrder("greet", "boom", "flaky", "typed", "tuned", "plain", "many", "sleepy",
                            "wide", "doomed", "fanout", "stubborn", "knobs");
            String id = server.post("/api/flows/greet/runs", "{\"name\":\"x\"}", token).json().path("id").asText();
            server.awaitState(id, "Completed", token);

            assertThat(server.terminate()).as(server.err()).isZero();
        }
    }

    @Test
    void aRunStartedThroughTheServerCachesItsPersistedResultsSoThatLoomflowRunCanResumeIt() throws Exception {
        Path marker = directory.resolve("marker");
        String failed;
        try (ServerProcess server = ServerProcess.start(directory, Map.of(), "--db", db().toString())) {
            failed = server.post("/api/flows/flaky/runs", "{\"marker\":\"" + marker + "\"}", null).json().path("id").asText();
            server.awaitState(failed, "Failed", null);
            assertThat(server.terminate()).as(server.err()).isZero();
        }
        assertThat(db().resolve("results")).as("the results directory of 'loomflow run'").isDirectory();

        Files.writeString(marker, "now it exists");
        Command resumed = Command.run("run", "flaky", "--resume", failed, "--db", db().toString(), "--progress", "plain");

        assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
        try (RunStore store = RunStore.embedded(db())) {
            RunRecord prepare = store.children(UUID.fromString(resumed.runId())).stream()
                    .filter(child -> child.name().equals("prepare")).findFirst().orElseThrow();
            assertThat(prepare.history()).as("prepare's result, persisted by the server's run, is reused")
                    .extracting(StateRecord::state).containsExactly("Scheduled", "Cached");
        }
    }

    @Test
    void insecureServesEveryAddressWithoutATokenAndWarnsOnce() throws Exception {
        try (ServerProcess server = ServerProcess.start(directory, Map.of(), "--host", "0.0.0.0", "--insecure",
                "--db", db().toString())) {
            assertThat(server.firstLine()).as(server.err()).matches("Loomflow server at http://0\\.0\\.0\\.0:\\d+/ .*");
            assertThat(server.get("/api/flows", null).status()).isEqualTo(200);

            assertThat(server.terminate()).as(server.err()).isZero();
            assertThat(server.err()).isEqualTo("loomflow: warning: --insecure: serving 0.0.0.0 without a token; anyone who"
                    + " reaches it can start flows and read their runs (pass --token to ask for one)\n" + STOPPING);
        }
    }
}
