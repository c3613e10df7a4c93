package io.loomflow.store;

import io.loomflow.Event;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One step of a run's lineage: a run read or wrote a version of a dataset ({@link Event.DatasetAccess},
 * recorded with {@code RunContext.recordDatasetAccess}), with the run that did it and that run's
 * parent, the node it did it for (the data layer loads and saves in task runs named {@code load X}
 * and {@code save X}, children of the pipeline node's run). Immutable.
 *
 * @param runId the run that read or wrote
 * @param runName that run's name, such as {@code load orders}
 * @param parentId that run's parent, the node; {@code null} when a root run read or wrote itself
 * @param parentName the parent's name, or {@code null} when there is no parent or the history no
 *     longer has it (an item a map that keeps failures only did not keep)
 * @param sequence the event's position in the engine's stream: the order of a run tree's accesses
 * @param at when the access was recorded
 * @param access whether the run read or wrote
 * @param dataset the dataset's name, as its catalog names it
 * @param version the version read or written, or {@code null} for a dataset that is not versioned
 * @param location where the data is, without credentials
 */
public record DatasetAccessRecord(UUID runId, String runName, @Nullable UUID parentId, @Nullable String parentName,
                                  long sequence, Instant at, Event.DatasetAccess.Access access, String dataset,
                                  @Nullable String version, String location) {

    /** Checks the required parts. */
    public DatasetAccessRecord {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(runName, "runName");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(location, "location");
    }
}
