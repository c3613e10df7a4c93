package io.loomflow.schedules;

import java.util.List;

/**
 * What fired a dataset trigger, as its parameter function sees it.
 *
 * @param dataset the dataset's name in the catalog
 * @param keys the new version (one), or the new partitions' ids (the batch, sorted)
 */
public record NewData(String dataset, List<String> keys) {

    /** Copies the keys. */
    public NewData {
        keys = List.copyOf(keys);
    }
}
