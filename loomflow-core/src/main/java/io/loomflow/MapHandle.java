package io.loomflow;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The runs started by one {@link Task#map(java.util.Collection) map}: one run per input, whose
 * results come back in input order.
 *
 * <p>Items start as concurrency allows: with a named limit, no more items run at once than the
 * limit has permits; without one, all start at once. Under {@link FailurePolicy#CANCEL_SIBLINGS}
 * the first failing item cancels the items still running or waiting. Thread-safe.
 *
 * <p><b>Items that never started.</b> A map is cancelled by {@link #cancel()}, by the cancellation
 * of the run that started it, by a failing item under {@link FailurePolicy#CANCEL_SIBLINGS}, or by
 * the engine's close. An item that had not started when its map was cancelled is not a run: it has
 * no run id and no events; it counts as {@link Outcome.Cancelled} in {@link #outcomes()} (all such
 * items share one outcome, with the reason), and {@link #join()} treats it as any cancelled item.
 * The map ends as soon as the items that did start have settled, however many were left. Listeners
 * know the map's size from {@link RunInfo.MapItem#size()}, so the size minus the items they saw are
 * the ones that never started.
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
     * @throws RunCancelledException if the map was cancelled from outside; its message names the
     *     first cancelled item's index
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
     * items that never started count as cancelled without ever becoming runs (see above). Calling it
     * again, or after the map ended, does nothing. The same contract as {@link Handle#cancel()}.
     *
     * @return {@code true} if this call started the cancellation; {@code false} if every item had
     *     already ended or the map was already being cancelled (by an earlier call, its parent, a
     *     failing item or the engine's close)
     */
    boolean cancel();
}
