package io.loomflow.store;

import java.util.UUID;

/**
 * One failed item of a map, as its summary keeps it. Immutable.
 *
 * @param index the item's index in the map, from 0
 * @param runId the item run's id, whose record and log lines the store keeps whatever the map's
 *     {@link io.loomflow.ItemHistory}
 * @param error the error it failed with
 */
public record ItemFailure(int index, UUID runId, ErrorRecord error) {
}
