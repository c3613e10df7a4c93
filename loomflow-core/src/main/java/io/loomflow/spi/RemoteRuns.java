package io.loomflow.spi;

import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.NullUnmarked;
import org.jspecify.annotations.Nullable;

/**
 * Where an engine sends the items of distributed maps: each item of a map over a task marked
 * {@code Task.withQueue(queue)}, inside a durable run, becomes a queued child run that another
 * process executes, and the item's local run waits for its result.
 *
 * <p>Given to {@code Engine.builder().remoteRuns(remoteRuns)}; {@code loomflow-workers} gives one
 * to every worker's engine. An engine without one, and a map outside a durable run
 * ({@code RunOptions.withCheckpoints}), runs such items locally as any other.
 *
 * <p><b>Identity.</b> The engine calls {@link #submit} only after it looked the item's checkpoint
 * up and found none. Each request carries the item's {@linkplain Request#idempotencyKey()
 * idempotency key}, made of the durable run's scope and the item's checkpoint key: the same item of
 * the same durable run has the same key in every execution of that run. Implementations must
 * return the child run already submitted under that key, not submit a second one, so that a parent
 * executed again after its process died re-attaches to the children it had submitted. When the
 * future completes, the engine checkpoints the result as for any child.
 *
 * <p><b>Futures.</b> The returned future completes with the child's result (built with the
 * request's class loader), or exceptionally with an exception that describes its failure; the item
 * fails with that exception, unchanged (the child's retries are the executing process's: the
 * waiting item does not retry). When the item is cancelled, the engine cancels the future
 * ({@code cancel(true)}), except when the whole durable run was lost (its checkpoints failed): its
 * next execution re-attaches to the children. The implementation then cancels the child run, best
 * effort, and should not when the durable run is no longer this process's (it was handed back and
 * resumes elsewhere, where the child runs are re-attached).
 *
 * <p><b>Costs.</b> {@link #submit} is called from the items' own (virtual) threads, at most
 * {@link #maxInFlight()} items of a map at once; it must not block for long, and should batch the writes of many
 * submissions together rather than open one transaction each.
 *
 * <p><b>Thread-safety.</b> Implementations must be thread-safe. Nulls: only a request's input may
 * be null. Lifecycle: the engine does not close it; its owner (a worker) does, after the engine.
 */
public interface RemoteRuns {

    /**
     * Submits an item as a queued child run, or finds the one submitted before under the same
     * idempotency key.
     *
     * @param request what to run, and under which key
     * @return the child's result, which may be null; cancelling it asks for the child to be cancelled
     */
    @NullUnmarked
    CompletableFuture<Object> submit(Request request);

    /**
     * How many items of one distributed map may be in flight here at once (looking up their
     * checkpoint, submitted and awaited, saving their checkpoint); the others wait their turn in
     * the map, costing only their place in its input list. It bounds what a map of 100,000 items
     * asks of the checkpoints and of this object at once; keep it well above the number of slots
     * of the processes that execute the children, so that they never run out of queued items.
     *
     * @return 1 or more; 1,000 unless the implementation says otherwise
     */
    default int maxInFlight() {
        return 1_000;
    }

    /**
     * One item of a distributed map.
     *
     * @param scope the durable root run's checkpoint scope (for a worker, the queued run's id)
     * @param idempotencyKey the item's key: the same for the same item in every execution of the
     *     durable run, different for every other item
     * @param queue the queue the task was marked with
     * @param task the task's name
     * @param input the item's input; may be null
     * @param loader the class loader of the task's code, to build the result's classes with
     */
    record Request(UUID scope, String idempotencyKey, String queue, String task, @Nullable Object input,
                   ClassLoader loader) {

        /**
         * Checks that every part but the input is present.
         *
         * @throws NullPointerException if a part other than the input is null
         */
        public Request {
            Objects.requireNonNull(scope, "scope");
            Objects.requireNonNull(idempotencyKey, "idempotencyKey");
            Objects.requireNonNull(queue, "queue");
            Objects.requireNonNull(task, "task");
            Objects.requireNonNull(loader, "loader");
        }
    }
}
