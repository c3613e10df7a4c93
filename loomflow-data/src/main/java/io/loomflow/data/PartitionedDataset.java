package io.loomflow.data;

import io.loomflow.Engine;
import io.loomflow.Handle;
import io.loomflow.Resource;
import io.loomflow.Task;
import io.loomflow.data.internal.Listing;
import io.loomflow.data.spi.NoSuchObjectException;
import io.loomflow.data.spi.Storage;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A folder or prefix of many objects as one dataset, as Kedro's {@code PartitionedDataset}: each
 * object under the prefix is a <em>partition</em>, read and written with one {@link Format}.
 *
 * <p>{@link #load()} lists the prefix once and returns {@link Partitions}: a sorted map from each
 * partition's id (its location relative to the prefix, without the suffix) to a loader that reads
 * that partition only when asked, as a task run of its own ({@code load NAME/ID}) under the
 * dataset-io limit; {@link Partitions#loadAll()} reads them all concurrently. {@link #save(Map)}
 * writes a map of partitions, concurrently, each atomically.
 *
 * <p>An <em>incremental</em> dataset (Kedro's {@code IncrementalDataset}) loads only the partitions
 * whose ids sort after its checkpoint, an object named {@value #CHECKPOINT} under the prefix that
 * holds the last partition id processed; {@link Partitions#confirm()} moves it, and a pipeline
 * confirms the incremental datasets it read when its run succeeds, so a failed run reads the same
 * partitions again next time. Each partition read or written inside a run is recorded in that
 * run's lineage under this dataset's name, at the partition's location (see {@link Dataset}); the
 * listing and the checkpoint are not. Immutable and thread-safe.
 * {@snippet class=io.loomflow.data.snippets.DatasetSnippets region=partitioned}
 *
 * @param <T> the type of one partition's data
 */
public final class PartitionedDataset<T> {

    /** The name of the checkpoint object of an incremental dataset, under its prefix. */
    public static final String CHECKPOINT = "CHECKPOINT";

    private final String name;
    private final URI prefix;
    private final Format<T> format;
    private final String suffix;
    private final boolean incremental;
    private final Resource<Storage> storage;

    private PartitionedDataset(String name, URI prefix, Format<T> format, String suffix, boolean incremental,
                               Resource<Storage> storage) {
        this.name = name;
        this.prefix = prefix;
        this.format = format;
        this.suffix = suffix;
        this.incremental = incremental;
        this.storage = storage;
    }

    /**
     * Defines a partitioned dataset; a prefix that does not end with {@code /} gets one, so that
     * {@code file:parts} lists the folder {@code parts}, not {@code parts2}.
     *
     * @param name a non-blank name, unique in its catalog
     * @param prefix the folder or prefix that holds the partitions, in the storage's URI scheme
     * @param format how each partition is read and written
     * @param storage the storage that holds them, as an engine resource
     * @param <T> the type of one partition's data
     * @return the dataset, with no suffix and not incremental
     */
    public static <T> PartitionedDataset<T> of(String name, URI prefix, Format<T> format, Resource<Storage> storage) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a dataset needs a non-blank name, was " + (name == null ? "null"
                    : "\"" + name + "\""));
        }
        Objects.requireNonNull(prefix, () -> "dataset '" + name + "' needs a prefix, such as file:data/parts/");
        Objects.requireNonNull(format, () -> "dataset '" + name + "' needs a format, such as Format.csv()");
        Objects.requireNonNull(storage, () -> "dataset '" + name + "' needs a storage, such as Storages.resource(...)");
        String text = prefix.toString();
        return new PartitionedDataset<>(name, text.endsWith("/") ? prefix : URI.create(text + "/"), format, "", false,
                storage);
    }

    /**
     * Returns a copy that takes only the objects whose names end with {@code suffix} (such as
     * {@code .csv}), and writes partitions with it; ids are given without it.
     *
     * @param suffix the suffix, empty for every object
     * @return the changed copy
     */
    public PartitionedDataset<T> withSuffix(String suffix) {
        return new PartitionedDataset<>(name, prefix, format, Objects.requireNonNull(suffix, "suffix"), incremental,
                storage);
    }

    /**
     * Returns a copy that is incremental: it loads only the partitions added after its checkpoint.
     *
     * @return the changed copy
     */
    public PartitionedDataset<T> incremental() {
        return new PartitionedDataset<>(name, prefix, format, suffix, true, storage);
    }

    /**
     * The dataset's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The prefix that holds the partitions, ending with {@code /}.
     *
     * @return the prefix
     */
    public URI location() {
        return prefix;
    }

    /**
     * How each partition is read and written.
     *
     * @return the format
     */
    public Format<T> format() {
        return format;
    }

    /**
     * The suffix of the partitions' names, empty if any object is a partition.
     *
     * @return the suffix
     */
    public String suffix() {
        return suffix;
    }

    /**
     * Tells whether the dataset is incremental.
     *
     * @return {@code true} if it loads only the partitions after its checkpoint
     */
    public boolean isIncremental() {
        return incremental;
    }

    /**
     * Where a partition lives.
     *
     * @param id the partition's id
     * @return the prefix, the id and the suffix
     */
    public URI location(String id) {
        return URI.create(prefix + id + suffix);
    }

    /**
     * Lists the partitions (once; none is read): for an incremental dataset, only those whose ids
     * sort after the checkpoint. An empty or missing prefix gives no partitions.
     *
     * @return the partitions, sorted by id, each loaded when asked
     * @throws DatasetException if the store cannot be listed
     */
    public Partitions<T> load() {
        Storage store = storage.get();
        List<URI> listed;
        try {
            listed = store.list(prefix);
        } catch (IOException failed) {
            throw new DatasetException(name, prefix, "dataset '" + name + "' could not list its partitions under "
                    + prefix + ": " + failed.getMessage(), failed, true);
        }
        @Nullable String after = incremental ? checkpoint(store).orElse(null) : null;
        TreeMap<String, Supplier<T>> partitions = new TreeMap<>();
        for (URI object : listed) {
            String relative = Listing.relative(name, prefix, object);
            if (!relative.endsWith(suffix) || (incremental && relative.equals(CHECKPOINT))) {
                continue;
            }
            String id = relative.substring(0, relative.length() - suffix.length());
            if (after == null || id.compareTo(after) > 0) {
                partitions.put(id, () -> loadPartition(id));
            }
        }
        return new Partitions<>(this, partitions);
    }

    /**
     * The ids of every partition there is, sorted, listed with the storage that {@code engine} has
     * open, whatever thread calls it; none is read, and an incremental dataset's checkpoint is not
     * applied (nor listed). For tools that watch data outside runs, such as a trigger that starts a
     * flow when new partitions appear.
     *
     * @param engine the engine whose storage resource is used (opened on first use)
     * @return the ids, sorted as strings; empty for an empty or missing prefix
     * @throws DatasetException if the store cannot be listed
     */
    public List<String> ids(Engine engine) {
        Objects.requireNonNull(engine, () -> "dataset '" + name + "': ids needs an engine, not null");
        Storage store = storage.get(engine);
        List<URI> listed;
        try {
            listed = store.list(prefix);
        } catch (IOException failed) {
            throw new DatasetException(name, prefix, "dataset '" + name + "' could not list its partitions under "
                    + prefix + ": " + failed.getMessage(), failed, true);
        }
        java.util.TreeSet<String> ids = new java.util.TreeSet<>();
        for (URI object : listed) {
            String relative = Listing.relative(name, prefix, object);
            if (relative.endsWith(suffix) && !(incremental && relative.equals(CHECKPOINT))) {
                ids.add(relative.substring(0, relative.length() - suffix.length()));
            }
        }
        return List.copyOf(ids);
    }

    /**
     * Tells whether the dataset has any partition (for an incremental one, any not processed yet).
     *
     * @return {@code true} if a partition is listed
     * @throws DatasetException if the store cannot be listed
     */
    public boolean exists() {
        return !load().isEmpty();
    }

    /** Reads one partition in a task run of its own, under the dataset-io limit. */
    T loadPartition(String id) {
        return Task.named("load " + name + "/" + id, this::read)
                .withLimit(Pipeline.IO_LIMIT, Pipeline.DEFAULT_IO_PERMITS).call(id);
    }

    /** Starts reading one partition in a task run of its own. */
    Handle<T> submitLoad(String id) {
        return Task.named("load " + name + "/" + id, this::read)
                .withLimit(Pipeline.IO_LIMIT, Pipeline.DEFAULT_IO_PERMITS).submit(id);
    }

    private T read(String id) {
        URI location = location(id);
        try {
            return partition(id).load();
        } catch (DatasetNotFoundException vanished) {
            throw new DatasetNotFoundException(name, location, "dataset '" + name + "': partition '" + id + "' was"
                    + " listed, but is no longer at " + location + "; it was removed after listing. Load the dataset"
                    + " again to list what is there now, and see what else deletes objects under " + prefix,
                    vanished.getCause());
        }
    }

    /**
     * One partition as a dataset of its own, named {@code NAME/ID} in its errors, and recorded in a
     * run's lineage as a read or write of this dataset at the partition's location.
     */
    private Dataset<T> partition(String id) {
        return Dataset.of(name + "/" + id, location(id), format, storage).recordedAs(name);
    }

    /**
     * Writes partitions, concurrently, each in a task run of its own ({@code save NAME/ID}) under the
     * dataset-io limit, and each atomically; partitions already there and not in the map are kept.
     * A value may be a {@link Supplier} of the partition's data, called in the partition's own run,
     * so that partitions are computed as they are written.
     *
     * @param partitions each partition's id (such as {@code 2024-01-31}, or {@code day/part-1}) and
     *     its data, or a supplier of it
     * @throws DatasetException if a partition cannot be written (the first such error; the other
     *     partitions are written or not, each whole)
     * @throws IllegalArgumentException for an id that is blank, starts with {@code /} or holds
     *     {@code ..}
     */
    @SuppressWarnings("unchecked")
    public void save(Map<String, ?> partitions) {
        Objects.requireNonNull(partitions, () -> "dataset '" + name + "' is saved from a map of partitions, not null");
        for (String id : partitions.keySet()) {
            if (id == null || id.isBlank() || id.startsWith("/") || id.contains("..")) {
                throw new IllegalArgumentException("dataset '" + name + "': partition id " + (id == null ? "null"
                        : "'" + id + "'") + " cannot be saved; give a relative name such as 2024-01-31 or day/part-1");
            }
        }
        List<Handle<String>> saving = new ArrayList<>();
        for (Map.Entry<String, ?> entry : new TreeMap<>(partitions).entrySet()) {
            String id = entry.getKey();
            Object value = entry.getValue();
            // The run's input is the partition's id, not its value: the history records a run's input.
            saving.add(Task.named("save " + name + "/" + id, (String partitionId) -> {
                T content = value instanceof Supplier<?> supplier ? (T) supplier.get() : (T) value;
                partition(partitionId).save(content);
                return partitionId;
            }).withLimit(Pipeline.IO_LIMIT, Pipeline.DEFAULT_IO_PERMITS).submit(id));
        }
        saving.forEach(Handle::join);
    }

    /**
     * The checkpoint of an incremental dataset: the id of the last partition processed.
     *
     * @return the id, or empty if no run has confirmed one yet
     * @throws DatasetException if the store cannot be read
     */
    public Optional<String> checkpoint() {
        return checkpoint(storage.get());
    }

    private Optional<String> checkpoint(Storage store) {
        URI location = URI.create(prefix + CHECKPOINT);
        try {
            return Optional.of(new String(store.read(location), StandardCharsets.UTF_8).strip());
        } catch (NoSuchObjectException absent) {
            return Optional.empty();
        } catch (IOException failed) {
            throw new DatasetException(name, location, "dataset '" + name + "' could not read its checkpoint at "
                    + location + ": " + failed.getMessage(), failed, true);
        }
    }

    /** Writes the checkpoint, atomically. */
    void commitCheckpoint(String id) {
        URI location = URI.create(prefix + CHECKPOINT);
        try {
            storage.get().write(location, id.getBytes(StandardCharsets.UTF_8));
        } catch (IOException failed) {
            throw new DatasetException(name, location, "dataset '" + name + "' could not save its checkpoint ("
                    + id + ") to " + location + "; the partitions after the old one will be loaded again: "
                    + failed.getMessage(), failed, true);
        }
    }

    @Override
    public String toString() {
        return "PartitionedDataset[" + name + ", " + prefix + (suffix.isEmpty() ? "" : "*" + suffix) + ", "
                + format.name() + (incremental ? ", incremental" : "") + "]";
    }
}
