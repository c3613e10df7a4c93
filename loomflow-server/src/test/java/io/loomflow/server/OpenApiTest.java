package io.loomflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomflow.State;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The OpenAPI description names exactly the API's real routes, and what it says they answer holds. */
class OpenApiTest {

    @Test
    void describesExactlyTheRoutesTheServerServes() {
        try (LoomflowServer server = LoomflowServer.builder().flows(TestFlows.all()).port(0).build().start()) {
            Http http = new Http(server.uri());
            JsonNode document = http.get("/api/openapi.json").json();
            assertThat(document.path("openapi").asText()).startsWith("3.1");
            List<String> described = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext(); ) {
                Map.Entry<String, JsonNode> path = paths.next();
                path.getValue().fieldNames().forEachRemaining(method -> described.add(
                        method.toUpperCase(java.util.Locale.ROOT) + " " + path.getKey()));
            }
            List<String> api = server.routes().stream().filter(route -> route.contains(" /api/")).toList();
            assertThat(described).containsExactlyInAnyOrderElementsOf(api);

            // every $ref resolves, and every path parameter is declared
            document.findValues("$ref").forEach(ref -> assertThat(document.at(ref.asText().substring(1)).isMissingNode())
                    .as(ref.asText()).isFalse());
            for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext(); ) {
                Map.Entry<String, JsonNode> path = paths.next();
                for (JsonNode operation : path.getValue()) {
                    List<String> declared = new ArrayList<>();
                    for (JsonNode parameter : operation.path("parameters")) {
                        JsonNode resolved = parameter.has("$ref") ? document.at(parameter.get("$ref").asText().substring(1))
                                : parameter;
                        if (resolved.path("in").asText().equals("path")) {
                            declared.add(resolved.path("name").asText());
                        }
                    }
                    List<String> inPath = new ArrayList<>();
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{(\\w+)}").matcher(path.getKey());
                    while (m.find()) {
                        inPath.add(m.group(1));
                    }
                    assertThat(declared).as(path.getKey()).containsExactlyInAnyOrderElementsOf(inPath);
                }
            }

            // the statuses it documents for starting a run are the ones the server gives
            JsonNode start = document.path("paths").path("/api/flows/{name}/runs").path("post").path("responses");
            assertThat(start.has(Integer.toString(http.post("/api/flows/table/runs", "{\"rows\":1}").status()))).isTrue();
            assertThat(start.has(Integer.toString(http.post("/api/flows/nope/runs", "{}").status()))).isTrue();
            assertThat(start.has(Integer.toString(http.post("/api/flows/table/runs", "{\"rows\":\"x\"}").status()))).isTrue();
        }
    }

    @Test
    void theStatesItNamesAreCoresKindsOfState() {
        try (LoomflowServer server = LoomflowServer.builder().flows(TestFlows.all()).port(0).build().start()) {
            JsonNode schemas = new Http(server.uri()).get("/api/openapi.json").json().path("components").path("schemas");
            for (String schema : List.of("RunView", "StateEvent")) {
                List<String> named = new ArrayList<>();
                schemas.path(schema).path("properties").path("state").path("enum").forEach(label -> named.add(label.asText()));
                assertThat(named).as(schema).containsExactlyElementsOf(State.Kind.labels());
            }
        }
    }
}
