package io.loomflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The graph of a pipeline flow and the previews of its datasets, over HTTP against a real server. */
class GraphApiTest {

    @TempDir
    static Path folder;
    static LoomflowServer server;
    static Http http;

    @BeforeAll
    static void start() {
        List<io.loomflow.Flow<?, ?>> flows = new ArrayList<>(TestFlows.all());
        flows.add(TestPipeline.flow(folder));
        server = LoomflowServer.builder().flows(flows).port(0).build().start();
        http = new Http(server.uri());
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @Test
    void theGraphHasEveryNodeAndDatasetWithTheirEdgesAndLayers() {
        Http.Response response = http.get("/api/flows/" + TestPipeline.NAME + "/graph");
        assertThat(response.status()).isEqualTo(200);
        JsonNode graph = response.json();
        assertThat(graph.path("flow").asText()).isEqualTo(TestPipeline.NAME);
        List<String> nodes = new ArrayList<>();
        graph.path("nodes").forEach(node -> nodes.add(node.path("name").asText() + " " + node.path("inputs")
                + " -> " + node.path("outputs") + " @" + node.path("layer").asInt()));
        assertThat(nodes).containsExactly(
                "clean [\"companies\"] -> [\"clean_companies\"] @1",
                "count [\"clean_companies\",\"params:country\"] -> [\"counts\"] @3",
                "report [\"counts\"] -> [\"report\"] @5");
        List<String> datasets = new ArrayList<>();
        graph.path("datasets").forEach(dataset -> datasets.add(dataset.path("name").asText() + " "
                + dataset.path("kind").asText() + " " + dataset.path("type").asText() + " "
                + dataset.path("location").asText() + " @" + dataset.path("layer").asInt()));
        assertThat(datasets).containsExactly(
                "companies catalog csv file:raw/companies.csv @0",
                "clean_companies catalog csv file:clean/companies.csv @2",
                "params:country parameter parameter null @2",
                "counts memory memory null @4",
                "report catalog json file:out/report.json @6");
        assertThat(graph.path("layers").asInt()).isEqualTo(7);
        assertThat(graph.path("preview").asText()).isEqualTo("/api/flows/" + TestPipeline.NAME + "/datasets/{dataset}/preview");
    }

    @Test
    void aFlowWithoutAGraphIs404() {
        Http.Response response = http.get("/api/flows/greet/graph");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().path("error").asText()).contains("flow greet has no graph");
        assertThat(http.get("/api/flows/nope/graph").status()).isEqualTo(404);
    }

    @Test
    void aPreviewHasTheFirstRowsAndTheColumnsWithTheirTypes() {
        Http.Response response = http.get("/api/flows/" + TestPipeline.NAME + "/datasets/companies/preview?rows=3");
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        JsonNode preview = response.json();
        assertThat(preview.path("dataset").asText()).isEqualTo("companies");
        assertThat(preview.path("type").asText()).isEqualTo("csv");
        assertThat(preview.path("columns").toString()).isEqualTo("[{\"name\":\"id\",\"type\":\"string\"},"
                + "{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"country\",\"type\":\"string\"},"
                + "{\"name\":\"rating\",\"type\":\"string\"}]");
        assertThat(preview.path("rows").toString()).isEqualTo("[[\"1\",\"Company 1\",\"DE\",\"3\"],"
                + "[\"2\",\"Company 2\",\"DE\",\"6\"],[\"3\",\"Company 3\",\"FR\",\"9\"]]");
        assertThat(preview.path("more").asBoolean()).isTrue();
        assertThat(preview.path("limit").asInt()).isEqualTo(3);

        // at most 100 rows; a long cell is cut to 200 characters
        JsonNode all = http.get("/api/flows/" + TestPipeline.NAME + "/datasets/companies/preview?rows=100").json();
        assertThat(all.path("rows")).hasSize(31);
        assertThat(all.path("more").asBoolean()).isFalse();
        String longCell = all.path("rows").get(30).get(1).asText();
        assertThat(longCell).hasSize(200).endsWith("…");
        // twenty by default
        assertThat(http.get("/api/flows/" + TestPipeline.NAME + "/datasets/companies/preview").json().path("rows")).hasSize(20);
    }

    @Test
    void aDatasetNotInTheGraphIs404NamingItAndTheDatasets() {
        Http.Response response = http.get("/api/flows/" + TestPipeline.NAME + "/datasets/shuttles/preview");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().path("error").asText()).isEqualTo("flow " + TestPipeline.NAME + " has no dataset"
                + " 'shuttles'; its datasets are [clean_companies, companies, counts, params:country, report]");
        Http.Response inMemory = http.get("/api/flows/" + TestPipeline.NAME + "/datasets/counts/preview");
        assertThat(inMemory.status()).isEqualTo(404);
        assertThat(inMemory.json().path("error").asText()).contains("dataset 'counts'").contains("in memory");
        Http.Response notWritten = http.get("/api/flows/" + TestPipeline.NAME + "/datasets/report/preview");
        assertThat(notWritten.status()).isEqualTo(404);
        assertThat(notWritten.json().path("error").asText()).contains("dataset 'report' has no data yet at file:out/report.json");
        assertThat(http.get("/api/flows/greet/datasets/companies/preview").status()).isEqualTo(404);
    }

    @Test
    void aRowsParameterThatIsNotAWholeNumberFrom1To100Is400() {
        for (String rows : List.of("0", "-1", "101", "1e3", "abc", "99999999999", "%00", "20%20OR%201=1")) {
            Http.Response response = http.get("/api/flows/" + TestPipeline.NAME + "/datasets/companies/preview?rows=" + rows);
            assertThat(response.status()).as(rows).isEqualTo(400);
            assertThat(response.json().path("error").asText()).as(rows).startsWith("query parameter rows was '")
                    .endsWith("; pass a whole number from 1 to 100");
        }
    }

    @Test
    void aDatasetThatIsNotInItsFormatIs422NamingIt() throws Exception {
        java.nio.file.Files.createDirectories(folder.resolve("out"));
        java.nio.file.Files.writeString(folder.resolve("out/report.json"), "{\"counts\": [1, 2");
        try {
            Http.Response response = http.get("/api/flows/" + TestPipeline.NAME + "/datasets/report/preview");
            assertThat(response.status()).isEqualTo(422);
            assertThat(response.json().path("error").asText()).startsWith("dataset 'report' at file:out/report.json is not"
                    + " valid json");
        } finally {
            java.nio.file.Files.delete(folder.resolve("out/report.json"));
        }
    }

    @Test
    void aPreviewIsStoppedAfterTenSecondsAndAtMostFourReadAtOnce() throws Exception {
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(4);
        java.util.concurrent.CountDownLatch interrupted = new java.util.concurrent.CountDownLatch(4);
        io.loomflow.spi.FlowGraph.Previewer stuck = (dataset, rows, engine) -> {
            started.countDown();
            try {
                Thread.sleep(Duration.ofMinutes(2));
            } catch (InterruptedException stopped) {
                interrupted.countDown();
                throw stopped;
            }
            throw new AssertionError("the preview was not stopped");
        };
        io.loomflow.Flow<String, String> slow = io.loomflow.Flow.named("slow-data", (String s) -> s)
                .withGraph(new io.loomflow.spi.FlowGraph(List.of(new io.loomflow.spi.FlowGraph.Node("n", List.of("big"),
                        List.of())), List.of(new io.loomflow.spi.FlowGraph.Dataset("big", io.loomflow.spi.FlowGraph.Kind.CATALOG,
                        "csv", "s3://bucket/big.csv")), stuck));
        try (LoomflowServer slowServer = LoomflowServer.builder().flow(slow).port(0).build().start()) {
            Http client = new Http(slowServer.uri());
            List<java.util.concurrent.CompletableFuture<Http.Response>> previews = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < 4; i++) {
                previews.add(java.util.concurrent.CompletableFuture.supplyAsync(
                        () -> client.get("/api/flows/slow-data/datasets/big/preview")));
            }
            assertThat(started.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            Http.Response fifth = client.get("/api/flows/slow-data/datasets/big/preview");
            assertThat(fifth.status()).isEqualTo(429);
            assertThat(fifth.json().path("error").asText()).isEqualTo("dataset 'big' was not previewed: 4 previews are"
                    + " being read already; try again in a moment");
            for (var preview : previews) {
                Http.Response response = preview.get(30, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(response.status()).isEqualTo(422);
                assertThat(response.json().path("error").asText()).isEqualTo("dataset 'big' could not be read within 10 s,"
                        + " the most a preview may take; it may be too large or its storage too slow");
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofSeconds(10), Duration.ofSeconds(40));
            assertThat(interrupted.await(10, java.util.concurrent.TimeUnit.SECONDS)).as("each reader was interrupted").isTrue();
        }
    }

    @Test
    void aTokenGuardsTheGraphAndThePreview() {
        try (LoomflowServer guarded = LoomflowServer.builder().flows(List.of(TestPipeline.flow(folder.resolve("guarded"))))
                .port(0).token("a-token-of-enough-length").build().start()) {
            Http without = new Http(guarded.uri());
            assertThat(without.get("/api/flows/" + TestPipeline.NAME + "/graph").status()).isEqualTo(401);
            assertThat(without.get("/api/flows/" + TestPipeline.NAME + "/datasets/companies/preview").status()).isEqualTo(401);
            Http with = new Http(guarded.uri(), "a-token-of-enough-length");
            assertThat(with.get("/api/flows/" + TestPipeline.NAME + "/graph").status()).isEqualTo(200);
            assertThat(with.get("/api/flows/" + TestPipeline.NAME + "/datasets/companies/preview").status()).isEqualTo(200);
        }
    }
}
