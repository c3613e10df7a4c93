package io.loomflow;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A run that was started and may still be running: join it for its result, inspect its state, or
 * cancel it. Returned by {@link Task#submit(Object)}, {@link Flow#submit(Object)} and
 * {@link Engine#submit(Flow, Object)}.
 *
 * <p>Inside a run, a submitted child that is never joined is still awaited before its parent ends;
 * if it failed, the parent fails with its error. Thread-safe.
 *
 * @param <R> the result type
 */
public interface Handle<R extends @Nullable Object> {

    /**
     * The run's id.
     *
     * @return the id, also found in every event of the run
     */
    UUID runId();

    /**
     * The run's identity: name, kind, parent and input.
     *
     * @return the run's info
     */
    RunInfo info();

    /**
     * The run's state right now.
     *
     * @return the current state
     */
    State state();

    /**
     * Tells whether the run has reached a final state.
     *
     * @return {@code true} once the run has ended
     */
    boolean isDone();

    /**
     * Waits for the run to end and returns its result.
     *
     * <p>If the run failed, throws exactly what its code threw (checked exceptions included, though
     * not declared). If it was cancelled because a sibling failed, throws that sibling's error;
     * otherwise a cancelled run throws {@link RunCancelledException}.
     *
     * @return the result
     * @throws RunCancelledException if the run was cancelled, or the waiting thread's own run is
     *     being cancelled (interrupted)
     * @throws IllegalStateException if called inside a run of a different engine
     */
    R join();

    /**
     * Waits for the run to end and returns how it ended, without throwing its error.
     *
     * @return the outcome
     */
    Outcome<R> outcome();

    /**
     * Asks the run, and every run below it, to stop, and returns at once without waiting for it to
     * end. Cooperative: its thread is interrupted and its children are cancelled; it ends
     * {@link State.Cancelled}. Calling it again, or after the run ended, does nothing. The same
     * contract as {@link MapHandle#cancel()}.
     *
     * @return {@code true} if this call started the cancellation; {@code false} if the run had
     *     already ended or was already being cancelled (by an earlier call, its parent, a failing
     *     sibling or the engine's close)
     */
    boolean cancel();
}
