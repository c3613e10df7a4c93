package io.loomflow;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The event stream of one engine: numbers each event, delivers it to every listener on the thread
 * of the run it is about, and keeps a failing listener from stopping runs or flooding the log.
 * Thread-safe.
 */
final class EngineEvents {

    private final String engineName;
    private final TimeSource clock;
    private final CopyOnWriteArrayList<EventListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong sequence = new AtomicLong();
    private final ConcurrentHashMap<EventListener, AtomicLong> listenerFailures = new ConcurrentHashMap<>();

    EngineEvents(String engineName, TimeSource clock, List<EventListener> ownedListeners) {
        this.engineName = engineName;
        this.clock = clock;
        this.listeners.addAll(ownedListeners);
    }


    void publishStateChange(RunInfo run, @Nullable State previous, State next) {
        if (listeners.isEmpty()) {
            return;
        }
        publish(new Event.StateChange(sequence.incrementAndGet(), clock.now(), run, previous, next));
    }

    void publishLog(RunInfo run, Level level, String message, @Nullable Throwable error) {
        if (listeners.isEmpty()) {
            return;
        }
        publish(new Event.LogLine(sequence.incrementAndGet(), clock.now(), run, level, message, error));
    }

    void publishDatasetAccess(RunInfo run, Event.DatasetAccess.Access access, String dataset, @Nullable String version,
            String location) {
        if (listeners.isEmpty()) {
            return;
        }
        publish(new Event.DatasetAccess(sequence.incrementAndGet(), clock.now(), run, access, dataset, version, location));
    }

    private void publish(Event event) {
        for (EventListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException | Error failure) {
                reportListenerFailure(listener, event, failure);
            }
        }
    }

    /** Logs a listener's first failure in full, then one line each time its count of failures doubles. */
    private void reportListenerFailure(EventListener listener, Event event, Throwable failure) {
        long count = listenerFailures.computeIfAbsent(listener, key -> new AtomicLong()).incrementAndGet();
        if (count == 1) {
            Loggers.engine().log(Level.WARNING, "event listener " + listener + " of engine '" + engineName + "' failed on " + event
                    + "; runs go on, and further failures of this listener are counted", failure);
        } else if (Long.bitCount(count) == 1) {
            Loggers.engine().log(Level.WARNING, "event listener " + listener + " of engine '" + engineName + "' has failed " + count
                    + " times; the latest: " + failure);
        }
    }

    Subscription subscribe(EventListener listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Stops delivering events to every listener. */
    void clear() {
        listeners.clear();
    }
}
