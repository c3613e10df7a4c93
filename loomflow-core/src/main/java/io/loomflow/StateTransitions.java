package io.loomflow;

import java.util.Map;
import java.util.Set;

/** The one table of legal state transitions, keyed by the state a run is in. */
final class StateTransitions {

    private static final Map<Class<? extends State>, Set<Class<? extends State>>> TABLE = Map.of(
            State.Scheduled.class, Set.of(State.Pending.class, State.Running.class, State.Cached.class,
                    State.Failed.class, State.Cancelled.class, State.Crashed.class),
            State.Pending.class, Set.of(State.Running.class, State.Cancelled.class, State.Crashed.class),
            State.Running.class, Set.of(State.Completed.class, State.Failed.class, State.Retrying.class,
                    State.Cancelled.class, State.Crashed.class),
            State.Retrying.class, Set.of(State.Pending.class, State.Running.class, State.Cancelled.class,
                    State.Crashed.class),
            State.Completed.class, Set.of(),
            State.Cached.class, Set.of(),
            State.Failed.class, Set.of(),
            State.Cancelled.class, Set.of(),
            State.Crashed.class, Set.of());

    private StateTransitions() {
    }

    static Set<Class<? extends State>> successors(State state) {
        return TABLE.get(state.getClass());
    }
}
