package io.loomflow.store;

import io.loomflow.Engine;
import io.loomflow.Event.DatasetAccess.Access;
import io.loomflow.Flow;
import io.loomflow.RunContext;
import io.loomflow.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * What reading a large run's lineage costs (the figures of the README's "Lineage"): a flow maps a task that
 * reads one dataset over {@code tasks} items (100,000 by default), and a subflow node loads and saves one each,
 * recorded into a fresh embedded store (and PostgreSQL, with {@code postgres=URL}); then it times the first page
 * of the root's lineage, every page of it (1,000 entries each), the node's lineage (read through the root's
 * range), and pruning the run. Run with the store module's test class path:
 * {@code java -cp ... io.loomflow.store.LineageScale [tasks=100000] [postgres=URL]}.
 */
public final class LineageScale {

    private static final Task<Integer, Integer> PART = Task.named("load part", (Integer i) -> {
        RunContext.current().recordDatasetAccess(Access.READ, "part", "v" + (i % 7), "memory://part/" + i);
        return i;
    });
    private static final Task<String, String> LOAD = Task.named("load raw", (String v) -> {
        RunContext.current().recordDatasetAccess(Access.READ, "raw", v, "file:///data/raw.csv");
        return v;
    });
    private static final Task<String, String> SAVE = Task.named("save clean", (String v) -> {
        RunContext.current().recordDatasetAccess(Access.WRITE, "clean", v, "file:///data/clean.csv");
        return v;
    });
    private static final Flow<String, String> NODE = Flow.named("clean", (String v) -> SAVE.call(LOAD.call(v)));
    private static final Flow<Integer, Integer> WIDE = Flow.named("wide", (Integer n) -> {
        NODE.call("v1");
        return PART.map(IntStream.range(0, n).boxed()).join().size();
    });

    private LineageScale() {
    }

    /**
     * Runs the measurements and prints them.
     *
     * @param args {@code tasks=N}, {@code postgres=URL}
     * @throws Exception if a store fails
     */
    public static void main(String[] args) throws Exception {
        int tasks = 100_000;
        String postgres = null;
        for (String arg : args) {
            if (arg.startsWith("tasks=")) {
                tasks = Integer.parseInt(arg.substring(6));
            } else if (arg.startsWith("postgres=")) {
                postgres = arg.substring(9);
            }
        }
        Path directory = Files.createTempDirectory("lineage-scale");
        measure("embedded H2", () -> RunStore.embedded(directory), tasks);
        if (postgres != null) {
            String url = postgres;
            measure("PostgreSQL", () -> RunStore.open(url), tasks);
        }
    }

    @FunctionalInterface
    private interface Opener {
        RunStore open();
    }

    private static void measure(String name, Opener opener, int tasks) throws Exception {
        UUID root;
        long started = System.nanoTime();
        try (Engine engine = Engine.builder().listener(RunRecorder.to(opener.open())).build()) {
            io.loomflow.Handle<Integer> run = engine.submit(WIDE, tasks);
            run.join();
            root = run.runId();
        }
        double recorded = seconds(started);
        try (RunStore store = opener.open()) {
            for (int warm = 0; warm < 3; warm++) {
                store.lineage(root, PageQuery.first(100));
            }
            long first = System.nanoTime();
            int shown = store.lineage(root, PageQuery.first(100)).entries().size();
            double firstMs = millis(first);
            List<Double> pages = new ArrayList<>();
            long read = 0;
            PageQuery query = PageQuery.first(PageQuery.MOST);
            while (true) {
                long at = System.nanoTime();
                Page<DatasetAccessRecord> page = store.lineage(root, query);
                pages.add(millis(at));
                read += page.entries().size();
                if (!page.hasNext()) {
                    break;
                }
                query = query.withAfter(page.next());
            }
            UUID node = store.lineage(root, PageQuery.first(1)).entries().getFirst().parentId();
            long nodeAt = System.nanoTime();
            int nodeAccesses = store.lineage(node, PageQuery.first(100)).entries().size();
            double nodeMs = millis(nodeAt);
            long pruneAt = System.nanoTime();
            PruneResult pruned = store.prune(Prune.keepNewest(0));
            double pruneMs = millis(pruneAt);
            Collections.sort(pages);
            System.out.printf(Locale.ROOT, "%s, %d tasks (recorded in %.1f s): first page of 100 in %.1f ms (%d);"
                            + " all %d accesses in %d pages of 1,000: p50 %.1f ms, max %.1f ms, %.0f ms in all;"
                            + " the node's %d in %.1f ms; prune of %d runs with their lineage in %.0f ms, %d left%n",
                    name, tasks, recorded, firstMs, shown, read, pages.size(), pages.get(pages.size() / 2),
                    pages.getLast(), pages.stream().mapToDouble(Double::doubleValue).sum(), nodeAccesses, nodeMs,
                    pruned.runs(), pruneMs, store.lineage(root, PageQuery.first(10)).entries().size());
        }
    }

    private static double millis(long since) {
        return (System.nanoTime() - since) / 1e6;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
