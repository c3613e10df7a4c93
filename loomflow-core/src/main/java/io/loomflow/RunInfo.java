package io.loomflow;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The identity of one run: what ran, with which input, where it sits in the run tree, and when it
 * was created. Every {@link Event} carries one.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id this run's id, time-ordered (UUID version 7)
 * @param parentId the id of the run that started this one; {@code null} for a root run
 * @param rootId the id of the root of this run's tree (equal to {@code id} for a root run)
 * @param name the flow's or task's name
 * @param kind whether a flow or a task ran
 * @param input the parameters or input the run was started with
 * @param createdAt when the run was created, on the engine's clock
 * @param mapItem where the run sits in the map that started it; {@code null} for a run that is not
 *     a map's item
 */
public record RunInfo(UUID id, @Nullable UUID parentId, UUID rootId, String name, Kind kind, @Nullable Object input,
                      Instant createdAt, @Nullable MapItem mapItem) {

    /**
     * The identity of a run that is not a map's item.
     *
     * @param id this run's id
     * @param parentId its parent's id; {@code null} for a root run
     * @param rootId its root's id
     * @param name the flow's or task's name
     * @param kind flow or task
     * @param input its parameters or input
     * @param createdAt when it was created
     */
    public RunInfo(UUID id, @Nullable UUID parentId, UUID rootId, String name, Kind kind, @Nullable Object input,
                   Instant createdAt) {
        this(id, parentId, rootId, name, kind, input, createdAt, null);
    }

    /**
     * Where an item run sits in its map: the map's id (one per call of {@code map}, shared by its
     * items, time-ordered like run ids), the item's index among the map's inputs, how many items
     * the map has, and what the history keeps of them. Listeners use it to show and record a map
     * as one node with counts, instead of one node per item. An item that had not started when its
     * map was cancelled is not a run and has no events: the map's size minus the items a listener
     * saw are the ones that never started (they count as cancelled; see {@link MapHandle}).
     *
     * @param mapId the map's id
     * @param index the item's index, from 0
     * @param size the number of items in the map
     * @param history what a run history keeps of the map's items
     */
    public record MapItem(UUID mapId, int index, int size, ItemHistory history) {
    }

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

    /**
     * Tells whether this run is an item of a map.
     *
     * @return {@code true} if {@link #mapItem()} is set
     */
    public boolean isMapItem() {
        return mapItem != null;
    }
}
