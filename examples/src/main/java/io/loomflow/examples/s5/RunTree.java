package io.loomflow.examples.s5;

import io.loomflow.Event;
import io.loomflow.EventListener;
import io.loomflow.RunInfo;
import io.loomflow.State;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Listens to an engine's events and renders the runs as a tree, folding sibling runs of the same
 * name into one line with a count per final state:
 * <pre>
 * s5  Completed 1
 *   process  Completed 1000
 *     enrich  Completed 1000
 * </pre>
 * Thread-safe.
 */
public final class RunTree implements EventListener {

    private final Map<UUID, RunInfo> runs = new ConcurrentHashMap<>();
    private final Map<UUID, State> states = new ConcurrentHashMap<>();

    @Override
    public void onEvent(Event event) {
        if (event instanceof Event.StateChange change) {
            runs.putIfAbsent(change.run().id(), change.run());
            states.put(change.run().id(), change.state());
        }
    }

    /**
     * The latest state of every run seen, by run id.
     *
     * @return a snapshot
     */
    public Map<UUID, State> states() {
        return Map.copyOf(states);
    }

    /**
     * The runs seen.
     *
     * @return a snapshot
     */
    public List<RunInfo> runs() {
        return List.copyOf(runs.values());
    }

    /**
     * Renders the tree, one line per path of run names.
     *
     * @return the rendered tree, each line ending in a newline
     */
    public String render() {
        Map<String, Map<String, Integer>> countsByPath = new TreeMap<>();
        for (RunInfo run : runs.values()) {
            countsByPath.computeIfAbsent(path(run), p -> new TreeMap<>())
                    .merge(states.get(run.id()).label(), 1, Integer::sum);
        }
        StringBuilder out = new StringBuilder();
        for (var entry : countsByPath.entrySet()) {
            String[] names = entry.getKey().split("/");
            out.append("  ".repeat(names.length - 1)).append(names[names.length - 1]);
            entry.getValue().forEach((state, count) -> out.append("  ").append(state).append(' ').append(count));
            out.append('\n');
        }
        return out.toString();
    }

    private String path(RunInfo run) {
        List<String> names = new ArrayList<>();
        for (RunInfo at = run; at != null; at = at.parentId() == null ? null : runs.get(at.parentId())) {
            names.addFirst(at.name());
        }
        return String.join("/", names);
    }
}
