package io.loomflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Guarantee 7: every state change is one event, and all consumers read that one stream. */
class EventStreamTest {

    private final Task<Integer, Integer> square = Task.named("square", (Integer i) -> {
        RunContext.current().log().info("squaring %d", i);
        return i * i;
    });
    private final Flow<Integer, Integer> sumOfSquares = Flow.named("sum-of-squares", (Integer n) ->
            square.map(java.util.stream.IntStream.range(0, n).boxed()).join().stream().mapToInt(i -> i).sum());

    @Test
    void eachRunReportsEachOfItsStatesOnceAndInOrder() {
        EventRecorder events = new EventRecorder();
        try (Engine engine = Engine.builder().listener(events).build()) {
            assertThat(engine.run(sumOfSquares, 5)).isEqualTo(30);
        }
        Map<UUID, List<String>> perRun = events.changes().stream().collect(Collectors.groupingBy(c -> c.run().id(),
                Collectors.mapping(c -> c.state().label(), Collectors.toList())));
        assertThat(perRun).hasSize(6);
        assertThat(perRun.values()).allSatisfy(states ->
                assertThat(states).containsExactly("Scheduled", "Running", "Completed"));
        List<Long> sequences = events.events().stream().map(Event::sequence).sorted().toList();
        assertThat(sequences).doesNotHaveDuplicates().first().isEqualTo(1L);
        for (UUID run : perRun.keySet()) {
            List<Long> ofRun = events.events().stream().filter(e -> e.run().id().equals(run)).map(Event::sequence).toList();
            assertThat(ofRun).isSorted();
        }
    }

    @Test
    void eventsCarryTheRunTree() {
        EventRecorder events = new EventRecorder();
        try (Engine engine = Engine.builder().listener(events).build()) {
            engine.run(sumOfSquares, 3);
        }
        RunInfo root = events.lastChangesOf("sum-of-squares").getFirst().run();
        assertThat(root.isRoot()).isTrue();
        assertThat(root.rootId()).isEqualTo(root.id());
        assertThat(root.input()).isEqualTo(3);
        assertThat(root.kind()).isEqualTo(RunInfo.Kind.FLOW);
        assertThat(events.lastChangesOf("square")).hasSize(3).allSatisfy(change -> {
            assertThat(change.run().parentId()).isEqualTo(root.id());
            assertThat(change.run().rootId()).isEqualTo(root.id());
            assertThat(change.run().kind()).isEqualTo(RunInfo.Kind.TASK);
            assertThat(change.state()).isEqualTo(new State.Completed((Integer) change.run().input() * (Integer) change.run().input()));
        });
    }

    @Test
    void logLinesAreEventsOfTheRunThatWroteThem() {
        EventRecorder events = new EventRecorder();
        try (Engine engine = Engine.builder().listener(events).build()) {
            engine.run(sumOfSquares, 3);
        }
        List<Event.LogLine> lines = events.events().stream().filter(Event.LogLine.class::isInstance)
                .map(Event.LogLine.class::cast).toList();
        assertThat(lines).hasSize(3).allSatisfy(line -> {
            assertThat(line.run().name()).isEqualTo("square");
            assertThat(line.level()).isEqualTo(Level.INFO);
            assertThat(line.message()).isEqualTo("squaring " + line.run().input());
        });
    }

    @Test
    void theFinalEventReachesListenersBeforeTheCallerGetsTheResult() {
        EventRecorder events = new EventRecorder();
        try (Engine engine = Engine.builder().listener(events).build()) {
            for (int i = 0; i < 50; i++) {
                engine.run(sumOfSquares, 2);
                List<Event.StateChange> roots = events.lastChangesOf("sum-of-squares");
                assertThat(roots).hasSize(i + 1);
                assertThat(roots).allSatisfy(c -> assertThat(c.state()).isInstanceOf(State.Completed.class));
            }
        }
    }

    @Test
    void aFailingListenerDoesNotDisturbRunsOrOtherListeners() {
        EventRecorder events = new EventRecorder();
        EventListener broken = event -> {
            throw new IllegalStateException("listener bug");
        };
        try (Engine engine = Engine.builder().listener(broken).listener(events).build()) {
            assertThat(engine.run(sumOfSquares, 4)).isEqualTo(14);
        }
        assertThat(events.lastChangePerRun()).hasSize(5);
    }

    @Test
    void aSubscriptionReceivesEventsUntilClosed() {
        EventRecorder events = new EventRecorder();
        try (Engine engine = Engine.builder().build()) {
            Subscription subscription = engine.subscribe(events);
            engine.run(sumOfSquares, 1);
            int seen = events.events().size();
            assertThat(seen).isGreaterThan(0);
            subscription.close();
            engine.run(sumOfSquares, 1);
            assertThat(events.events()).hasSize(seen);
        }
        assertThat(events.closed()).as("subscribers are not closed by the engine").isFalse();
    }
}
