package io.loomflow.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loomflow.Event;
import io.loomflow.EventListener;
import io.loomflow.RunInfo;
import io.loomflow.State;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the event hub holds for a client that does not keep up, and for events that come faster than
 * it renders them: bounded, never without the final states.
 */
class EventHubTest {

    private static final Duration SOON = Duration.ofSeconds(10);

    private final ObjectMapper json = Server.mapper();
    private final UUID rootId = UUID.randomUUID();
    private final RunInfo root = run(rootId, null);
    private long sequence;
    private EventHub hub;

    @AfterEach
    void close() {
        if (hub != null) {
            hub.close();
        }
    }

    /** Renders an event as its run's id, kind and state or message. */
    private final Function<Event, String> render = event -> "{\"run\":\"" + event.run().id() + "\",\"what\":\""
            + switch (event) {
                case Event.StateChange change -> change.state().label();
                case Event.LogLine line -> line.message();
                case Event.DatasetAccess access -> access.dataset();
            } + "\"}";

    @Test
    void aClientThatFallsBehindGetsTheNewestStateOfEachRunAndEveryFinalState() throws Exception {
        hub = new EventHub(16_384, json);
        EventListener listener = hub.listener(render);
        EventHub.Stream stream = hub.open(rootId, 0);
        EventHub.Stream witness = hub.open(rootId, 0); // a client that keeps up, to know when everything was sent
        listener.onEvent(state(root, null, new State.Scheduled()));
        listener.onEvent(state(root, new State.Scheduled(), new State.Running(1)));
        List<RunInfo> children = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            children.add(run(UUID.randomUUID(), rootId));
        }
        // the client takes nothing while 6,000 states of 2,000 runs come
        for (RunInfo child : children) {
            listener.onEvent(state(child, null, new State.Scheduled()));
            listener.onEvent(state(child, new State.Scheduled(), new State.Running(1)));
            listener.onEvent(state(child, new State.Running(1), new State.Completed(1)));
        }
        listener.onEvent(state(root, new State.Running(1), new State.Completed(2_000)));
        await().atMost(SOON).until(() -> entries(witness).stream().anyMatch(entry -> entry.json().equals(
                "{\"run\":\"" + rootId + "\",\"what\":\"Completed\"}")));

        List<EventHub.Entry> taken = entries(stream);
        Map<String, List<String>> statesByRun = new LinkedHashMap<>();
        for (EventHub.Entry entry : taken) {
            if (entry.type().equals("state")) {
                JsonNode data = json.readTree(entry.json());
                statesByRun.computeIfAbsent(data.path("run").asText(), id -> new ArrayList<>()).add(data.path("what").asText());
            }
        }
        // 1,000 one by one, then the newest state of each run
        assertThat(taken.size()).as("entries held for the client").isLessThan(3_100);
        for (RunInfo child : children) {
            assertThat(statesByRun.get(child.id().toString())).as("the states sent of %s", child.id())
                    .endsWith("Completed").containsOnlyOnce("Completed");
        }
        for (int i = 1; i < taken.size(); i++) {
            assertThat(taken.get(i).id()).isGreaterThan(taken.get(i - 1).id());
        }
    }

    @Test
    void aClientTooFarBehindIsEndedAndToldToReloadWhenTheServerNoLongerHoldsWhatItMissed() throws Exception {
        hub = new EventHub(100, json);
        EventListener listener = hub.listener(render);
        EventHub.Stream stream = hub.open(rootId, 0);
        listener.onEvent(state(root, null, new State.Scheduled()));
        // log lines do not coalesce: 5,000 of them are more than the 100 kept plus the 4,096 a stream may hold
        for (int i = 0; i < 5_000; i++) {
            listener.onEvent(new Event.LogLine(++sequence, Instant.now(), root, Level.INFO, "line " + i, null));
        }
        await().atMost(SOON).until(() -> hub.lastId() == 5_001);
        assertThat(stream.next(SOON)).isInstanceOf(EventHub.Signal.Closed.class);

        // the client reconnects with the last id it saw, before the oldest the ring holds
        EventHub.Stream again = hub.open(rootId, 1);
        assertThat(again.next(SOON)).isInstanceOf(EventHub.Signal.Reload.class);
        assertThat(entries(again)).hasSize(100).last().satisfies(entry -> assertThat(entry.json()).contains("line 4999"));
    }

    @Test
    void eventsBeyondWhatTheHubMayQueueAreLeftOutAndCounted() throws Exception {
        hub = new EventHub(16_384, json);
        CountDownLatch rendering = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        EventListener listener = hub.listener(event -> {
            if (event.run().isRoot()) { // the first: the hub's thread waits here while the rest come
                rendering.countDown();
                try {
                    release.await();
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            return render.apply(event);
        });
        listener.onEvent(state(root, null, new State.Scheduled()));
        assertThat(rendering.await(10, TimeUnit.SECONDS)).isTrue();
        RunInfo child = run(UUID.randomUUID(), rootId);
        for (int i = 0; i < 20_000; i++) {
            listener.onEvent(new Event.LogLine(++sequence, Instant.now(), child, Level.INFO, "line " + i, null));
        }
        EventHub.Stream stream = hub.open(rootId, -1);
        release.countDown();

        List<EventHub.Entry> taken = new ArrayList<>();
        // 16,384 queued while the hub's thread was held, the other 3,616 counted
        await().atMost(SOON).until(() -> {
            taken.addAll(entries(stream));
            return taken.stream().filter(entry -> entry.type().equals("log")).count() == 16_384
                    && taken.stream().anyMatch(entry -> entry.type().equals("progress"));
        });
        JsonNode progress = json.readTree(taken.stream().filter(entry -> entry.type().equals("progress")).findFirst()
                .orElseThrow().json());
        assertThat(progress.path("leftOut").asLong()).isEqualTo(3_616);
    }

    /** What the stream holds now, or nothing after a short wait. */
    private static List<EventHub.Entry> entries(EventHub.Stream stream) throws InterruptedException {
        EventHub.Signal signal = stream.next(Duration.ofMillis(200));
        return signal instanceof EventHub.Signal.Entries(List<EventHub.Entry> entries) ? entries : List.of();
    }

    private Event.StateChange state(RunInfo run, State previous, State next) {
        return new Event.StateChange(++sequence, Instant.now(), run, previous, next);
    }

    private RunInfo run(UUID id, UUID parentId) {
        return new RunInfo(id, parentId, parentId == null ? id : rootId, parentId == null ? "root" : "child",
                RunInfo.Kind.TASK, null, Instant.now());
    }
}
