package io.loomflow;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** The one table of legal state transitions, keyed by the kind of state a run is in. */
final class StateTransitions {

    private static final Map<State.Kind, Set<State.Kind>> TABLE = table();

    private StateTransitions() {
    }

    private static Map<State.Kind, Set<State.Kind>> table() {
        Map<State.Kind, Set<State.Kind>> table = new EnumMap<>(State.Kind.class);
        table.put(State.Kind.SCHEDULED, EnumSet.of(State.Kind.PENDING, State.Kind.RUNNING, State.Kind.CACHED,
                State.Kind.FAILED, State.Kind.CANCELLED, State.Kind.CRASHED));
        table.put(State.Kind.PENDING, EnumSet.of(State.Kind.RUNNING, State.Kind.CANCELLED, State.Kind.CRASHED));
        table.put(State.Kind.RUNNING, EnumSet.of(State.Kind.COMPLETED, State.Kind.FAILED, State.Kind.RETRYING,
                State.Kind.CANCELLED, State.Kind.CRASHED));
        table.put(State.Kind.RETRYING, EnumSet.of(State.Kind.PENDING, State.Kind.RUNNING, State.Kind.CANCELLED,
                State.Kind.CRASHED));
        table.put(State.Kind.COMPLETED, EnumSet.noneOf(State.Kind.class));
        table.put(State.Kind.CACHED, EnumSet.noneOf(State.Kind.class));
        table.put(State.Kind.FAILED, EnumSet.noneOf(State.Kind.class));
        table.put(State.Kind.CANCELLED, EnumSet.noneOf(State.Kind.class));
        table.put(State.Kind.CRASHED, EnumSet.noneOf(State.Kind.class));
        for (State.Kind kind : State.Kind.values()) {
            if (!table.containsKey(kind)) {
                throw new IllegalStateException("the transition table misses " + kind); // caught by any test
            }
        }
        return table;
    }

    static Set<State.Kind> successors(State.Kind kind) {
        return TABLE.get(kind);
    }
}
