package io.loomflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomflow.Flow;
import io.loomflow.Task;
import java.time.Duration;
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

    /** The parameters of {@code fan}: how many items, each sleeping how long. */
    public record Fan(int items, int sleepMillis) {
    }

    /** What each item of {@code fan} calls, as each item of example s5 calls a subflow. */
    static final Flow<Integer, Integer> BELOW = Flow.named("below", (Integer x) -> x + 1);

    static final Task<Integer, Integer> ITEM = Task.named("item", (Integer sleepMillis) -> {
        Thread.sleep(sleepMillis);
        return BELOW.call(sleepMillis);
    }).withLimit("two");

    /** A map of items under a limit of two, each calling a subflow. */
    static final Flow<Fan, Integer> FAN = Flow.named("fan", Fan.class, fan -> ITEM.map(
            java.util.stream.IntStream.range(0, fan.items()).mapToObj(i -> fan.sleepMillis()).toList()).join().size());

    static LoomflowServer server;
    static Http http;

    @BeforeAll
    static void start() {
        server = LoomflowServer.builder().flows(TestFlows.all()).flow(FAN)
                .flow(TestLineage.flow()).engineSetup(engine -> engine.limit("two", 2))
                .port(0).build().start();
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
            if (events.get(i).event().equals("progress")) {
                // a stream opened after the run's events carries, after them, a progress snapshot numbered as the
                // last event it counts (resuming from that id loses nothing)
                assertThat(events.get(i).id()).isGreaterThanOrEqualTo(events.get(i - 1).id());
            } else {
                assertThat(events.get(i).id()).isGreaterThan(events.get(i - 1).id());
            }
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
            // The API may say the run ended a moment before its last events reach the stream's ring; a second
            // run that has ended has put at least four events in it since, so event 1 is surely gone.
            client.awaitEnd(client.post("/api/flows/greet/runs", "{\"name\":\"Bo\",\"loud\":true,\"address\":{\"city\":\"Oslo\"}}")
                    .json().path("id").asText());
            List<Received> events = read(client.builder("/api/events?run=" + id).header("Last-Event-ID", "1"),
                    e -> e.event().equals("reload"));
            assertThat(events.getFirst().event()).isEqualTo("reload");
        }
    }

    @Test
    void aMapsItemsAndTheRunsBelowThemComeAsCountsInProgressEventsNotOneByOne() throws Exception {
        String id = http.post("/api/flows/fan/runs", "{\"items\":300,\"sleepMillis\":0}").json().path("id").asText();
        List<Received> events = read(http.builder("/api/events?run=" + id), rootEnded(id));

        // one by one: only the root's states; its 300 items and their 300 subflows are counted
        assertThat(events).filteredOn(e -> e.event().equals("state"))
                .allSatisfy(e -> assertThat(e.data().path("run").path("id").asText()).isEqualTo(id));
        List<Received> progress = events.stream().filter(e -> e.event().equals("progress")).toList();
        assertThat(progress).isNotEmpty();
        // the last progress comes just before the root's final state, with every map, all counted
        assertThat(events.get(events.size() - 2)).isSameAs(progress.getLast());
        JsonNode last = progress.getLast().data();
        assertThat(last.path("rootId").asText()).isEqualTo(id);
        assertThat(last.path("counts").toString()).isEqualTo("{\"Completed\":600}");
        assertThat(last.path("maps")).hasSize(1);
        JsonNode map = last.path("maps").get(0);
        assertThat(map.path("name").asText()).isEqualTo("item");
        assertThat(map.path("parentId").asText()).isEqualTo(id);
        assertThat(map.path("size").asInt()).isEqualTo(300);
        assertThat(map.path("counts").toString()).isEqualTo("{\"Completed\":300}");
        assertThat(map.path("ended").asBoolean()).isTrue();
        assertThat(last.path("leftOut").asLong()).isZero();
    }

    @Test
    void progressComesAtMostTenTimesASecond() throws Exception {
        // 60 items of 40 ms, two at a time: the run changes all along for about 1.2 s
        String id = http.post("/api/flows/fan/runs", "{\"items\":60,\"sleepMillis\":40}").json().path("id").asText();
        List<Long> arrivals = new ArrayList<>();
        List<Received> events = read(http.builder("/api/events?run=" + id), e -> {
            if (e.event().equals("progress")) {
                arrivals.add(System.nanoTime());
            }
            return rootEnded(id).test(e);
        });
        assertThat(events.stream().filter(e -> e.event().equals("progress")).count()).isGreaterThan(2);
        double seconds = (arrivals.getLast() - arrivals.getFirst()) / 1e9;
        // ten a second, and one more for the root's end, which does not wait for the next tenth of a second
        assertThat(arrivals.size()).as("progress events in %.2f s", seconds).isLessThanOrEqualTo((int) (seconds * 10) + 3);
    }

    @Test
    void aRunsDatasetAccessesComeAsLineageEventsAndNotAsLogLines() throws Exception {
        String id = http.post("/api/flows/" + TestLineage.NAME + "/runs", "{\"parts\":2}").json().path("id").asText();
        List<Received> events = read(http.builder("/api/events?run=" + id), rootEnded(id));

        List<Received> lineage = events.stream().filter(e -> e.event().equals("lineage")).toList();
        assertThat(lineage).extracting(e -> e.data().path("run").path("name").asText() + " "
                + e.data().path("access").asText() + " " + e.data().path("dataset").asText() + " "
                + e.data().path("version").asText() + " " + e.data().path("location").asText())
                .hasSize(5).containsSubsequence("load raw read raw v1 file:///data/raw.csv",
                        "save clean write clean 2026-12-04T10.00.00.000Z file:///data/clean.parquet",
                        "load part read part null memory://part/1",
                        "save report write " + TestLineage.HOSTILE + " v<2> " + TestLineage.HOSTILE_LOCATION)
                .contains("load part read part null memory://part/0");
        assertThat(lineage).allSatisfy(e -> {
            assertThat(e.data().path("type").asText()).isEqualTo("lineage");
            assertThat(e.data().path("run").path("rootId").asText()).isEqualTo(id);
        });
        assertThat(lineage.get(2).data().path("version").isNull()).isTrue();
        assertThat(events).filteredOn(e -> e.event().equals("log")).isEmpty();
        // each access is its own event: none is taken for the state of its run
        assertThat(events).filteredOn(e -> e.event().equals("state")
                && e.data().path("run").path("name").asText().equals("load raw"))
                .extracting(e -> e.data().path("state").asText()).containsExactly("Scheduled", "Running", "Completed");
    }

    @Test
    void anIdleStreamSendsAKeepAliveComment() throws Exception {
        try (LoomflowServer quiet = LoomflowServer.builder().flows(TestFlows.all()).port(0)
                .keepAlive(Duration.ofMillis(200)).build().start()) {
            Http client = new Http(quiet.uri());
            HttpResponse<Stream<String>> response = client.client().send(client.builder("/api/events").GET().build(),
                    HttpResponse.BodyHandlers.ofLines());
            CompletableFuture<String> comment = CompletableFuture.supplyAsync(() -> {
                try (Stream<String> lines = response.body()) {
                    return lines.filter(line -> line.startsWith(":")).findFirst().orElse("the stream ended");
                }
            });
            // well before the default 15 s
            assertThat(comment.get(5, TimeUnit.SECONDS)).isEqualTo(": keep-alive");
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
