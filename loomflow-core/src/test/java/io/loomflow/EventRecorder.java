package io.loomflow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

/** A listener that keeps every event, for assertions on the event stream. */
final class EventRecorder implements EventListener {

    private final Queue<Event> events = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    @Override
    public void onEvent(Event event) {
        events.add(event);
    }

    @Override
    public void close() {
        closed = true;
    }

    boolean closed() {
        return closed;
    }

    List<Event> events() {
        return List.copyOf(events);
    }

    List<Event.StateChange> changes() {
        return events.stream().filter(Event.StateChange.class::isInstance).map(Event.StateChange.class::cast).toList();
    }

    /** The last state of each run, in order of first appearance. */
    Map<UUID, Event.StateChange> lastChangePerRun() {
        Map<UUID, Event.StateChange> last = new LinkedHashMap<>();
        for (Event.StateChange change : changes()) {
            last.put(change.run().id(), change);
        }
        return last;
    }

    List<Event.StateChange> lastChangesOf(String runName) {
        return lastChangePerRun().values().stream().filter(c -> c.run().name().equals(runName)).toList();
    }

    List<State> statesOf(UUID runId) {
        List<State> states = new ArrayList<>();
        for (Event.StateChange change : changes()) {
            if (change.run().id().equals(runId)) {
                states.add(change.state());
            }
        }
        return states;
    }

    List<String> stateLabelsOf(UUID runId) {
        return statesOf(runId).stream().map(State::label).toList();
    }
}
