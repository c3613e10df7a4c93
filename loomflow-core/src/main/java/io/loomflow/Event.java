package io.loomflow;

import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One entry of an engine's event stream: a run changed state, wrote a log line, or read or wrote a
 * dataset.
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

    /**
     * A run read or wrote a version of a dataset ({@link RunContext#recordDatasetAccess}): the
     * lineage of the data a run used and made, kept with the run's history.
     *
     * @param sequence the event's position in the stream
     * @param at when the access was recorded
     * @param run the run that read or wrote
     * @param access whether it read or wrote
     * @param dataset the dataset's name, as its catalog names it
     * @param version the version read or written, or {@code null} for a dataset that is not versioned
     * @param location where the data is, without credentials (for example {@code s3://bucket/key})
     */
    record DatasetAccess(long sequence, Instant at, RunInfo run, Access access, String dataset, @Nullable String version,
            String location) implements Event {
        /** Checks the required parts. */
        public DatasetAccess {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(run, "run");
            Objects.requireNonNull(access, "access");
            Objects.requireNonNull(dataset, "dataset");
            Objects.requireNonNull(location, "location");
        }

        /** Whether a run read a dataset or wrote it. */
        public enum Access {
            /** The run loaded the data. */
            READ,
            /** The run saved the data. */
            WRITE
        }
    }
}
