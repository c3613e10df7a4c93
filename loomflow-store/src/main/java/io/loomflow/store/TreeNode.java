package io.loomflow.store;

import java.time.Instant;
import java.util.UUID;

/**
 * One node among a run's children: a run, or a whole map shown as one node with its summary (its
 * items are read page by page with {@link RunStore#items}). Immutable.
 */
public sealed interface TreeNode permits RunRecord, MapSummary {

    /**
     * The node's id: the run's id, or the map's.
     *
     * @return the id
     */
    UUID id();

    /**
     * The name of the flow or task that ran (for a map, the name of its items).
     *
     * @return the name
     */
    String name();

    /**
     * When the node was created: the run's first state, or the map's first item.
     *
     * @return the time
     */
    Instant createdAt();
}
