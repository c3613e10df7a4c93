package io.loomflow;

/**
 * Receives an engine's events: every state change of every run, and every log line.
 *
 * <p>Events are delivered synchronously on the thread that caused them, so a listener must be fast
 * and thread-safe; one that needs to do I/O should queue the event and work off the run's thread.
 * A run's final state reaches every listener before the run's caller sees its result. An exception
 * thrown by a listener is logged and does not affect the run.
 *
 * <p>Listeners given to {@link Engine.Builder#listener(EventListener)} are closed when the engine
 * closes, in reverse order of registration, after every run has ended: {@link #close()} is the
 * place to flush.
 */
@FunctionalInterface
public interface EventListener extends AutoCloseable {

    /**
     * Receives one event.
     *
     * @param event the event
     */
    void onEvent(Event event);

    /** Flushes and releases whatever the listener holds; called once, when its engine closes. */
    @Override
    default void close() {
    }
}
