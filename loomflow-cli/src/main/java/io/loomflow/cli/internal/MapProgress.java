package io.loomflow.cli.internal;

import io.loomflow.Event;
import io.loomflow.RunInfo;
import io.loomflow.State;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One map of more than {@link ProgressView#ITEMS_SHOWN_ONE_BY_ONE} items as the progress view
 * shows it, in a number of lines that does not grow with its items: in plain mode a line when it
 * starts, at most one a second with its items' counts by state while it runs, and one when it ends
 * with the final counts; in both modes the first {@value #FAILURES_SHOWN} failed runs inside it
 * (items or runs below them) with their errors and its first {@value #LOG_LINES_SHOWN} log lines,
 * the rest counted on its last line.
 * <pre>
 * 14:03:07.125  process           map of 1000 items started
 * 14:03:08.130  process           map of 1000 items: 180 Running · 412 Completed · 408 not started  1.0 s
 * 14:03:08.377  enrich            Failed     5 ms  io.example.ItemFailedException: item 500 could not be enriched
 * 14:03:08.377  process           Failed     6 ms  io.example.ItemFailedException: item 500 could not be enriched
 * 14:03:08.402  process           map of 1000 items ended: 498 Completed · 1 Failed · 501 Cancelled  1.3 s
 * </pre>
 * Thread-safe: its items end on their own threads; counts are atomic and the view serialises
 * printing.
 */
final class MapProgress {

    /** How often, at most, plain mode prints a map's counts while it runs. */
    static final Duration LINE_EVERY = Duration.ofSeconds(1);
    /** How many failed runs inside one map are printed with their errors; the rest are counted. */
    static final int FAILURES_SHOWN = 3;
    /** How many log lines of the runs inside one map are printed; the rest are counted. */
    static final int LOG_LINES_SHOWN = 10;

    private static final State.Kind[] KINDS = State.Kind.values();

    private final UUID id;
    private final String itemName;
    private final UUID rootId;
    private final int size;
    private final Instant startedAt;
    private final boolean printsCounts;
    /** How many items are in each kind of state now, by the kind's ordinal. */
    private final AtomicIntegerArray items = new AtomicIntegerArray(KINDS.length);
    private final AtomicInteger itemsSeen = new AtomicInteger();
    private final AtomicInteger itemsEnded = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicInteger logLines = new AtomicInteger();
    private final AtomicLong nextCountsAt;
    private final AtomicBoolean ended = new AtomicBoolean();

    /**
     * A map first seen through one of its items.
     *
     * @param item where that item sits in the map
     * @param itemName the items' task or flow name
     * @param rootId the root run of the map's tree, for the commands that show what is not printed
     * @param at when that item was first seen
     * @param printsCounts whether the map's own lines are printed (plain mode), not only failures and logs
     */
    MapProgress(RunInfo.MapItem item, String itemName, UUID rootId, Instant at, boolean printsCounts) {
        this.id = item.mapId();
        this.itemName = itemName;
        this.rootId = rootId;
        this.size = item.size();
        this.startedAt = at;
        this.printsCounts = printsCounts;
        this.nextCountsAt = new AtomicLong(at.plus(LINE_EVERY).toEpochMilli());
    }

    /** The map's id, shared by its items. */
    UUID id() {
        return id;
    }

    /** Tells whether {@code run} is an item of this map (rather than a run below an item). */
    boolean hasItem(RunInfo run) {
        return run.isMapItem() && run.mapItem().mapId().equals(id);
    }

    /** Prints the map's first line. */
    void started(ProgressView view) {
        if (printsCounts) {
            view.print(view.line(startedAt, itemName, "map of " + size + " items started"));
        }
    }

    /** An item changed state: counts it, and ends the map with its last item or prints its counts if they are due. */
    void itemMoved(Event.StateChange change, ProgressView view) {
        if (change.previous() == null) {
            itemsSeen.incrementAndGet();
        } else {
            items.decrementAndGet(change.previous().kind().ordinal());
        }
        items.incrementAndGet(change.state().kind().ordinal());
        if (change.state().isFinal() && itemsEnded.incrementAndGet() == size) {
            end(change.at(), view);
            return;
        }
        long due = nextCountsAt.get();
        long now = change.at().toEpochMilli();
        if (printsCounts && now >= due && nextCountsAt.compareAndSet(due, now + LINE_EVERY.toMillis())) {
            view.print(view.line(change.at(), itemName, "map of " + size + " items: " + counts() + "  "
                    + Text.duration(Duration.between(startedAt, change.at()))));
        }
    }

    /** Tells whether the failure of a run inside this map is among those printed; counts it either way. */
    boolean showsFailure() {
        return failures.incrementAndGet() <= FAILURES_SHOWN;
    }

    /** Tells whether a log line of a run inside this map is among those printed; counts it either way. */
    boolean showsLogLine() {
        return logLines.incrementAndGet() <= LOG_LINES_SHOWN;
    }

    /** Prints the map's last line, once: the final counts, and what was not printed. */
    void end(Instant at, ProgressView view) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        view.forget(this);
        if (!printsCounts) {
            return;
        }
        StringBuilder line = new StringBuilder("map of " + size + " items ended: " + counts() + "  "
                + Text.duration(Duration.between(startedAt, at)));
        int failuresNotShown = failures.get() - FAILURES_SHOWN;
        if (failuresNotShown > 0) {
            line.append("; ").append(failuresNotShown).append(" more failed runs not shown (loomflow show ").append(rootId)
                    .append(')');
        }
        int logLinesNotShown = logLines.get() - LOG_LINES_SHOWN;
        if (logLinesNotShown > 0) {
            line.append("; ").append(logLinesNotShown).append(" log lines not shown (loomflow logs ").append(rootId)
                    .append(')');
        }
        view.print(view.line(at, itemName, line.toString()));
    }

    /** {@code 180 Running · 412 Completed · 408 not started}: the items by state, in the order a run meets them. */
    private String counts() {
        List<String> counts = new ArrayList<>();
        for (State.Kind kind : KINDS) {
            int count = items.get(kind.ordinal());
            if (count > 0) {
                counts.add(count + " " + kind.label());
            }
        }
        int notStarted = size - itemsSeen.get();
        if (notStarted > 0) {
            counts.add(notStarted + " not started");
        }
        return String.join(" · ", counts);
    }
}
