package io.loomflow.cli.internal;

import io.loomflow.Event;
import io.loomflow.EventListener;
import io.loomflow.RunInfo;
import io.loomflow.State;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The live view of one {@code loomflow run}, fed by the engine's events.
 *
 * <p>In {@link ProgressMode#PLAIN} it prints one line per finished run and per log line, as they
 * happen, except inside a map of more than {@link #ITEMS_SHOWN_ONE_BY_ONE} items: such a map, its
 * items and every run below them are shown by {@link MapProgress} in a few lines whatever the
 * map's size. In {@link ProgressMode#TTY} it keeps one status line at the bottom of the terminal
 * (the flow, runs done, running and failed, elapsed time), redrawn about ten times a second by a
 * ticker thread, and prints failures and log lines above it, as many of a large map's as plain
 * mode does. Either way it remembers the first runs that failed, for the summary.
 *
 * <p>Memory does not grow with the number of runs: it keeps the runs in flight (which the engine
 * keeps too), the open large maps, and at most {@value #MOST_FAILURES_KEPT} failures. Thread-safe:
 * events arrive on the runs' threads; printing is serialised by one lock.
 */
final class ProgressView implements EventListener {

    /**
     * Maps of at most this many items are shown a line per item, like any other runs: up to ten
     * lines read as well as a summary (which takes two or three) and show each item's duration and
     * outcome; beyond that the lines stop telling one item from another.
     */
    static final int ITEMS_SHOWN_ONE_BY_ONE = 10;

    private static final char[] SPINNER = {'|', '/', '-', '\\'};
    private static final Duration REDRAW_EVERY = Duration.ofMillis(100);
    private static final int MOST_FAILURES_KEPT = 100;

    /** A run that failed, in the order failures happened: the deepest first. */
    record FailedRun(RunInfo run, Throwable error) {
    }

    private final PrintStream out;
    private final boolean tty;
    private final boolean verbose;
    private final InstantSource clock;
    private final ZoneId zone;
    private final int columns;
    private final ReentrantLock printing = new ReentrantLock();
    /** When the runs shown one line each started running; only while they run. */
    private final Map<UUID, Instant> startedAt = new ConcurrentHashMap<>();
    /** The large maps that have not ended, by map id. */
    private final Map<UUID, MapProgress> openMaps = new ConcurrentHashMap<>();
    /** The runs in flight inside a large map (its items and their descendants), by run id. */
    private final Map<UUID, MapProgress> insideMaps = new ConcurrentHashMap<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger cancelled = new AtomicInteger();
    private final List<FailedRun> failures = new ArrayList<>(); // guarded by printing
    private volatile String flowName = "";
    private volatile Instant began;
    private volatile boolean stopped;
    private Thread ticker;
    private int frame; // guarded by printing

    ProgressView(PrintStream out, ProgressMode mode, boolean verbose, CliContext context) {
        this.out = out;
        this.tty = mode == ProgressMode.TTY;
        this.verbose = verbose;
        this.clock = context.clock();
        this.zone = context.zone();
        this.columns = context.columns();
    }

    /** Starts the view of a run of {@code flow}; in a terminal, starts redrawing the status line. */
    void start(String flow) {
        this.flowName = TerminalText.line(flow);
        this.began = clock.instant();
        if (tty) {
            // The first status line is drawn here, so that even a run shorter than one redraw shows it.
            printing.lock();
            try {
                drawStatus();
            } finally {
                printing.unlock();
            }
            ticker = Thread.ofPlatform().daemon().name("loomflow-progress").start(this::redrawUntilStopped);
        }
    }

    private void redrawUntilStopped() {
        while (!stopped) {
            try {
                // The status line's refresh rate; no run's timing depends on it.
                Thread.sleep(REDRAW_EVERY);
            } catch (InterruptedException stop) {
                return;
            }
            printing.lock();
            try {
                if (!stopped) {
                    drawStatus();
                }
            } finally {
                printing.unlock();
            }
        }
    }

    /** Stops redrawing and clears the status line; afterwards the view prints nothing more. */
    void stop() {
        printing.lock();
        try {
            if (stopped) {
                return;
            }
            stopped = true;
            if (tty) {
                out.print("\r\033[K");
                out.flush();
            }
        } finally {
            printing.unlock();
        }
        if (ticker != null) {
            ticker.interrupt();
            boolean interrupted = false;
            while (ticker.isAlive()) {
                try {
                    ticker.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void onEvent(Event event) {
        switch (event) {
            case Event.StateChange change -> onStateChange(change);
            case Event.LogLine line -> onLogLine(line);
            case Event.DatasetAccess access -> {
                // lineage is for the run history, not the progress lines
            }
        }
    }

    private void onStateChange(Event.StateChange change) {
        RunInfo run = change.run();
        State state = change.state();
        count(change);
        if (run.isRoot() && state.isFinal()) {
            // Every map of the run has ended with it; one whose items did not all start ends here.
            List.copyOf(openMaps.values()).forEach(open -> open.end(change.at(), this));
        }
        MapProgress map = largeMapOf(change);
        if (map == null) {
            if (state instanceof State.Running) {
                startedAt.putIfAbsent(run.id(), change.at());
            }
            if (state.isFinal()) {
                Instant started = startedAt.remove(run.id());
                keepIfFailed(change);
                if (!tty || state instanceof State.Failed) {
                    print(runLine(change, started));
                }
            }
        } else {
            if (state.isFinal()) {
                keepIfFailed(change);
                if (state instanceof State.Failed && map.showsFailure()) {
                    print(runLine(change, null)); // its time counts from when it was scheduled
                }
            }
            if (map.hasItem(run)) {
                map.itemMoved(change, this);
            }
        }
    }

    private void keepIfFailed(Event.StateChange change) {
        if (change.state() instanceof State.Failed f) {
            printing.lock();
            try {
                if (failures.size() < MOST_FAILURES_KEPT) {
                    failures.add(new FailedRun(change.run(), f.error()));
                }
            } finally {
                printing.unlock();
            }
        }
    }

    /** The counts of the status line: runs below the root running, done, failed and cancelled. */
    private void count(Event.StateChange change) {
        if (change.run().isRoot()) {
            return;
        }
        if (change.state() instanceof State.Running) {
            running.incrementAndGet();
        }
        if (change.previous() instanceof State.Running) {
            running.decrementAndGet();
        }
        switch (change.state()) {
            case State.Completed c -> done.incrementAndGet();
            case State.Cached c -> done.incrementAndGet();
            case State.Failed f -> failed.incrementAndGet();
            case State.Cancelled c -> cancelled.incrementAndGet();
            case State.Crashed c -> cancelled.incrementAndGet();
            default -> {
            }
        }
    }

    /**
     * The large map the run changing state is inside of (as an item, or below one), or {@code null};
     * the run is remembered as inside it while it is in flight.
     */
    private MapProgress largeMapOf(Event.StateChange change) {
        RunInfo run = change.run();
        State state = change.state();
        MapProgress map = state.isFinal() ? insideMaps.remove(run.id()) : insideMaps.get(run.id());
        if (map != null) {
            return map;
        }
        map = run.isRoot() ? null : insideMaps.get(run.parentId());
        if (map == null && run.isMapItem() && run.mapItem().size() > ITEMS_SHOWN_ONE_BY_ONE) {
            map = openMaps.get(run.mapItem().mapId());
            if (map == null) {
                MapProgress first = new MapProgress(run.mapItem(), run.name(), run.rootId(), change.at(), !tty);
                map = openMaps.putIfAbsent(first.id(), first);
                if (map == null) {
                    map = first;
                    first.started(this);
                }
            }
        }
        if (map != null && !state.isFinal()) {
            insideMaps.put(run.id(), map);
        }
        return map;
    }

    /** A map has ended and printed its last line: it is forgotten. */
    void forget(MapProgress map) {
        openMaps.remove(map.id(), map);
    }

    private String runLine(Event.StateChange change, Instant started) {
        RunInfo run = change.run();
        State state = change.state();
        Duration took = Duration.between(started != null ? started : run.createdAt(), change.at());
        String detail = switch (state) {
            case State.Failed f -> "  " + Text.error(f.error());
            case State.Cancelled c -> c.reason() == null || c.reason().isBlank() ? "" : "  " + TerminalText.line(c.reason());
            case State.Crashed c -> c.reason() == null || c.reason().isBlank() ? "" : "  " + TerminalText.line(c.reason());
            default -> "";
        };
        return line(change.at(), run.name(), Text.pad(state.label(), 9) + "  " + Text.duration(took) + detail);
    }

    /** A line of the view: {@code 14:03:07.125  process           what}. */
    String line(Instant at, String runName, String what) {
        return Text.clock(at, zone) + "  " + Text.pad(TerminalText.line(runName), 16) + "  " + what;
    }

    private void onLogLine(Event.LogLine line) {
        if (line.level().getSeverity() < Level.INFO.getSeverity() && !verbose) {
            return;
        }
        MapProgress map = insideMaps.get(line.run().id());
        if (map != null && !map.showsLogLine()) {
            return;
        }
        print(line(line.at(), line.run().name(), Text.pad(line.level().getName(), 7) + "  " + TerminalText.line(line.message())
                + (line.error() == null ? "" : "  " + Text.error(line.error()))));
    }

    /** Prints a line; in a terminal, above the status line, which is drawn again below it. */
    void print(String line) {
        printing.lock();
        try {
            if (stopped) {
                return;
            }
            if (tty) {
                out.print("\r\033[K" + line + "\n");
                drawStatus();
            } else {
                out.println(line);
            }
        } finally {
            printing.unlock();
        }
    }

    private void drawStatus() {
        Instant start = began;
        String status = statusLine(SPINNER[frame++ % SPINNER.length], flowName, done.get(), running.get(), failed.get(),
                cancelled.get(), start == null ? Duration.ZERO : Duration.between(start, clock.instant()));
        if (status.length() > columns - 1) {
            status = status.substring(0, columns - 1);
        }
        out.print("\r" + status + "\033[K");
        out.flush();
    }

    /** The status line: {@code | hello  12 done · 3 running · 1 failed  1.4 s}. */
    static String statusLine(char spinner, String flow, int done, int running, int failed, int cancelled, Duration elapsed) {
        return spinner + " " + flow + "  " + done + " done · " + running + " running · " + failed + " failed"
                + (cancelled > 0 ? " · " + cancelled + " cancelled" : "") + "  " + Text.duration(elapsed);
    }

    /** The runs that failed so far, deepest first (at most 100). */
    List<FailedRun> failures() {
        printing.lock();
        try {
            return List.copyOf(failures);
        } finally {
            printing.unlock();
        }
    }

    /** How many runs below the root failed. */
    int failedCount() {
        return failed.get();
    }
}
