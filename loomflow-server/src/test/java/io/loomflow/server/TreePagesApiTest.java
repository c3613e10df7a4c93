package io.loomflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomflow.FailurePolicy;
import io.loomflow.Flow;
import io.loomflow.Outcome;
import io.loomflow.RunContext;
import io.loomflow.Task;
import io.loomflow.store.RunStore;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A run of many tasks through the API, read in pieces that do not grow with it: the run alone, its summary,
 * its children page by page with the map as one node, the map's items page by page and by state.
 */
class TreePagesApiTest {

    private static final int ITEMS = 1200;

    /** The parameters of {@code checking}: how many items. */
    public record Items(int count) {
    }

    static final Task<Integer, Integer> CHECK = Task.named("check", (Integer i) -> {
        if (i % 100 == 7) {
            throw new IllegalStateException("item " + i + " is bad");
        }
        RunContext.current().log().info("checked %d", i);
        return i * 2;
    });

    static final Task<String, String> NOTE = Task.named("note", (String text) -> text);

    static final Flow<Items, Long> CHECKING = Flow.named("checking", Items.class, items -> {
        NOTE.call("before");
        return CHECK.map(IntStream.range(0, items.count()).boxed()).outcomes().stream()
                .filter(outcome -> outcome instanceof Outcome.Success<?>).count();
    }).withFailurePolicy(FailurePolicy.COLLECT_ALL);

    static LoomflowServer server;
    static Http http;
    static String id;

    @BeforeAll
    static void start() {
        server = LoomflowServer.builder().flow(CHECKING).store(RunStore.inMemory()).port(0).build().start();
        http = new Http(server.uri());
        id = http.post("/api/flows/checking/runs", "{\"count\":" + ITEMS + "}").json().path("id").asText();
        assertThat(http.awaitEnd(id).path("result").asLong()).isEqualTo(ITEMS - ITEMS / 100);
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @Test
    void aRunIsAnsweredWithoutItsChildren() {
        Http.Response run = http.get("/api/runs/" + id);
        assertThat(run.json().has("children")).isFalse();
        assertThat(run.text().length()).isLessThan(2000);
    }

    @Test
    void theSummaryCountsTheChildrenAndSummarisesTheMap() {
        JsonNode summary = http.get("/api/runs/" + id + "/summary").json();
        assertThat(summary.path("run").path("id").asText()).isEqualTo(id);
        assertThat(summary.path("childTotal").asLong()).isEqualTo(ITEMS + 1);
        assertThat(summary.path("childCounts").path("Completed").asLong()).isEqualTo(ITEMS - ITEMS / 100 + 1);
        assertThat(summary.path("childCounts").path("Failed").asLong()).isEqualTo(ITEMS / 100);
        assertThat(summary.path("mapCount").asInt()).isEqualTo(1);
        JsonNode map = summary.path("maps").get(0);
        assertThat(map.path("name").asText()).isEqualTo("check");
        assertThat(map.path("size").asInt()).isEqualTo(ITEMS);
        assertThat(map.path("ended").asLong()).isEqualTo(ITEMS);
        assertThat(map.path("counts").path("Failed").asLong()).isEqualTo(ITEMS / 100);
        assertThat(map.path("firstFailures")).hasSize(5);
        assertThat(map.path("firstFailures").get(0).path("error").path("message").asText()).endsWith(" is bad");
        JsonNode durations = map.path("durations");
        assertThat(durations.path("count").asLong()).isEqualTo(ITEMS);
        assertThat(durations.path("p50Ms").asDouble()).isLessThanOrEqualTo(durations.path("p99Ms").asDouble());
        assertThat(durations.path("maxMs").asDouble()).isPositive();
        assertThat(http.get(map.path("url").asText()).json()).isEqualTo(map);
    }

    @Test
    void childrenArePagedWithTheMapAsOneNode() {
        JsonNode first = http.get("/api/runs/" + id + "/children?limit=1").json();
        assertThat(first.path("nodes")).hasSize(1);
        assertThat(first.path("nodes").get(0).path("type").asText()).isEqualTo("run");
        assertThat(first.path("nodes").get(0).path("run").path("name").asText()).isEqualTo("note");
        assertThat(first.path("next").asText()).startsWith("/api/runs/" + id + "/children?limit=1&after=");
        JsonNode second = http.get(first.path("next").asText()).json();
        assertThat(second.path("nodes")).hasSize(1);
        JsonNode map = second.path("nodes").get(0);
        assertThat(map.path("type").asText()).isEqualTo("map");
        assertThat(map.path("map").path("size").asInt()).isEqualTo(ITEMS);
        assertThat(second.path("next").isNull()).isTrue();

        JsonNode failed = http.get("/api/runs/" + id + "/children?state=failed").json();
        assertThat(failed.path("state").asText()).isEqualTo("Failed");
        assertThat(failed.path("nodes")).singleElement().satisfies(node -> assertThat(node.path("type").asText())
                .isEqualTo("map"));
    }

    @Test
    void itemsArePagedInOrderAndFilteredByState() {
        String mapId = http.get("/api/runs/" + id + "/summary").json().path("maps").get(0).path("id").asText();
        List<Integer> indexes = new ArrayList<>();
        String next = "/api/maps/" + mapId + "/items?limit=500";
        int pages = 0;
        while (!next.equals("null")) {
            JsonNode page = http.get(next).json();
            page.path("items").forEach(item -> indexes.add(item.path("index").asInt()));
            next = page.path("next").asText();
            pages++;
        }
        assertThat(pages).isEqualTo(3);
        assertThat(indexes).containsExactlyElementsOf(IntStream.range(0, ITEMS).boxed().toList());

        JsonNode failed = http.get("/api/maps/" + mapId + "/items?state=FAILED&limit=1000").json();
        assertThat(failed.path("items")).hasSize(ITEMS / 100);
        failed.path("items").forEach(item -> {
            assertThat(item.path("state").asText()).isEqualTo("Failed");
            assertThat(item.path("mapId").asText()).isEqualTo(mapId);
            assertThat(item.path("error").path("message").asText()).isEqualTo("item " + item.path("index").asInt()
                    + " is bad");
        });
        JsonNode firstPage = http.get("/api/maps/" + mapId + "/items").json();
        assertThat(firstPage.path("items")).hasSize(100);
        assertThat(firstPage.path("limit").asInt()).isEqualTo(100);
    }

    @Test
    void aCursorThisServerDidNotMakeIsRefusedByName() {
        Http.Response bad = http.get("/api/runs/" + id + "/children?after=yesterday");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("error").asText()).contains("'yesterday'").contains("pass the next cursor");
        String mapId = http.get("/api/runs/" + id + "/summary").json().path("maps").get(0).path("id").asText();
        Http.Response badItems = http.get("/api/maps/" + mapId + "/items?after=-3");
        assertThat(badItems.status()).isEqualTo(400);
        assertThat(badItems.json().path("error").asText()).contains("'-3'");
    }

    @Test
    void theLogsOfATreeAreReadUpToABound() {
        JsonNode logs = http.get("/api/runs/" + id + "/logs?tree=true").json();
        assertThat(logs.path("complete").asBoolean()).isFalse();
        // the root, its note, and the first items, breadth first, up to 1000 runs
        assertThat(logs.path("lines").size()).isBetween(900, 1000);
        JsonNode alone = http.get("/api/runs/" + id + "/logs").json();
        assertThat(alone.path("complete").asBoolean()).isTrue();
    }
}
