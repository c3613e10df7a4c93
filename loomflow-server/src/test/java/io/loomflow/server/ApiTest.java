package io.loomflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The JSON API against a real server on loopback. */
class ApiTest {

    static LoomflowServer server;
    static Http http;

    @BeforeAll
    static void start() {
        server = LoomflowServer.builder().flows(TestFlows.all()).port(0).maxBodyBytes(4096).build().start();
        http = new Http(server.uri());
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @Test
    void listsFlowsWithTheSchemaOfTheirParameterRecords() {
        Http.Response response = http.get("/api/flows");
        assertThat(response.status()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        response.json().path("flows").forEach(flow -> names.add(flow.path("name").asText()));
        assertThat(names).containsExactly("greet", "table", "fail", "slow", "parent");

        JsonNode greet = http.get("/api/flows/greet").json();
        JsonNode schema = greet.path("parameters");
        assertThat(greet.path("runs").asText()).isEqualTo("/api/flows/greet/runs");
        assertThat(schema.path("type").asText()).isEqualTo("object");
        assertThat(schema.path("additionalProperties").asBoolean(true)).isFalse();
        JsonNode properties = schema.path("properties");
        assertThat(properties.path("name").path("type").asText()).isEqualTo("string");
        assertThat(properties.path("times").path("type").asText()).isEqualTo("integer");
        assertThat(properties.path("times").path("default").asInt()).isEqualTo(1);
        assertThat(properties.path("mood").path("enum").toString()).isEqualTo("[\"CALM\",\"CHEERFUL\"]");
        assertThat(properties.path("mood").path("default").asText()).isEqualTo("CALM");
        assertThat(properties.path("tags").path("type").asText()).isEqualTo("array");
        assertThat(properties.path("tags").path("items").path("type").asText()).isEqualTo("string");
        assertThat(properties.path("address").path("type").asText()).isEqualTo("object");
        assertThat(properties.path("address").path("properties").path("city").path("type").asText()).isEqualTo("string");
        assertThat(properties.path("address").path("required").toString()).isEqualTo("[\"city\"]");
        assertThat(properties.path("on").path("format").asText()).isEqualTo("date");
        assertThat(properties.path("scores").path("additionalProperties").path("type").asText()).isEqualTo("integer");
        assertThat(properties.path("loud").path("type").asText()).isEqualTo("boolean");
        // name and address have no default and may not be left out; the rest may
        assertThat(schema.path("required").toString()).isEqualTo("[\"name\",\"address\"]");
    }

    @Test
    void startsARunInTheBackgroundAndAnswers202WithItsId() {
        Http.Response started = http.post("/api/flows/greet/runs",
                "{\"name\":\"Ada\",\"mood\":\"cheerful\",\"loud\":true,\"times\":2,\"address\":{\"city\":\"Paris\"}}");
        assertThat(started.status()).isEqualTo(202);
        String id = started.json().path("id").asText();
        assertThat(started.headers().firstValue("Location")).hasValue("/api/runs/" + id);
        assertThat(started.json().path("page").asText()).isEqualTo("/runs/" + id);

        JsonNode run = http.awaitEnd(id);
        assertThat(run.path("state").asText()).isEqualTo("Completed");
        assertThat(run.path("result").asText()).isEqualTo("Hello, dear ADA!!");
        assertThat(run.path("parameters").path("name").asText()).isEqualTo("Ada");
        assertThat(run.path("parameters").path("times").asInt()).isEqualTo(2);
        assertThat(run.path("durationMs").isIntegralNumber()).isTrue();
        assertThat(run.path("startedAt").asText()).isNotEmpty();
        assertThat(run.has("children")).isFalse();
        JsonNode children = http.get("/api/runs/" + id + "/children").json().path("nodes");
        assertThat(children).hasSize(1);
        assertThat(children.get(0).path("run").path("name").asText()).isEqualTo("shout");
        List<String> lines = new ArrayList<>();
        http.get("/api/runs/" + id + "/logs?tree=true").json().path("lines")
                .forEach(line -> lines.add(line.path("message").asText()));
        assertThat(lines).containsExactly("greeting Ada", "shouting Ada");
        assertThat(http.get("/api/runs/" + id + "/logs").json().path("lines")).hasSize(1);
    }

    @Test
    void defaultsFillWhatTheRequestLeavesOut() {
        String id = http.post("/api/flows/greet/runs", "{\"name\":\"Bo\",\"address\":{\"city\":\"Oslo\"}}").json()
                .path("id").asText();
        JsonNode run = http.awaitEnd(id);
        assertThat(run.path("result").asText()).isEqualTo("Hello, Bo!");
        assertThat(run.path("parameters").path("mood").asText()).isEqualTo("CALM");
    }

    @Test
    void aFailedRunKeepsItsErrorsTypeAndMessage() {
        String id = http.post("/api/flows/fail/runs", "{\"text\":\"the model said no\"}").json().path("id").asText();
        JsonNode run = http.awaitEnd(id);
        assertThat(run.path("state").asText()).isEqualTo("Failed");
        assertThat(run.path("error").path("type").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(run.path("error").path("message").asText()).isEqualTo("the model said no");
        assertThat(run.toString()).doesNotContain("\tat ").doesNotContain("stackTrace");
    }

    @Test
    void listsRunsWithFiltersAndPages() {
        for (int i = 0; i < 3; i++) {
            http.awaitEnd(http.post("/api/flows/table/runs", "{\"rows\":2}").json().path("id").asText());
        }
        JsonNode first = http.get("/api/runs?flow=table&limit=2").json();
        assertThat(first.path("runs")).hasSize(2);
        assertThat(first.path("next").asText()).isEqualTo("/api/runs?limit=2&offset=2&flow=table");
        JsonNode second = http.get(first.path("next").asText()).json();
        assertThat(second.path("runs").size()).isBetween(1, 2);
        assertThat(second.path("runs").get(0).path("id").asText())
                .isNotIn(first.path("runs").get(0).path("id").asText(), first.path("runs").get(1).path("id").asText());
        for (JsonNode run : http.get("/api/runs?state=Completed").json().path("runs")) {
            assertThat(run.path("state").asText()).isEqualTo("Completed");
            assertThat(run.path("parentId").isNull()).isTrue();
        }
        assertThat(http.get("/api/runs?flow=score&all=true").json().path("runs").size()).isGreaterThanOrEqualTo(6);
        Http.Response wrongState = http.get("/api/runs?state=Complete");
        assertThat(wrongState.status()).isEqualTo(400);
        assertThat(wrongState.json().path("error").asText()).contains("query parameter state 'Complete' is not a state. Did you mean 'Completed'?");
        assertThat(http.get("/api/runs?limit=0").json().path("error").asText())
                .isEqualTo("query parameter limit was '0'; pass a whole number from 1 to 500");
    }

    @Test
    void aListResultIsReturnedAsJsonRecords() {
        String id = http.post("/api/flows/parent/runs", "{\"rows\":3}").json().path("id").asText();
        assertThat(http.awaitEnd(id).path("result").asInt()).isEqualTo(3);
        JsonNode children = http.get("/api/runs/" + id + "/children").json().path("nodes");
        assertThat(children).hasSize(1);
        JsonNode table = http.get(children.get(0).path("run").path("url").asText()).json();
        assertThat(table.path("name").asText()).isEqualTo("table");
        assertThat(table.path("parentId").asText()).isEqualTo(id);
        assertThat(table.path("result").toString())
                .isEqualTo("[{\"name\":\"row 0\",\"score\":0},{\"name\":\"row 1\",\"score\":10},{\"name\":\"row 2\",\"score\":20}]");
    }

    @Test
    void cancelsARunningRunAndRefusesToCancelAnEndedOne() {
        String id = http.post("/api/flows/slow/runs", "{\"text\":\"patience\"}").json().path("id").asText();
        awaitState(id, "Running");
        Http.Response cancelled = http.post("/api/runs/" + id + "/cancel", "");
        assertThat(cancelled.status()).isEqualTo(202);
        assertThat(http.awaitEnd(id).path("state").asText()).isEqualTo("Cancelled");
        Http.Response again = http.post("/api/runs/" + id + "/cancel", "");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().path("error").asText()).contains("already ended Cancelled");
    }

    @Test
    void anUnknownFlowIs404WithTheKnownOnes() {
        Http.Response response = http.post("/api/flows/gret/runs", "{}");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().path("error").asText())
                .isEqualTo("no flow named 'gret'; did you mean 'greet'?; the flows are greet, table, fail, slow, parent");
        assertThat(response.json().path("flows").toString()).isEqualTo("[\"greet\",\"table\",\"fail\",\"slow\",\"parent\"]");
        assertThat(http.get("/api/flows/nope").status()).isEqualTo(404);
    }

    @Test
    void parametersThatDoNotFitAre400NamingEachField() {
        Http.Response response = http.post("/api/flows/greet/runs",
                "{\"times\":\"three\",\"mood\":\"grumpy\",\"colour\":\"red\",\"tags\":[1],\"address\":{}}");
        assertThat(response.status()).isEqualTo(400);
        JsonNode problems = response.json().path("problems");
        List<String> said = new ArrayList<>();
        problems.forEach(p -> said.add(p.path("field").asText() + ": " + p.path("problem").asText()));
        assertThat(said).containsExactlyInAnyOrder(
                "times: expected a whole number from -2147483648 to 2147483647, got \"three\"",
                "mood: expected one of CALM, CHEERFUL, got \"grumpy\"",
                "colour: is unknown; the parameters are name, times, mood, tags, address, loud, on, scores",
                "tags[0]: expected text, got 1",
                "address.city: is required, and was not given (expected text)",
                "name: is required, and was not given (expected text)");
        assertThat(response.json().path("error").asText()).startsWith("the parameters of flow 'greet' do not fit: ");

        Http.Response tooBig = http.post("/api/flows/table/runs", "{\"rows\":3000000000}");
        assertThat(tooBig.json().path("problems").get(0).path("problem").asText())
                .isEqualTo("expected a whole number from -2147483648 to 2147483647, got 3000000000, which is out of range");
        Http.Response notAnObject = http.post("/api/flows/table/runs", "[1,2]");
        assertThat(notAnObject.status()).isEqualTo(400);
        assertThat(notAnObject.json().path("error").asText()).contains("send a JSON object");
        Http.Response badDate = http.post("/api/flows/greet/runs",
                "{\"name\":\"x\",\"address\":{\"city\":\"y\"},\"on\":\"tomorrow\"}");
        assertThat(badDate.json().path("problems").get(0).path("problem").asText())
                .isEqualTo("expected a date such as 2026-01-31, got \"tomorrow\"");
    }

    @Test
    void malformedJsonIs400WithItsPosition() {
        Http.Response response = http.post("/api/flows/greet/runs", "{\n  \"name\": \"Ada\",\n  \"times\": 2,,\n}");
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().path("line").asInt()).isEqualTo(3);
        assertThat(response.json().path("column").asInt()).isEqualTo(14);
        assertThat(response.json().path("error").asText()).startsWith("malformed JSON at line 3, column 14: ");
    }

    @Test
    void aBodyOverTheLimitIs413AndOtherContentTypesAre415() {
        Http.Response response = http.post("/api/flows/greet/runs", "{\"name\":\"" + "x".repeat(5000) + "\"}");
        assertThat(response.status()).isEqualTo(413);
        assertThat(response.json().path("error").asText()).contains("over 4096 bytes");
        Http.Response form = http.send(http.builder("/api/flows/table/runs").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"rows\":1}")));
        assertThat(form.status()).isEqualTo(415);
        assertThat(form.json().path("error").asText()).contains("Content-Type: application/json");
    }

    @Test
    void unknownRunsPathsAndMethodsAreAnsweredPlainly() {
        assertThat(http.get("/api/runs/3f2c1b9e-0d4a-4c55-9a51-6b1f1e2d3c4b").status()).isEqualTo(404);
        Http.Response notAnId = http.get("/api/runs/not-a-run");
        assertThat(notAnId.status()).isEqualTo(400);
        assertThat(notAnId.json().path("error").asText()).isEqualTo("the run id 'not-a-run' is not a UUID; pass a run id"
                + " such as 3f2c1b9e-0d4a-4c55-9a51-6b1f1e2d3c4b");
        assertThat(http.get("/api/nothing").status()).isEqualTo(404);
        Http.Response wrongMethod = http.get("/api/flows/greet/runs");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("POST");
        assertThat(http.get("/api/health").json().path("status").asText()).isEqualTo("ok");
    }

    static void awaitState(String id, String state) {
        awaitState(http, id, state);
    }

    static void awaitState(Http http, String id, String state) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (http.get("/api/runs/" + id).json().path("state").asText().equals(state)) {
                return;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("run " + id + " never reached " + state);
    }
}
