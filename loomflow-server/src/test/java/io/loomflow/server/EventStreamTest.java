package io.loomflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Server-sent events: one run's tree or every run, live, resumable with Last-Event-ID. */
class EventStreamTest {

    /** One event as received. */
    record Received(long id, String event, JsonNode data) {
    }

    static LoomflowServer server;
    static Http http;

    @BeforeAll
    static void start() {
        server = LoomflowServer.builder().flows(TestFlows.all()).port(0).build().start();
        http = new Http(server.uri());
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @Test
    void aRunsStreamHasEveryStateAndLogOfItsTreeInOrder() throws Exception {
        String id = http.post("/api/flows/greet/runs", "{\"name\":\"Ada\",\"loud\":true,\"address\":{\"city\":\"Rome\"}}")
                .json().path("id").asText();
        List<Received> events = read(http.builder("/api/events?run=" + id), rootEnded(id));
        List<String> seen = new ArrayList<>();
        for (Received received : events) {
            JsonNode data = received.data();
            seen.add(data.path("run").path("name").asText() + " " + (received.event().equals("log")
                    ? "log " + data.path("message").asText() : data.path("state").asText()));
        }
        assertThat(seen).containsSubsequence("greet Scheduled", "greet Running", "greet log greeting Ada",
                "shout Scheduled", "shout Running", "shout log shouting Ada", "shout Completed", "greet Completed");
        assertThat(events.getLast().data().path("result").asText()).isEqualTo("Hello, ADA!");
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).id()).isGreaterThan(events.get(i - 1).id());
        }
        assertThat(events).allSatisfy(e -> assertThat(e.event().equals("progress") ? e.data().path("rootId").asText()
                : e.data().path("run").path("rootId").asText()).isEqualTo(id));

        // a client that saw the first three events reconnects and gets exactly the rest
        long lastSeen = events.get(2).id();
        List<Received> rest = read(http.builder("/api/events?run=" + id).header("Last-Event-ID", Long.toString(lastSeen)),
                rootEnded(id));
        assertThat(rest).extracting(Received::id).containsExactlyElementsOf(
                events.subList(3, events.size()).stream().map(Received::id).toList());
    }

    @Test
    void theStreamOfEveryRunCarriesNewRunsLiveWithTheirErrors() throws Exception {
        CompletableFuture<List<Received>> reading = CompletableFuture.supplyAsync(() -> {
            try {
                return read(http.builder("/api/events"), e -> e.data().path("run").path("name").asText().equals("fail")
                        && e.data().path("state").asText().equals("Failed"));
            } catch (Exception failed) {
                throw new IllegalStateException(failed);
            }
        });
        Thread.sleep(200); // the stream is open before the run starts: it sends only what happens after
        String id = http.post("/api/flows/fail/runs", "{\"text\":\"<b>no</b>\"}").json().path("id").asText();
        List<Received> events = reading.get(20, TimeUnit.SECONDS);
        JsonNode failed = events.getLast().data();
        assertThat(failed.path("run").path("id").asText()).isEqualTo(id);
        assertThat(failed.path("error").path("type").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(failed.path("error").path("message").asText()).isEqualTo("<b>no</b>");
        assertThat(events).anySatisfy(e -> assertThat(e.data().path("message").asText()).isEqualTo("about to fail with <b>no</b>"));
    }

    @Test
    void aLastEventIdOlderThanTheServerKeepsAsksTheClientToReload() throws Exception {
        try (LoomflowServer small = LoomflowServer.builder().flows(TestFlows.all()).port(0).eventsKept(4).build().start()) {
            Http client = new Http(small.uri());
            // eight events: greet's and shout's states and log lines (and progress), more than the four kept
            String id = client.post("/api/flows/greet/runs", "{\"name\":\"Ada\",\"loud\":true,\"address\":{\"city\":\"Rome\"}}")
                    .json().path("id").asText();
            client.awaitEnd(id);
            List<Received> events = read(client.builder("/api/events?run=" + id).header("Last-Event-ID", "1"),
                    e -> e.event().equals("reload"));
            assertThat(events.getFirst().event()).isEqualTo("reload");
        }
    }

    @Test
    void anUnknownRunOrBadLastEventIdIsRefused() {
        assertThat(http.get("/api/events?run=3f2c1b9e-0d4a-4c55-9a51-6b1f1e2d3c4b").status()).isEqualTo(404);
        assertThat(http.get("/api/events?run=nope").status()).isEqualTo(400);
        assertThat(http.get("/api/events?lastEventId=abc").json().path("error").asText())
                .isEqualTo("Last-Event-ID was 'abc'; send the id of the last event received");
    }

    private static Predicate<Received> rootEnded(String id) {
        return e -> e.event().equals("state") && e.data().path("run").path("id").asText().equals(id)
                && e.data().path("final").asBoolean();
    }

    /** Reads events until one matches {@code last} (inclusive), then closes the stream. */
    static List<Received> read(HttpRequest.Builder request, Predicate<Received> last) throws Exception {
        HttpResponse<Stream<String>> response = http.client().sendAsync(request.GET().build(),
                HttpResponse.BodyHandlers.ofLines()).get(10, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/event-stream"));
        List<Received> events = new ArrayList<>();
        CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
            try (Stream<String> lines = response.body()) {
                long id = 0;
                String event = "message";
                Iterator<String> it = lines.iterator();
                while (it.hasNext()) {
                    String line = it.next();
                    if (line.startsWith("id: ")) {
                        id = Long.parseLong(line.substring(4));
                    } else if (line.startsWith("event: ")) {
                        event = line.substring(7);
                    } else if (line.startsWith("data: ")) {
                        Received received = new Received(id, event, Http.JSON.readTree(line.substring(6)));
                        events.add(received);
                        if (last.test(received)) {
                            return;
                        }
                        event = "message";
                    }
                }
            } catch (IOException failed) {
                throw new IllegalStateException(failed);
            }
        });
        done.get(20, TimeUnit.SECONDS);
        return events;
    }
}
