package io.loomflow.cli.internal;

import io.loomflow.State;
import io.loomflow.store.LogRecord;
import io.loomflow.store.MapSummary;
import io.loomflow.store.Page;
import io.loomflow.store.PageQuery;
import io.loomflow.store.RunRecord;
import io.loomflow.store.RunStore;
import io.loomflow.store.TreeNode;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Reads the log lines of a run's tree for {@code loomflow logs}, pass after pass when following,
 * printing each line once, in the order written, in a number of reads that does not grow with the
 * items of its maps.
 *
 * <p>Which runs: the run and every run below it that is not a map's item, and of each map, every
 * item (with the runs below it) if the map has at most {@value #ITEMS_READ} items, else its first
 * {@value #ITEMS_READ} failed items. The lines of the items left out are counted in
 * {@link #leftOut()}; {@code loomflow logs ITEM} prints an item's own.
 */
final class TreeLogs {

    /** The most items of one map whose lines are read: all of a map this small, else failed ones. */
    static final int ITEMS_READ = 100;
    /** The most lines read and held before they are printed, whatever the size of the tree. */
    static final int MOST_LINES_HELD = 10_000;

    private final CliContext context;
    private final boolean follow;
    private final Duration poll;
    private final boolean verbose;

    /**
     * Where reading has got to: the last line read of each run still followed, and the runs read to
     * the end (ended, with their trees, when read) whose parent has not been. A run read to the end
     * is forgotten once its parent is, so what is kept is the runs in flight and their children.
     */
    private final Map<UUID, Long> lastSequence = new HashMap<>();
    private final Set<UUID> finished = new HashSet<>();
    /** The maps met, as last read: one entry per map, whatever its items. */
    private final Map<UUID, MapSummary> maps = new LinkedHashMap<>();

    /** A line read, with the name of the run that wrote it. */
    private record Line(LogRecord record, String runName) {
    }

    /** What one pass over the tree holds: the lines read and not printed yet, and when to print them. */
    private final class Pass {
        final List<Line> lines = new ArrayList<>();
        final List<UUID> forgotten = new ArrayList<>();
        Instant printAt = context.clock().instant().plus(poll);

        void printIfDue() {
            if (lines.size() >= MOST_LINES_HELD || follow && !lines.isEmpty() && !context.clock().instant().isBefore(printAt)) {
                print(lines);
                lines.clear();
                printAt = context.clock().instant().plus(poll);
            }
        }
    }

    TreeLogs(CliContext context, boolean follow, Duration poll, boolean verbose) {
        this.context = context;
        this.follow = follow;
        this.poll = poll;
        this.verbose = verbose;
    }

    /**
     * Prints the new lines of the run's tree since the last read, in the order they were written.
     * The store serves lines run by run, so a tree is read a run at a time: lines are printed, in
     * order, once the whole tree has been read, or sooner, a part of it at a time, when it is so
     * large that reading it takes longer than the poll while following or finds more than
     * {@value #MOST_LINES_HELD} lines; then a line of one part may have been written before a line of
     * the part printed before it.
     */
    void readNewLines(RunStore history, RunRecord root) {
        Pass pass = new Pass();
        visit(history, root, pass);
        print(pass.lines);
        pass.forgotten.forEach(finished::remove);
    }

    /** Reads a run's new lines, then its children's, page by page; returns whether it was read to its end. */
    private boolean visit(RunStore history, RunRecord node, Pass pass) {
        if (finished.contains(node.id())) {
            return true; // read to the end once it had ended, with all of its tree
        }
        // The state as read before the lines: if the run had ended then, no line can follow.
        boolean ended = node.isFinal();
        List<LogRecord> read = history.logs(node.id(), lastSequence.getOrDefault(node.id(), -1L));
        if (!read.isEmpty()) {
            lastSequence.put(node.id(), read.getLast().sequence());
            read.forEach(line -> pass.lines.add(new Line(line, node.name())));
        }
        pass.printIfDue();
        List<UUID> readToTheEnd = new ArrayList<>();
        PageQuery query = PageQuery.first(PageQuery.MOST);
        Page<TreeNode> page;
        do {
            page = history.children(node.id(), query);
            for (TreeNode child : page.entries()) {
                switch (child) {
                    case RunRecord run -> {
                        if (visit(history, run, pass)) {
                            readToTheEnd.add(run.id());
                        }
                    }
                    case MapSummary map -> {
                        maps.put(map.id(), map);
                        PageQuery items = map.size() <= ITEMS_READ ? PageQuery.first(ITEMS_READ)
                                : PageQuery.first(ITEMS_READ).withState(State.Kind.FAILED);
                        for (RunRecord item : history.items(map.id(), items).entries()) {
                            if (visit(history, item, pass)) {
                                readToTheEnd.add(item.id());
                            }
                        }
                    }
                }
            }
            query = query.withAfter(page.next());
        } while (page.hasNext());
        if (!ended) {
            return false;
        }
        // Being structured, a run that had ended has no more lines below it once its tree is read.
        finished.add(node.id());
        lastSequence.remove(node.id());
        pass.forgotten.addAll(readToTheEnd); // not visited again once this pass is over
        return true;
    }

    /**
     * The items whose lines were left out, a line per map that has any, as the command prints them
     * on stderr once done: how many, and how to read them.
     */
    List<String> leftOut() {
        List<String> notes = new ArrayList<>();
        for (MapSummary map : maps.values()) {
            long kept = map.history() == io.loomflow.ItemHistory.FAILURES ? map.count(State.Kind.FAILED)
                    : map.counts().values().stream().mapToLong(Long::longValue).sum();
            long left = map.size() <= ITEMS_READ ? 0 : kept - Math.min(map.count(State.Kind.FAILED), ITEMS_READ);
            if (left > 0) {
                notes.add("left out the log lines of " + left + " items of map " + TerminalText.line(map.name()) + " ("
                        + map.id() + "): of a map of more than " + ITEMS_READ + " items only the first " + ITEMS_READ
                        + " failed ones are read; list its items with 'loomflow show " + map.parentId() + " --map "
                        + map.id() + "' and read one with 'loomflow logs ITEM_ID'");
            }
        }
        return notes;
    }

    private void print(List<Line> lines) {
        lines.sort(Comparator.comparingLong(line -> line.record().sequence()));
        PrintStream out = context.out();
        for (Line read : lines) {
            LogRecord line = read.record();
            out.println(Text.clock(line.at(), context.zone()) + "  "
                    + Text.pad(TerminalText.line(read.runName()), 16) + "  "
                    + Text.pad(TerminalText.line(line.level()), 7) + "  " + TerminalText.line(line.message()));
            if (!line.error().isEmpty()) {
                String trace = verbose ? line.error() : Text.firstLine(line.error());
                trace.lines().forEach(traceLine -> out.println("    " + TerminalText.line(traceLine)));
            }
        }
        out.flush();
    }
}
