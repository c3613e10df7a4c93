package io.loomflow;

import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One entry of an engine's event stream: a run changed state, or a run wrote a log line.
 *
 * <p>The run history, the web UI, the command line's progress view and the logs all read this one
 * stream ({@link EventListener}). {@code sequence} numbers are unique and increasing per engine; the
 * events of one run reach each listener in sequence order. Events are immutable.
 */
public sealed interface Event {

    /**
     * The event's position in its engine's stream, starting at 1.
     *
     * @return a number unique within the engine, greater than that of every earlier event of the
     *     same run
     */
    long sequence();

    /**
     * When the event happened, on the engine's clock.
     *
     * @return the time of the event
     */
    Instant at();

    /**
     * The run the event is about.
     *
     * @return the run's identity
     */
    RunInfo run();

    /**
     * A run moved from one state to another.
     *
     * @param sequence the event's position in the stream
     * @param at when the move happened
     * @param run the run
     * @param previous the state before, or {@code null} for the first state ({@link State.Scheduled})
     * @param state the state after
     */
    record StateChange(long sequence, Instant at, RunInfo run, @Nullable State previous, State state) implements Event {
        /** Checks the required parts. */
        public StateChange {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(run, "run");
            Objects.requireNonNull(state, "state");
        }
    }

    /**
     * A run wrote a line to its logger ({@link RunContext#log()}).
     *
     * @param sequence the event's position in the stream
     * @param at when the line was written
     * @param run the run that wrote it
     * @param level its level
     * @param message the formatted message
     * @param error an exception logged with the line, if any
     */
    record LogLine(long sequence, Instant at, RunInfo run, Level level, String message, @Nullable Throwable error)
            implements Event {
        /** Checks the required parts. */
        public LogLine {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(run, "run");
            Objects.requireNonNull(level, "level");
            Objects.requireNonNull(message, "message");
        }
    }
}
