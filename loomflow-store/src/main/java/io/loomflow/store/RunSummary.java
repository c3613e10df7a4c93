package io.loomflow.store;

import io.loomflow.State;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A run and what is below it, in a size that does not grow with its number of children: its record,
 * its direct children counted by state (the items of its maps included), and its maps' summaries.
 * What the run page and {@code loomflow show} read first; the children themselves are read page by
 * page with {@link RunStore#children(java.util.UUID, PageQuery)}. Immutable.
 *
 * @param run the run's record
 * @param childCounts how many of its direct children (map items included) are in each state now;
 *     states with none are left out
 * @param maps the summaries of the maps it started, oldest first, at most {@value #MAPS_SHOWN}
 * @param mapCount how many maps it started in all
 */
public record RunSummary(RunRecord run, Map<State.Kind, Long> childCounts, List<MapSummary> maps, int mapCount) {

    /** How many map summaries a run summary carries at most. */
    public static final int MAPS_SHOWN = 100;

    /** Copies the counts and the maps, leaving out zero counts. */
    public RunSummary {
        EnumMap<State.Kind, Long> kept = new EnumMap<>(State.Kind.class);
        childCounts.forEach((kind, count) -> {
            if (count != 0) {
                kept.put(kind, count);
            }
        });
        childCounts = java.util.Collections.unmodifiableMap(kept);
        maps = List.copyOf(maps);
    }

    /**
     * How many direct children the run has, map items included, in every state.
     *
     * @return the count
     */
    public long childTotal() {
        return childCounts.values().stream().mapToLong(Long::longValue).sum();
    }
}
