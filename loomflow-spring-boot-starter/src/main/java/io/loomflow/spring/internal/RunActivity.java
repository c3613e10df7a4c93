package io.loomflow.spring.internal;

import io.loomflow.Engine;
import io.loomflow.Event;
import io.loomflow.EventListener;
import io.loomflow.Subscription;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * Counts an engine's flow runs from its events, on the runs' threads, without blocking: started, in flight, and
 * each end with its state and duration, which it hands to {@code onEnd} (the metrics). Task runs are not counted.
 */
public final class RunActivity implements EventListener, AutoCloseable {

    private final Map<UUID, Instant> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong started = new AtomicLong();
    private volatile BiConsumer<String, Duration> onEnd = (state, took) -> { };
    private final Subscription subscription;

    /**
     * Listens to {@code engine} until closed.
     *
     * @param engine the engine
     */
    public RunActivity(Engine engine) {
        this.subscription = engine.subscribe(this);
    }

    /**
     * Tells {@code listener} each flow run's end: its state's label in lower case and its duration.
     *
     * @param listener what to tell
     */
    public void onEnd(BiConsumer<String, Duration> listener) {
        this.onEnd = listener;
    }

    @Override
    public void onEvent(Event event) {
        if (!(event instanceof Event.StateChange change) || change.run().kind() != io.loomflow.RunInfo.Kind.FLOW) {
            return;
        }
        UUID id = change.run().id();
        if (change.previous() == null && !change.state().isFinal()) {
            if (inFlight.putIfAbsent(id, change.at()) == null) {
                started.incrementAndGet();
            }
        } else if (change.state().isFinal()) {
            Instant from = inFlight.remove(id);
            onEnd.accept(change.state().label().toLowerCase(Locale.ROOT),
                    from == null ? Duration.ZERO : Duration.between(from, change.at()));
        }
    }

    /**
     * Counts the flow runs started.
     *
     * @return flow runs started since the engine was made
     */
    public long started() {
        return started.get();
    }

    /**
     * Counts the flow runs in flight.
     *
     * @return flow runs started and not ended
     */
    public int inFlight() {
        return inFlight.size();
    }

    /** Stops listening. */
    @Override
    public void close() {
        subscription.close();
    }
}
