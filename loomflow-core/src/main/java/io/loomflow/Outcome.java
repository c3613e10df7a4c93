package io.loomflow;

import org.jspecify.annotations.Nullable;

/**
 * How one run ended, as a value: a result, the exception it failed with, or a cancellation.
 *
 * <p>Returned by {@link Handle#outcome()} and {@link MapHandle#outcomes()} for callers that want to
 * inspect every result instead of failing at the first error. Immutable and thread-safe.
 *
 * @param <R> the result type
 */
public sealed interface Outcome<R extends @Nullable Object> {

    /**
     * The run completed.
     *
     * @param value the result
     * @param <R> the result type
     */
    record Success<R extends @Nullable Object>(R value) implements Outcome<R> {
    }

    /**
     * The run failed.
     *
     * @param error exactly what the user's code threw (or the engine's timeout error)
     * @param <R> the result type
     */
    record Failure<R extends @Nullable Object>(Throwable error) implements Outcome<R> {
        /** Checks that the error is present. */
        public Failure {
            java.util.Objects.requireNonNull(error, "error");
        }
    }

    /**
     * The run was cancelled before it could finish.
     *
     * @param reason why, in words
     * @param <R> the result type
     */
    record Cancelled<R extends @Nullable Object>(String reason) implements Outcome<R> {
    }
}
