package io.loomflow.schedules;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A slot a schedule fired, as its row in the slot table says.
 *
 * @param slot the slot's key (a cron slot's wall-clock time in the schedule's zone, such as
 *     {@code 2026-11-01T01:30}; an interval's or a one-off's instant)
 * @param time the slot's instant; {@code null} when the key is not one of the schedule's timing any
 *     more (the schedule was redefined since)
 * @param runId the id of the run it started (or will start, while {@code claimed})
 * @param state {@code claimed} (its run not started yet), {@code started} or {@code ended}
 * @param claimedAt when it was claimed (or last taken over), by the claiming scheduler's clock
 */
public record FiredSlot(String slot, @Nullable Instant time, UUID runId, String state, Instant claimedAt) {

    /**
     * Checks.
     *
     * @param slot the slot's key
     * @param time its instant, or null
     * @param runId its run's id
     * @param state its state
     * @param claimedAt when claimed
     */
    public FiredSlot {
        Objects.requireNonNull(slot, "slot");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(claimedAt, "claimedAt");
    }
}
