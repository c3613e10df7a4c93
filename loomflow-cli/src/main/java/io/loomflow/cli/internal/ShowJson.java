package io.loomflow.cli.internal;

import io.loomflow.store.DatasetAccessRecord;
import io.loomflow.store.MapSummary;
import io.loomflow.store.Page;
import io.loomflow.store.PageQuery;
import io.loomflow.store.RunRecord;
import io.loomflow.store.RunStore;
import io.loomflow.store.RunSummary;
import io.loomflow.store.TreeNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code loomflow show --output json} prints: what {@link TreeView} prints as text, as the store's
 * records (a run, a map, a dataset access) in JSON, read in the same pages.
 */
final class ShowJson {

    private ShowJson() {
    }

    /**
     * A run: {@code run}, {@code childCounts}, {@code maps}, {@code mapCount}, a page of {@code children} (each
     * {@code {"type": "run", "run": ...}} or {@code {"type": "map", "map": ...}}) with {@code next}, the cursor of
     * the next page, and the first page of its {@code lineage} with {@code lineageNext}.
     */
    static Map<String, Object> run(RunStore history, RunSummary summary, PageQuery query) {
        Page<TreeNode> page = TreeView.page(() -> history.children(summary.run().id(), query));
        Page<DatasetAccessRecord> lineage = history.lineage(summary.run().id(), PageQuery.first(TreeView.LINEAGE_SHOWN));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("run", summary.run());
        json.put("childCounts", summary.childCounts());
        json.put("maps", summary.maps());
        json.put("mapCount", summary.mapCount());
        json.put("children", page.entries().stream().map(node -> switch (node) {
            case RunRecord run -> Map.of("type", "run", "run", run);
            case MapSummary map -> Map.of("type", "map", "map", map);
        }).toList());
        json.put("next", page.next());
        json.put("lineage", lineage.entries());
        json.put("lineageNext", lineage.hasNext() ? "loomflow show " + summary.run().id() + " --lineage" : null);
        return json;
    }

    /** A map of a run: {@code run}, {@code map}, a page of its {@code items} and {@code next}. */
    static Map<String, Object> map(RunStore history, RunRecord run, MapSummary map, PageQuery query) {
        Page<RunRecord> page = TreeView.page(() -> history.items(map.id(), query));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("run", run);
        json.put("map", map);
        json.put("items", page.entries());
        json.put("next", page.next());
        return json;
    }

    /** A page of a run's lineage: {@code id}, {@code accesses} and {@code next}, the cursor of the next page. */
    static Map<String, Object> lineage(RunStore history, RunRecord run, PageQuery query) {
        Page<DatasetAccessRecord> page = TreeView.page(() -> history.lineage(run.id(), query));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", run.id());
        json.put("accesses", page.entries());
        json.put("next", page.next());
        return json;
    }

    /** Prints one of the above. */
    static void print(java.io.PrintStream out, Map<String, Object> json) {
        out.println(Json.write(Json.mapper(), json));
    }
}
