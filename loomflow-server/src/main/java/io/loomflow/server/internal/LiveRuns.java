package io.loomflow.server.internal;

import io.loomflow.Engine;
import io.loomflow.Event;
import io.loomflow.EventListener;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runs in flight on this server's engines, as their events tell: which engine runs each, and
 * the root of its tree. It answers at once, whatever the size of a run, what would otherwise take
 * the store (which may be behind) or a cancel (which may take long): whether a run is still going
 * here, and where. Thread-safe; the listeners only add and remove, on the runs' threads.
 */
final class LiveRuns {

    /** A run in flight: the engine it runs on, and its root. */
    record Live(Engine engine, UUID rootId) {
    }

    private final ConcurrentHashMap<UUID, Live> runs = new ConcurrentHashMap<>();

    /** A listener of {@code engine}'s events that keeps its runs here from their first state to their last. */
    EventListener listener(Engine engine) {
        return event -> {
            if (event instanceof Event.StateChange change) {
                if (change.state().isFinal()) {
                    runs.remove(change.run().id());
                } else if (change.previous() == null) {
                    runs.put(change.run().id(), new Live(engine, change.run().rootId()));
                }
            }
        };
    }

    /** The run with this id, if it is in flight on an engine of this server; else null. */
    Live find(UUID id) {
        return runs.get(id);
    }
}
