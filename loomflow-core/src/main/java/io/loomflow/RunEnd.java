package io.loomflow;

import io.loomflow.internal.Exceptions;

/**
 * How a run ended, as the code waiting for it sees it: the final state with the value or the error,
 * and why the run was stopped. The one place for what {@code join()} returns or throws, what
 * {@code outcome()} holds, and how a run's future completes.
 *
 * @param run the run
 * @param state its final state
 * @param value its result, if it succeeded
 * @param error what it failed with, if it failed
 * @param why why it was stopped, or null
 */
record RunEnd(RunNode run, State state, Object value, Throwable error, Cancellation why) {

    /** The result, or the run's error thrown as it is. */
    Object valueOrThrow() {
        return switch (state) {
            case State.Completed completed -> value;
            case State.Cached cached -> value;
            case State.Failed failed -> throw Exceptions.rethrow(error);
            case State.Cancelled cancelled -> throw Exceptions.rethrow(cancelledError(cancelled.reason()));
            case State.Crashed crashed -> throw lost(crashed);
            case State.Scheduled s -> throw notFinal();
            case State.Pending p -> throw notFinal();
            case State.Running r -> throw notFinal();
            case State.Retrying r -> throw notFinal();
        };
    }

    /** The end as an {@link Outcome}. */
    Outcome<Object> outcome() {
        return switch (state) {
            case State.Completed completed -> new Outcome.Success<>(value);
            case State.Cached cached -> new Outcome.Success<>(value);
            case State.Failed failed -> new Outcome.Failure<>(error);
            case State.Cancelled cancelled -> new Outcome.Cancelled<>(cancelled.reason());
            case State.Crashed crashed -> new Outcome.Failure<>(lost(crashed));
            default -> throw notFinal();
        };
    }

    /**
     * What waiting for a cancelled run throws: the error of the failing sibling that caused it, so the
     * cause stays visible, or else a {@link RunCancelledException}.
     */
    Throwable cancelledError(String reason) {
        return why != null && why.siblingFailure() != null ? why.siblingFailure()
                : new RunCancelledException(run.describe() + " was cancelled: " + reason);
    }

    private RunLostException lost(State.Crashed crashed) {
        RunLostException durable = run.lostDurably();
        if (durable != null) {
            return durable;
        }
        return new RunLostException(run.describe() + " was lost: " + crashed.reason());
    }

    private IllegalStateException notFinal() {
        return new IllegalStateException("a joined run is in state " + state + "; this is a Loomflow bug");
    }
}
