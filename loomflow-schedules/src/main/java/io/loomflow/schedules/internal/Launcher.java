package io.loomflow.schedules.internal;

import io.loomflow.Flow;
import io.loomflow.schedules.Schedule;
import io.loomflow.schedules.Slot;
import java.util.UUID;
import java.util.function.Consumer;

/** Where a scheduler starts the run of a slot, and how it learns whether a run of that id exists or has ended. */
public interface Launcher extends AutoCloseable {

    /** What is known of a run by its id. */
    enum Status {
        /** Not known: never started, or started and lost before anything recorded it. */
        MISSING,
        /** Started and not ended. */
        ACTIVE,
        /** Ended, whatever the ending. */
        ENDED
    }

    /**
     * Starts the run of a slot.
     *
     * @param schedule the schedule
     * @param flow its flow
     * @param params the bound parameters
     * @param slot the slot
     * @param runId the id chosen when the slot was claimed
     * @param ended called once when this process stops following the run: with {@code true} when it
     *     ended, {@code false} when its end will not be known here (the queue was closed)
     * @return the id the run has (a queued run's id for a work queue)
     */
    UUID launch(Schedule schedule, Flow<Object, Object> flow, Object params, Slot slot, UUID runId,
            Consumer<Boolean> ended);

    /**
     * What is known of a run.
     *
     * @param runId its id
     * @return its status
     */
    Status status(UUID runId);

    /**
     * Whether a claimed slot whose launch may have been lost is started again only when
     * {@link #status} says {@link Status#MISSING} (an engine), or launched again in any case because
     * a launch is idempotent (a work queue with the slot's idempotency key).
     *
     * @return whether a second launch of a slot is harmless
     */
    boolean idempotent();

    @Override
    void close();
}
