package io.loomflow;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The runs started by one {@link Task#map(java.util.Collection) map}: one run per input, whose
 * results come back in input order.
 *
 * <p>Items start as concurrency allows: with a named limit, no more items run at once than the
 * limit has permits; without one, all start at once. Under {@link FailurePolicy#CANCEL_SIBLINGS}
 * the first failing item cancels the items still running or waiting. Items that never started
 * are recorded as {@link State.Cancelled} runs. Thread-safe.
 *
 * @param <R> the result type of each item
 */
public interface MapHandle<R extends @Nullable Object> {

    /**
     * How many items the map has.
     *
     * @return the number of inputs
     */
    int size();

    /**
     * Waits for every item and returns their results in input order.
     *
     * @return the results, in the order of the inputs
     * @throws RunCancelledException if the map was cancelled from outside
     */
    List<R> join();

    /**
     * Waits for every item and returns how each ended, in input order, without throwing.
     *
     * @return one outcome per input
     */
    List<Outcome<R>> outcomes();

    /**
     * Tells whether every item has ended.
     *
     * @return {@code true} once all items have reached a final state
     */
    boolean isDone();

    /**
     * Asks every item still running or waiting to stop, and returns at once without waiting for
     * them to end. Items already ended keep their state; the others end {@link State.Cancelled}, and
     * items that never started are recorded Cancelled. Calling it again, or after the map ended,
     * does nothing. The same contract as {@link Handle#cancel()}.
     *
     * @return {@code true} if this call started the cancellation; {@code false} if every item had
     *     already ended or the map was already being cancelled (by an earlier call, its parent, a
     *     failing item or the engine's close)
     */
    boolean cancel();
}
