package io.loomflow.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomflow.store.RunStore;
import io.loomflow.store.contract.Postgres;
import io.loomflow.workers.WorkQueue;
import io.loomflow.workers.Worker;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A server given a work queue runs nothing itself: a run started through the API is queued, a worker
 * runs it, and the server reads it from the history the worker records in the same PostgreSQL; it
 * lists the workers and the queues.
 */
class WorkersModeTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    @Test
    void aRunPostedIsQueuedRunByAWorkerAndReadCompletedFromTheHistory() throws SQLException {
        try (WorkQueue queue = WorkQueue.connect(POSTGRES.url());
             Worker worker = Worker.builder().database(POSTGRES.url()).name("test-worker <b>").flows(TestFlows.PING)
                     .gracePeriod(Duration.ofSeconds(5)).build().start();
             LoomflowServer server = LoomflowServer.builder().flow(TestFlows.PING).store(RunStore.open(POSTGRES.url()))
                     .queue(queue).port(0).build().start()) {
            Http http = new Http(server.uri());

            Http.Response started = http.post("/api/flows/ping/runs", "{\"times\":2}");
            assertThat(started.status()).as(started.text()).isEqualTo(202);
            String id = started.json().path("id").asText();

            // The history has no event to wait on from here: ask for the run until the worker has ended it.
            JsonNode run = await().atMost(Duration.ofSeconds(30)).until(() -> {
                Http.Response read = http.get("/api/runs/" + id);
                return read.status() == 200 ? read.json() : null;
            }, found -> found != null && found.path("final").asBoolean());
            assertThat(run.path("state").asText()).isEqualTo("Completed");
            assertThat(run.path("result").asText()).isEqualTo("pongpong");
            try (Connection connection = POSTGRES.connect();
                 PreparedStatement statement = connection.prepareStatement("SELECT state, owner FROM lf_queue WHERE id = ?")) {
                statement.setObject(1, UUID.fromString(id));
                try (ResultSet row = statement.executeQuery()) {
                    assertThat(row.next()).as("queued, not run by the server").isTrue();
                    assertThat(row.getString("state")).isEqualTo("completed");
                    assertThat(row.getObject("owner", UUID.class)).as("ended by the worker").isEqualTo(worker.id());
                }
            }

            JsonNode workers = http.get("/api/workers").json().path("workers");
            JsonNode listed = null;
            for (JsonNode each : workers) {
                listed = each.path("id").asText().equals(worker.id().toString()) ? each : listed;
            }
            assertThat(listed).as(workers.toString()).isNotNull();
            assertThat(listed.path("name").asText()).isEqualTo("test-worker <b>");
            assertThat(listed.path("alive").asBoolean()).isTrue();
            assertThat(listed.path("flows").toString()).contains("\"ping\"");
            assertThat(listed.path("queues").toString()).isEqualTo("[\"default\"]");

            Http.Response queues = http.get("/api/queues");
            assertThat(queues.status()).isEqualTo(200);
            assertThat(queues.json().path("queues").isArray()).isTrue();

            Http.Response page = http.get("/workers");
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.text()).contains("test-worker &lt;b&gt;").doesNotContain("test-worker <b>")
                    .contains("<a href=\"/workers\">Workers</a>");
        }
    }

    @Test
    void aFlowNoLiveWorkerRunsIsRefusedWithTheFlowsTheWorkersRun() {
        try (WorkQueue queue = WorkQueue.connect(POSTGRES.url());
             Worker worker = Worker.builder().database(POSTGRES.url()).flows(TestFlows.GREET).build().start();
             LoomflowServer server = LoomflowServer.builder().flows(TestFlows.all()).store(RunStore.open(POSTGRES.url()))
                     .queue(queue).port(0).build().start()) {
            Http.Response refused = new Http(server.uri()).post("/api/flows/table/runs", "{\"rows\":1}");

            assertThat(refused.status()).as(refused.text()).isEqualTo(409);
            assertThat(refused.json().path("error").asText()).contains("'table'", "greet (queue default)");
        }
    }

    @Test
    void aServerThatRunsFlowsItselfHasNoWorkersToList() {
        try (LoomflowServer server = LoomflowServer.builder().flows(TestFlows.all()).port(0).build().start()) {
            Http http = new Http(server.uri());

            assertThat(http.get("/api/workers").status()).isEqualTo(404);
            assertThat(http.get("/api/queues").status()).isEqualTo(404);
            assertThat(http.get("/workers").text()).contains("runs its flows itself", "--workers");
        }
    }
}
