package io.loomflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Walks the one table of legal state transitions. */
class StateTransitionsTest {

    private static final State SCHEDULED = new State.Scheduled();
    private static final State PENDING = new State.Pending("http");
    private static final State RUNNING = new State.Running(1);
    private static final State RETRYING = new State.Retrying(1, Duration.ofSeconds(1), new RuntimeException("x"));
    private static final State COMPLETED = new State.Completed("r");
    private static final State CACHED = new State.Cached("r", "task/1/input:abc", null);
    private static final State FAILED = new State.Failed(new RuntimeException("x"));
    private static final State CANCELLED = new State.Cancelled("why");
    private static final State CRASHED = new State.Crashed("why");
    private static final List<State> ALL = List.of(SCHEDULED, PENDING, RUNNING, RETRYING, COMPLETED, CACHED, FAILED,
            CANCELLED, CRASHED);

    /** The table, written out once more, independently of the implementation. */
    private static final Map<String, Set<String>> EXPECTED = Map.of(
            "Scheduled", Set.of("Pending", "Running", "Cached", "Failed", "Cancelled", "Crashed"),
            "Pending", Set.of("Running", "Cancelled", "Crashed"),
            "Running", Set.of("Completed", "Failed", "Retrying", "Cancelled", "Crashed"),
            "Retrying", Set.of("Pending", "Running", "Cancelled", "Crashed"),
            "Completed", Set.of(),
            "Cached", Set.of(),
            "Failed", Set.of(),
            "Cancelled", Set.of(),
            "Crashed", Set.of());

    @Test
    void everyPairOfStatesIsLegalExactlyWhenTheTableSaysSo() {
        for (State from : ALL) {
            Set<String> allowed = ALL.stream().filter(from::canMoveTo).map(State::label).collect(Collectors.toSet());
            assertThat(allowed).as("moves out of %s", from.label()).isEqualTo(EXPECTED.get(from.label()));
        }
    }

    @Test
    void exactlyTheFiveEndingsAreFinal() {
        Set<String> finals = ALL.stream().filter(State::isFinal).map(State::label).collect(Collectors.toSet());
        assertThat(finals).containsExactlyInAnyOrder("Completed", "Cached", "Failed", "Cancelled", "Crashed");
    }

    @Test
    void everyStateIsReachableFromScheduledAndEveryStateCanReachAnEnding() {
        Set<String> reached = new HashSet<>();
        Deque<State> toVisit = new ArrayDeque<>(List.of(SCHEDULED));
        while (!toVisit.isEmpty()) {
            State state = toVisit.pop();
            if (reached.add(state.label())) {
                ALL.stream().filter(state::canMoveTo).forEach(toVisit::push);
            }
        }
        assertThat(reached).hasSize(ALL.size());
        for (State state : ALL) {
            boolean endsSomewhere = state.isFinal() || ALL.stream().anyMatch(next -> state.canMoveTo(next) && next.isFinal());
            assertThat(endsSomewhere).as("%s can end", state.label()).isTrue();
        }
    }

    @Test
    void theEngineOnlyEverMakesLegalMoves() {
        EventRecorder events = new EventRecorder();
        Task<Integer, Integer> flaky = Task.named("flaky", (Integer i) -> {
            if (RunContext.current().attempt() == 1 && i % 2 == 0) {
                throw new IllegalStateException("first attempt of " + i);
            }
            return i;
        }).withRetries(Retry.fixed(1, Duration.ZERO)).withLimit("one", 1);
        Flow<Integer, Integer> flow = Flow.named("sum", (Integer n) -> {
            int sum = 0;
            for (int value : flaky.map(java.util.stream.IntStream.range(0, n).boxed()).join()) {
                sum += value;
            }
            return sum;
        });
        try (Engine engine = Engine.builder().listener(events).build()) {
            assertThat(engine.run(flow, 20)).isEqualTo(190);
        }
        Map<java.util.UUID, List<State>> perRun = events.changes().stream().collect(Collectors.groupingBy(
                c -> c.run().id(), Collectors.mapping(Event.StateChange::state, Collectors.toList())));
        assertThat(perRun).hasSize(21);
        for (List<State> states : perRun.values()) {
            assertThat(states.getFirst()).isInstanceOf(State.Scheduled.class);
            for (int i = 1; i < states.size(); i++) {
                assertThat(states.get(i - 1).canMoveTo(states.get(i))).as("%s", states).isTrue();
            }
            assertThat(states.getLast().isFinal()).isTrue();
        }
        for (Event.StateChange change : events.changes()) {
            if (change.previous() != null) {
                assertThat(change.previous().canMoveTo(change.state())).isTrue();
            }
        }
    }
}
