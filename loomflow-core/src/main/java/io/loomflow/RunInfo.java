package io.loomflow;

import java.time.Instant;
import java.util.UUID;

/**
 * The identity of one run: what ran, with which input, where it sits in the run tree, and when it
 * was created. Every {@link Event} carries one.
 *
 * <p>Immutable and thread-safe. {@code parentId} and the {@code input} may be {@code null}.
 *
 * @param id this run's id, time-ordered (UUID version 7)
 * @param parentId the id of the run that started this one, or {@code null} for a root run
 * @param rootId the id of the root of this run's tree (equal to {@code id} for a root run)
 * @param name the flow's or task's name
 * @param kind whether a flow or a task ran
 * @param input the parameters or input the run was started with
 * @param createdAt when the run was created, on the engine's clock
 */
public record RunInfo(UUID id, UUID parentId, UUID rootId, String name, Kind kind, Object input,
                      Instant createdAt) {

    /** Whether a run is of a flow or of a task. */
    public enum Kind {
        /** A run of a {@link Flow}: a root flow run or a subflow. */
        FLOW,
        /** A run of a {@link Task}. */
        TASK
    }

    /**
     * Tells whether this run has no parent.
     *
     * @return {@code true} for a run started outside any other run
     */
    public boolean isRoot() {
        return parentId == null;
    }
}
