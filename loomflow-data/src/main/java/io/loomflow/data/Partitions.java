package io.loomflow.data;

import io.loomflow.Handle;
import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The partitions of a {@link PartitionedDataset} as one load listed them: an unmodifiable map,
 * sorted by id, from each partition's id to a loader of its data. Nothing is read until a loader is
 * called; each call reads the partition again, in a task run of its own ({@code load NAME/ID}).
 * Thread-safe.
 *
 * @param <T> the type of one partition's data
 */
public final class Partitions<T> extends AbstractMap<String, Supplier<T>> {

    private final PartitionedDataset<T> dataset;
    private final SortedMap<String, Supplier<T>> partitions;
    private final AtomicBoolean confirmed = new AtomicBoolean();

    Partitions(PartitionedDataset<T> dataset, SortedMap<String, Supplier<T>> partitions) {
        this.dataset = dataset;
        this.partitions = Collections.unmodifiableSortedMap(partitions);
    }

    @Override
    public Set<Map.Entry<String, Supplier<T>>> entrySet() {
        return partitions.entrySet();
    }

    @Override
    public Supplier<T> get(Object id) {
        return partitions.get(id);
    }

    /**
     * The dataset these partitions are of.
     *
     * @return the dataset
     */
    public PartitionedDataset<T> dataset() {
        return dataset;
    }

    /**
     * Loads every partition, concurrently (each in its own task run, at most as many at once as the
     * dataset-io limit allows), and waits for them all.
     *
     * @return each partition's id and data, sorted by id
     * @throws DatasetException the first partition that cannot be read, naming it
     */
    public Map<String, T> loadAll() {
        Map<String, Handle<T>> loading = new LinkedHashMap<>();
        partitions.keySet().forEach(id -> loading.put(id, dataset.submitLoad(id)));
        Map<String, T> loaded = new LinkedHashMap<>();
        loading.forEach((id, handle) -> loaded.put(id, handle.join()));
        return Collections.unmodifiableMap(loaded);
    }

    /**
     * Marks these partitions as processed, for an incremental dataset: its checkpoint becomes the
     * last id listed here, so the next load gives only partitions after it. Does nothing for a
     * dataset that is not incremental, when no partition was listed, or when already confirmed. A
     * pipeline confirms the incremental datasets it loaded once its run succeeds.
     *
     * @throws DatasetException if the checkpoint cannot be saved
     */
    public void confirm() {
        if (dataset.isIncremental() && !partitions.isEmpty() && confirmed.compareAndSet(false, true)) {
            try {
                dataset.commitCheckpoint(partitions.lastKey());
            } catch (RuntimeException failed) {
                confirmed.set(false); // may be tried again
                throw failed;
            }
        }
    }

    /** The last id listed; only called when there is one. */
    String lastId() {
        return partitions.lastKey();
    }

    @Override
    public String toString() {
        return "Partitions[" + dataset.name() + ", " + partitions.keySet() + "]";
    }
}
