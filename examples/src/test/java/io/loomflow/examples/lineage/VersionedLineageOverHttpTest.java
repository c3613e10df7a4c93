package io.loomflow.examples.lineage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loomflow.Flow;
import io.loomflow.data.Catalog;
import io.loomflow.data.Node;
import io.loomflow.data.Pipeline;
import io.loomflow.data.PipelineRun;
import io.loomflow.server.LoomflowServer;
import io.loomflow.store.RunStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Versioned datasets and lineage end to end, through the parts a user puts together: a catalog file
 * with a versioned dataset, a pipeline's flow served by a {@link LoomflowServer} on an embedded run
 * store, two runs started over HTTP, and each run's lineage read back from the API: which version of
 * each dataset every node read and wrote.
 */
class VersionedLineageOverHttpTest {

    @TempDir
    Path folder;

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void eachRunSavesANewVersionAndItsLineageNamesTheVersionsItsNodesReadAndWrote() throws Exception {
        Path data = Files.createDirectories(folder.resolve("data"));
        Files.writeString(data.resolve("companies.csv"), "name,city\nAcme,Oslo\n,Bergen\nGlobex,Tromsø\n");
        Path catalogFile = folder.resolve("catalog.yml");
        Files.writeString(catalogFile, """
                storage:
                  file: { root: "%s" }
                datasets:
                  companies: { type: csv, uri: "file:companies.csv" }
                  clean:     { type: csv, uri: "file:clean.csv", versioned: true }
                  report:    { type: text, uri: "file:report.txt" }
                """.formatted(data.toString().replace("\\", "/")));
        Catalog catalog = Catalog.load(catalogFile);
        Pipeline pipeline = Pipeline.of(
                Node.of("clean", "companies", "clean", (List<Map<String, String>> rows) ->
                        rows.stream().filter(row -> !row.get("name").isBlank()).toList()),
                Node.of("report", "clean", "report", (List<Map<String, String>> rows) -> rows.size() + " companies"));
        Flow<PipelineRun, Map<String, Object>> flow = pipeline.toFlow("companies", catalog);

        try (RunStore store = RunStore.embedded(folder.resolve("history"));
             HttpClient http = HttpClient.newHttpClient()) {
            LoomflowServer server = LoomflowServer.builder().flow(flow).store(store).port(0).build().start();
            try {
                String first = runToTheEnd(http, server);
                String second = runToTheEnd(http, server);

                List<String> versions;
                try (Stream<Path> listed = Files.list(data.resolve("clean.csv"))) {
                    versions = listed.map(path -> path.getFileName().toString()).sorted().toList();
                }
                assertThat(versions).hasSize(2).allMatch(v -> v.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}\\.\\d{2}\\.\\d{2}\\.\\d{3}Z"));
                assertThat(data.resolve("clean.csv").resolve(versions.get(1)).resolve("clean.csv"))
                        .hasContent("name,city\nAcme,Oslo\nGlobex,Tromsø\n");
                assertThat(data.resolve("report.txt")).hasContent("2 companies");

                assertThat(lineage(http, server, first)).containsExactlyInAnyOrder(
                        "clean read companies - file:companies.csv",
                        "clean write clean " + versions.get(0) + " file:clean.csv/" + versions.get(0) + "/clean.csv",
                        "report read clean " + versions.get(0) + " file:clean.csv/" + versions.get(0) + "/clean.csv",
                        "report write report - file:report.txt");
                assertThat(lineage(http, server, second)).contains(
                        "clean write clean " + versions.get(1) + " file:clean.csv/" + versions.get(1) + "/clean.csv",
                        "report read clean " + versions.get(1) + " file:clean.csv/" + versions.get(1) + "/clean.csv");
            } finally {
                server.stop();
            }
        }
    }

    /** Starts a run of the flow over HTTP and waits for the API to say it ended Completed; its id. */
    private String runToTheEnd(HttpClient http, LoomflowServer server) throws Exception {
        HttpResponse<String> started = http.send(HttpRequest.newBuilder(server.uri().resolve("/api/flows/companies/runs"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String id = json.readTree(started.body()).path("id").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> read(http, server.uri().resolve("/api/runs/" + id))
                .path("final").asBoolean());
        assertThat(read(http, server.uri().resolve("/api/runs/" + id)).path("state").asText()).isEqualTo("Completed");
        return id;
    }

    /** The run's lineage from the API, one line per access: node, access, dataset, version or -, location. */
    private List<String> lineage(HttpClient http, LoomflowServer server, String id) throws Exception {
        List<String> lines = new ArrayList<>();
        for (JsonNode access : read(http, server.uri().resolve("/api/runs/" + id + "/lineage")).path("accesses")) {
            lines.add(access.path("parentName").asText() + " " + access.path("access").asText() + " "
                    + access.path("dataset").asText() + " " + (access.path("version").isNull() ? "-"
                    : access.path("version").asText()) + " " + access.path("location").asText());
        }
        return lines;
    }

    private JsonNode read(HttpClient http, URI uri) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(uri + ": " + response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }
}
