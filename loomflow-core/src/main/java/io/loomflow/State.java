package io.loomflow;

import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * The state of a run. Every run starts {@link Scheduled} and ends in exactly one final state:
 * {@link Completed}, {@link Cached}, {@link Failed}, {@link Cancelled} or {@link Crashed}.
 *
 * <p>The legal moves between states are one table ({@link #canMoveTo(State)}); the engine refuses
 * any other move, and each move is published as one {@link Event.StateChange}. A run fails from
 * Scheduled when it cannot start at all (for example, it names a limit no one defined), and ends
 * Cached from Scheduled when its result was found in the engine's result store before it took a
 * permit or ran (see {@link Task#withCache(Cache)}):
 * <pre>
 * Scheduled -> Pending | Running | Cached | Failed | Cancelled | Crashed
 * Pending   -> Running | Cancelled | Crashed
 * Running   -> Completed | Failed | Retrying | Cancelled | Crashed
 * Retrying  -> Pending | Running | Cancelled | Crashed
 * </pre>
 * States are immutable values; switch over them exhaustively.
 */
public sealed interface State {

    /**
     * Tells whether no state can follow this one.
     *
     * @return {@code true} for Completed, Cached, Failed, Cancelled and Crashed
     */
    default boolean isFinal() {
        return StateTransitions.successors(this).isEmpty();
    }

    /**
     * Tells whether the transition table allows a move from this state to {@code next}.
     *
     * @param next the candidate next state
     * @return {@code true} if the move is legal
     */
    default boolean canMoveTo(State next) {
        return StateTransitions.successors(this).contains(next.getClass());
    }

    /**
     * A short name for display: {@code "Running"}, {@code "Failed"} and so on.
     *
     * @return the simple name of this state
     */
    default String label() {
        return getClass().getSimpleName();
    }

    /** Created and admitted, not started yet. */
    record Scheduled() implements State {
    }

    /**
     * Waiting for a permit of a named concurrency limit.
     *
     * @param limit the name of the limit
     */
    record Pending(String limit) implements State {
        /** Checks the limit name. */
        public Pending {
            Objects.requireNonNull(limit, "limit");
        }
    }

    /**
     * Executing the user's code.
     *
     * @param attempt the attempt number, 1 for the first
     */
    record Running(int attempt) implements State {
    }

    /**
     * An attempt failed and another will follow after a delay.
     *
     * @param failedAttempt the attempt that failed, 1 for the first
     * @param delay how long the engine waits before the next attempt
     * @param error what the failed attempt threw
     */
    record Retrying(int failedAttempt, Duration delay, Throwable error) implements State {
    }

    /**
     * Finished with a result.
     *
     * @param result the result, possibly {@code null}
     */
    record Completed(Object result) implements State {
    }

    /**
     * Finished without running: a result stored earlier was reused, from the task's cache or, in a
     * resumed run, from the run being resumed. Joining or calling the run returns {@code result},
     * exactly as for {@link Completed}.
     *
     * @param result the reused result, possibly {@code null}
     * @param key the key the result was stored under
     * @param producedBy the id of the run that produced the result, or {@code null} if the store does
     *     not know it
     */
    record Cached(Object result, String key, UUID producedBy) implements State {
        /** Checks that the key is present. */
        public Cached {
            Objects.requireNonNull(key, "key");
        }
    }

    /**
     * Finished with an error.
     *
     * @param error exactly what the user's code threw, or the engine's timeout error
     */
    record Failed(Throwable error) implements State {
        /** Checks that the error is present. */
        public Failed {
            Objects.requireNonNull(error, "error");
        }
    }

    /**
     * Stopped before it finished, because it, an ancestor, or the engine was cancelled or closed,
     * or because a sibling failed.
     *
     * @param reason why, in words
     */
    record Cancelled(String reason) implements State {
    }

    /**
     * The engine lost the run: its code did not stop when cancelled at shutdown, or the process
     * that ran it died.
     *
     * @param reason why, in words
     */
    record Crashed(String reason) implements State {
    }
}
