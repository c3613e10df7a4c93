package io.loomflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomflow.store.RunStore;
import io.loomflow.store.contract.Postgres;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/runs/{id}/lineage} on a server recording to the embedded store and to PostgreSQL: a run's
 * datasets read and written, by run and node, page by page, and the errors of a bad request.
 */
class LineageApiTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    @TempDir
    Path folder;

    @Test
    void theEmbeddedStoresLineageIsServed() {
        servesTheLineage(RunStore.embedded(folder));
    }

    @Test
    void aPostgresStoresLineageIsServed() {
        servesTheLineage(RunStore.open(POSTGRES.url()));
    }

    private static void servesTheLineage(RunStore store) {
        try (LoomflowServer server = LoomflowServer.builder().flow(TestLineage.flow()).store(store).port(0).build()
                .start()) {
            Http http = new Http(server.uri());
            String id = http.post("/api/flows/" + TestLineage.NAME + "/runs", "{\"parts\":120}").json().path("id")
                    .asText();
            assertThat(http.awaitEnd(id).path("state").asText()).isEqualTo("Completed");

            JsonNode first = http.get("/api/runs/" + id + "/lineage?limit=50").json();
            assertThat(first.path("id").asText()).isEqualTo(id);
            assertThat(first.path("limit").asInt()).isEqualTo(50);
            assertThat(first.path("next").asText()).startsWith("/api/runs/" + id + "/lineage?limit=50&after=");
            List<JsonNode> all = new ArrayList<>();
            first.path("accesses").forEach(all::add);
            String next = first.path("next").asText();
            while (!next.isEmpty() && !next.equals("null")) {
                JsonNode page = http.get(next).json();
                page.path("accesses").forEach(all::add);
                next = page.path("next").isNull() ? "" : page.path("next").asText();
            }
            assertThat(all).hasSize(120 + 3);
            assertThat(all).extracting(access -> access.path("sequence").asLong()).isSorted().doesNotHaveDuplicates();

            JsonNode read = all.getFirst();
            String node = read.path("parentId").asText();
            assertThat(read.path("runName").asText()).isEqualTo("load raw");
            assertThat(read.path("parentName").asText()).isEqualTo("clean");
            assertThat(read.path("access").asText()).isEqualTo("read");
            assertThat(read.path("dataset").asText()).isEqualTo("raw");
            assertThat(read.path("version").asText()).isEqualTo("v1");
            assertThat(read.path("location").asText()).isEqualTo("file:///data/raw.csv");
            assertThat(read.path("at").asText()).isNotEmpty();
            JsonNode wrote = all.get(1);
            assertThat(wrote.path("access").asText()).isEqualTo("write");
            assertThat(wrote.path("dataset").asText()).isEqualTo("clean");
            assertThat(all.get(2).path("version").isNull()).isTrue();
            assertThat(all.get(2).path("parentName").asText()).isEqualTo(TestLineage.NAME);
            JsonNode hostile = all.getLast();
            assertThat(hostile.path("dataset").asText()).isEqualTo(TestLineage.HOSTILE);
            assertThat(hostile.path("location").asText()).isEqualTo(TestLineage.HOSTILE_LOCATION);
            assertThat(hostile.path("parentName").asText()).isEqualTo("publish");

            // a node's lineage: what its load and save runs did
            JsonNode clean = http.get("/api/runs/" + node + "/lineage").json();
            assertThat(clean.path("accesses")).extracting(access -> access.path("dataset").asText())
                    .containsExactly("raw", "clean");
            assertThat(clean.path("next").isNull()).isTrue();

            Http.Response unknown = http.get("/api/runs/3f2c1b9e-0d4a-4c55-9a51-6b1f1e2d3c4b/lineage");
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.json().path("error").asText())
                    .startsWith("no run with id 3f2c1b9e-0d4a-4c55-9a51-6b1f1e2d3c4b");
            Http.Response notAnId = http.get("/api/runs/nope/lineage");
            assertThat(notAnId.status()).isEqualTo(400);
            assertThat(notAnId.json().path("error").asText()).contains("nope");
            Http.Response badCursor = http.get("/api/runs/" + id + "/lineage?after=12.0.abc");
            assertThat(badCursor.status()).isEqualTo(400);
            assertThat(badCursor.json().path("error").asText())
                    .contains("the page cursor '12.0.abc' is not one this history made");
            Http.Response state = http.get("/api/runs/" + id + "/lineage?state=Failed");
            assertThat(state.status()).isEqualTo(400);
            assertThat(state.json().path("error").asText()).contains("a run's lineage has no states to filter by");
            Http.Response limit = http.get("/api/runs/" + id + "/lineage?limit=0");
            assertThat(limit.status()).isEqualTo(400);
            assertThat(limit.json().path("error").asText()).contains("limit");
        }
    }
}
