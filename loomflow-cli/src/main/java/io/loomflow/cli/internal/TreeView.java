package io.loomflow.cli.internal;

import io.loomflow.Event;
import io.loomflow.ItemHistory;
import io.loomflow.State;
import io.loomflow.store.DatasetAccessRecord;
import io.loomflow.store.ItemFailure;
import io.loomflow.store.MapSummary;
import io.loomflow.store.Page;
import io.loomflow.store.PageQuery;
import io.loomflow.store.RunRecord;
import io.loomflow.store.RunStore;
import io.loomflow.store.RunSummary;
import io.loomflow.store.TreeNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * What {@code loomflow show} prints, read page by page so that nothing grows with a run's items: a
 * run with its children counted by state, each map summarised on one line (counts, progress,
 * first failures, p50 and p99) and the first datasets its runs read and wrote, then one page of its
 * children, each map one node; or one page of a map's items; or one page of its lineage. A page that is not the last ends with the command that prints the next one.
 * <pre>
 * wide  Failed  1.3 s  0194f3c2-...  io.example.ItemFailedException: item 500 could not be read
 *   parameters: {"items":1000,"failAt":500}
 *   children: 999 Completed · 1 Failed
 *   map item: 1000 items  999 Completed · 1 Failed  100% ended  p50 3 ms  p99 9 ms  0194f3c2-...
 *     item #499  Failed  0194f3c2-...  io.example.ItemFailedException: item 500 could not be read
 *   item  map of 1000 items  0194f3c2-...
 * </pre>
 */
final class TreeView {

    /** How many children or items {@code show} prints by default. */
    static final int DEFAULT_LIMIT = 50;
    /** How many of a run's dataset accesses the first page of {@code show} prints; {@code --lineage} pages them all. */
    static final int LINEAGE_SHOWN = 20;

    private final RunStore history;
    private final PrintStream out;
    private final boolean verbose;

    TreeView(RunStore history, PrintStream out, boolean verbose) {
        this.history = history;
        this.out = out;
        this.verbose = verbose;
    }

    /**
     * Prints a run: on its first page with its summary, then one page of its children.
     *
     * @param summary the run's summary
     * @param query which page of its children, and of which state
     * @throws CliException if the query's cursor is not one the store made for this run and state
     */
    void run(RunSummary summary, PageQuery query) {
        RunRecord run = summary.run();
        Page<TreeNode> page = page(() -> history.children(run.id(), query)); // a bad cursor is refused before any line
        printRun(run);
        boolean first = query.after() == null;
        if (first) {
            out.println("  children: " + (summary.childCounts().isEmpty() ? "none" : counts(summary.childCounts())));
            summary.maps().forEach(this::printMap);
            if (summary.mapCount() > summary.maps().size()) {
                out.println("  " + (summary.mapCount() - summary.maps().size())
                        + " more maps, each listed among the children as one line");
            }
            Page<DatasetAccessRecord> data = history.lineage(run.id(), PageQuery.first(LINEAGE_SHOWN));
            if (!data.entries().isEmpty()) {
                out.println("  data read and written:");
                data.entries().forEach(access -> out.println("    " + accessLine(access)));
                if (data.hasNext()) {
                    out.println("    more: loomflow show " + run.id() + " --lineage");
                }
            }
        }
        for (TreeNode node : page.entries()) {
            switch (node) {
                case RunRecord child -> printChild(TerminalText.line(child.name()), child, "  ");
                case MapSummary map -> out.println("  " + TerminalText.line(map.name()) + "  map of " + map.size()
                        + " items  " + map.id());
            }
        }
        OptionalLong left = first ? nodesLeft(summary, query.state(), page.entries().size()) : OptionalLong.empty();
        more(page, left, "loomflow show " + run.id(), query);
    }

    /**
     * Prints a map of a run: its summary, then one page of its items.
     *
     * @param run the run that started the map
     * @param map the map's summary
     * @param query which page of its items, and of which state
     * @throws CliException if the query's cursor is not one the store made for this map and state
     */
    void map(RunRecord run, MapSummary map, PageQuery query) {
        Page<RunRecord> page = page(() -> history.items(map.id(), query)); // a bad cursor is refused before any line
        printRun(run);
        printMap(map);
        page.entries().forEach(item -> printChild(itemLabel(item.name(), item.mapItem().index()), item, "  "));
        OptionalLong left = query.after() == null
                ? OptionalLong.of(itemsKept(map, query.state()) - page.entries().size()) : OptionalLong.empty();
        more(page, left, "loomflow show " + run.id() + " --map " + map.id(), query);
    }

    /**
     * Prints a run's lineage, a page at a time: the datasets it (with the runs below it, for a root; with its
     * children, otherwise) read and wrote, in the order they were recorded.
     *
     * @param run the run
     * @param query which page
     * @throws CliException if the query's cursor is not one the store made for a lineage
     */
    void lineage(RunRecord run, PageQuery query) {
        Page<DatasetAccessRecord> page = page(() -> history.lineage(run.id(), query));
        printRun(run);
        if (page.entries().isEmpty() && query.after() == null) {
            out.println("  no dataset read or written");
        }
        page.entries().forEach(access -> out.println("  " + accessLine(access)));
        more(page, OptionalLong.empty(), "loomflow show " + run.id() + " --lineage", query);
    }

    /**
     * {@code clean  read  raw  v1  file:///data/raw.csv  (load raw)}: the node (the parent of the run that read
     * or wrote, or the run itself for a root's own), what it did, the dataset, its version, where, and the run.
     */
    static String accessLine(DatasetAccessRecord access) {
        String node = access.parentId() == null ? access.runName()
                : access.parentName() != null ? access.parentName() : access.parentId().toString();
        return TerminalText.line(node) + "  " + (access.access() == Event.DatasetAccess.Access.READ ? "read" : "wrote")
                + "  " + TerminalText.line(access.dataset()) + "  "
                + (access.version() == null ? "not versioned" : TerminalText.line(access.version())) + "  "
                + TerminalText.line(access.location()) + "  (" + TerminalText.line(access.runName()) + ")";
    }

    /** A page from the store; a cursor it did not make is refused as bad input, naming --after. */
    static <T> Page<T> page(java.util.function.Supplier<Page<T>> read) {
        try {
            return read.get();
        } catch (IllegalArgumentException badCursor) {
            throw CliException.badInput("--after: " + badCursor.getMessage());
        }
    }

    /** {@code wide  Failed  1.3 s  ID  error}, then its parameters and, with --verbose, its stack trace. */
    private void printRun(RunRecord run) {
        out.println(TerminalText.line(run.name()) + "  " + runFacts(run));
        if (!run.parameters().isEmpty() && !run.parameters().equals("null")) {
            out.println("  parameters: " + TerminalText.line(run.parameters().replaceAll("\\s*\\R\\s*", " ")));
        }
        printStackTrace(run, "");
    }

    /** A child run or item on one line, with how many runs are below it and how to see them. */
    private void printChild(String label, RunRecord child, String indent) {
        long below = history.summary(child.id()).map(RunSummary::childTotal).orElse(0L);
        out.println(indent + label + "  " + runFacts(child)
                + (below == 0 ? "" : "  (" + below + " below: loomflow show " + child.id() + ")"));
        printStackTrace(child, indent);
    }

    private void printStackTrace(RunRecord run, String indent) {
        if (verbose && run.error() != null) {
            run.error().stackTrace().lines().forEach(line -> out.println(indent + "    " + TerminalText.line(line)));
        }
    }

    /** {@code Failed  1.3 s  ID  type: message}. */
    private static String runFacts(RunRecord run) {
        return run.state().label() + "  " + run.duration().map(Text::duration).orElse(run.isFinal() ? "-" : "running")
                + "  " + run.id() + (run.error() == null ? "" : "  " + error(run.error().type(), run.error().message()));
    }

    /** The map's line and its first failures. */
    private void printMap(MapSummary map) {
        out.println("  " + mapLine(map));
        for (ItemFailure failure : map.firstFailures()) {
            out.println("    " + itemLabel(map.name(), failure.index()) + "  " + State.Kind.FAILED.label() + "  "
                    + failure.runId() + "  " + error(failure.error().type(), failure.error().message()));
        }
    }

    /**
     * {@code map item: 1000 items  998 Completed · 2 Failed  100% ended  p50 3 ms  p99 9 ms  ID}: a map's
     * items by state, the share of them that ended, and how long the ended ones ran.
     */
    static String mapLine(MapSummary map) {
        List<String> counts = new ArrayList<>();
        if (!map.counts().isEmpty()) {
            counts.add(counts(map.counts()));
        }
        if (map.notStarted() > 0) {
            counts.add(map.notStarted() + " not started");
        }
        StringBuilder line = new StringBuilder("map ").append(TerminalText.line(map.name())).append(": ")
                .append(map.size()).append(map.size() == 1 ? " item  " : " items  ").append(String.join(" · ", counts))
                .append("  ").append(map.size() == 0 ? 100 : map.ended() * 100 / map.size()).append("% ended");
        if (map.durations().count() > 0) {
            line.append("  p50 ").append(Text.duration(map.durations().p50()))
                    .append("  p99 ").append(Text.duration(map.durations().p99()));
        }
        if (map.history() == ItemHistory.FAILURES) {
            line.append("  (keeps failed items only)");
        }
        return line.append("  ").append(map.id()).toString();
    }

    /** {@code 998 Completed · 2 Failed}, in the order a run meets the states. */
    static String counts(Map<State.Kind, Long> counts) {
        return counts.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(entry -> entry.getValue() + " " + entry.getKey().label()).collect(Collectors.joining(" · "));
    }

    private static String itemLabel(String name, int index) {
        return TerminalText.line(name) + " #" + index;
    }

    private static String error(String type, String message) {
        String first = Text.firstLine(message);
        return TerminalText.line(first.isEmpty() ? type : type + ": " + first);
    }

    /**
     * How many children are left after the first page, when the summary tells: a node per child run
     * and per map; unknown when the run has more maps than its summary carries.
     */
    private static OptionalLong nodesLeft(RunSummary summary, State.Kind state, int shown) {
        if (summary.mapCount() > summary.maps().size()) {
            return OptionalLong.empty();
        }
        long nodes = 0;
        for (Map.Entry<State.Kind, Long> count : summary.childCounts().entrySet()) {
            if (state == null || count.getKey() == state) {
                nodes += count.getValue() - summary.maps().stream().mapToLong(map -> map.count(count.getKey())).sum();
            }
        }
        nodes += summary.maps().stream().filter(map -> state == null || map.count(state) > 0).count();
        return OptionalLong.of(nodes - shown);
    }

    /** How many of a map's items the store keeps in a state (or any): those {@code items} lists. */
    private static long itemsKept(MapSummary map, State.Kind state) {
        if (map.history() == ItemHistory.FAILURES) {
            return state == null || state == State.Kind.FAILED ? map.count(State.Kind.FAILED) : 0;
        }
        return state == null ? map.counts().values().stream().mapToLong(Long::longValue).sum() : map.count(state);
    }

    /** {@code 950 more: loomflow show RUN --after CURSOR}, naming the options that select the same list. */
    private void more(Page<?> page, OptionalLong left, String command, PageQuery query) {
        if (!page.hasNext()) {
            return;
        }
        StringBuilder next = new StringBuilder(command);
        if (query.state() != null) {
            next.append(" --state ").append(query.state().label());
        }
        if (query.limit() != DEFAULT_LIMIT) {
            next.append(" --limit ").append(query.limit());
        }
        next.append(" --after ").append(TerminalText.line(page.next()));
        out.println("  " + (left.isPresent() && left.getAsLong() > 0 ? left.getAsLong() + " more" : "more") + ": " + next);
    }
}
