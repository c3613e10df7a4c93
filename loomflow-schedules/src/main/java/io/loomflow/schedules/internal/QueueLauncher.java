package io.loomflow.schedules.internal;

import io.loomflow.Flow;
import io.loomflow.schedules.Schedule;
import io.loomflow.schedules.Slot;
import io.loomflow.workers.QueuedRun;
import io.loomflow.workers.QueuedRunFailedException;
import io.loomflow.workers.Submission;
import io.loomflow.workers.WorkQueue;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Submits runs to a {@link WorkQueue} with the slot's idempotency key, so a launch made again (a
 * retry, a recovery by another scheduler) gives the run already queued; learns of runs from the
 * queue's table ({@code lf_queue}) in the scheduler's database, which must be the queue's.
 */
public final class QueueLauncher implements Launcher {

    private final WorkQueue queue;
    private final Submission submission;
    private final SlotTable table;

    public QueueLauncher(WorkQueue queue, Submission submission, SlotTable table) {
        this.queue = queue;
        this.submission = submission;
        this.table = table;
    }

    /**
     * The idempotency key of a slot's run: the same for every scheduler and every retry.
     *
     * @param schedule the schedule's name
     * @param slot the slot's key
     * @return the key
     */
    public static String key(String schedule, String slot) {
        return "loomflow-schedule:" + schedule + "@" + slot;
    }

    @Override
    public UUID launch(Schedule schedule, Flow<Object, Object> flow, Object params, Slot slot, UUID runId,
            Consumer<Boolean> ended) {
        QueuedRun<Object> run = queue.runAsync(flow, params, submission.withIdempotencyKey(key(schedule.name(),
                slot.key())));
        run.result().whenComplete((result, failure) -> ended.accept(failure == null
                || unwrap(failure) instanceof QueuedRunFailedException));
        return run.id();
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
    }

    @Override
    public Status status(UUID runId) {
        return table.queuedRunStatus(runId);
    }

    @Override
    public boolean idempotent() {
        return true;
    }

    @Override
    public void close() {
        // the queue is the caller's
    }
}
