package io.loomflow.store;

import io.loomflow.ItemHistory;
import io.loomflow.State;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A map as the history keeps it: one node of its parent's tree with its items counted by state, its
 * first failures and its items' durations, kept current as items end. Immutable; a snapshot at the
 * time it was read.
 *
 * <p>Items that had not started when their map was cancelled are not runs (they have no id and no
 * events): they are the items not counted, {@link #notStarted()}, which count as Cancelled once the
 * map's parent has ended.
 *
 * @param id the map's id ({@link io.loomflow.RunInfo.MapItem#mapId()})
 * @param parentId the run that started the map
 * @param name the name of the task or flow its items run
 * @param size how many items the map has
 * @param history what the history keeps of its items
 * @param createdAt when its first recorded item was created
 * @param counts how many of its items are in each state now (states with none are left out)
 * @param firstFailures its first failed items, in the order they were recorded, at most
 *     {@value #FAILURES_KEPT}
 * @param durations how long its ended items ran
 */
public record MapSummary(UUID id, UUID parentId, String name, int size, ItemHistory history, Instant createdAt,
                         Map<State.Kind, Long> counts, List<ItemFailure> firstFailures, Durations durations)
        implements TreeNode {

    /** How many failures a summary keeps; {@link RunStore#items} with {@link State.Kind#FAILED} lists all. */
    public static final int FAILURES_KEPT = 5;

    /** Copies the counts and failures, leaving out zero counts. */
    public MapSummary {
        EnumMap<State.Kind, Long> kept = new EnumMap<>(State.Kind.class);
        counts.forEach((kind, count) -> {
            if (count != 0) {
                kept.put(kind, count);
            }
        });
        counts = java.util.Collections.unmodifiableMap(kept);
        firstFailures = List.copyOf(firstFailures);
    }

    /**
     * How many items are in a state now.
     *
     * @param kind the kind of state
     * @return the count, 0 if none
     */
    public long count(State.Kind kind) {
        return counts.getOrDefault(kind, 0L);
    }

    /**
     * How many items have ended (Completed, Cached, Failed, Cancelled or Crashed).
     *
     * @return the count
     */
    public long ended() {
        return counts.entrySet().stream().filter(entry -> entry.getKey().isFinal()).mapToLong(Map.Entry::getValue)
                .sum();
    }

    /**
     * How many items the history has not seen start: not yet reached by the map's workers, or, once
     * the map was cancelled, never to start.
     *
     * @return {@link #size()} less every counted item
     */
    public long notStarted() {
        return size - counts.values().stream().mapToLong(Long::longValue).sum();
    }
}
