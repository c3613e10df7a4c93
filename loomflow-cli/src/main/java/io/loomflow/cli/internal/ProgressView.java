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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The live view of one {@code loomflow run}, fed by the engine's events.
 *
 * <p>In {@link ProgressMode#PLAIN} it prints one line per finished run and per log line, as they
 * happen. In {@link ProgressMode#TTY} it keeps one status line at the bottom of the terminal (the
 * flow, runs done, running and failed, elapsed time), redrawn about ten times a second by a ticker
 * thread, and prints failures and log lines above it. Either way it remembers the runs that failed,
 * for the summary. Thread-safe: events arrive on the runs' threads; printing is serialised by one
 * lock.
 */
final class ProgressView implements EventListener {

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
    private final Map<UUID, Instant> startedAt = new ConcurrentHashMap<>();
    private final Set<UUID> active = ConcurrentHashMap.newKeySet();
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
        }
    }

    private void onStateChange(Event.StateChange change) {
        RunInfo run = change.run();
        State state = change.state();
        if (state instanceof State.Running) {
            startedAt.putIfAbsent(run.id(), change.at());
            if (!run.isRoot()) {
                active.add(run.id());
            }
            return;
        }
        if (!state.isFinal()) {
            return;
        }
        active.remove(run.id());
        Instant started = startedAt.remove(run.id());
        Duration took = Duration.between(started != null ? started : run.createdAt(), change.at());
        if (!run.isRoot()) {
            switch (state) {
                case State.Completed c -> done.incrementAndGet();
                case State.Failed f -> failed.incrementAndGet();
                default -> cancelled.incrementAndGet();
            }
        }
        String detail = switch (state) {
            case State.Failed f -> "  " + Text.error(f.error());
            case State.Cancelled c -> c.reason() == null || c.reason().isBlank() ? "" : "  " + TerminalText.line(c.reason());
            case State.Crashed c -> c.reason() == null || c.reason().isBlank() ? "" : "  " + TerminalText.line(c.reason());
            default -> "";
        };
        String line = Text.clock(change.at(), zone) + "  " + Text.pad(TerminalText.line(run.name()), 16) + "  " + Text.pad(state.label(), 9)
                + "  " + Text.duration(took) + detail;
        printing.lock();
        try {
            if (state instanceof State.Failed f && failures.size() < MOST_FAILURES_KEPT) {
                failures.add(new FailedRun(run, f.error()));
            }
            if (!tty || state instanceof State.Failed) {
                printLine(line);
            }
        } finally {
            printing.unlock();
        }
    }

    private void onLogLine(Event.LogLine line) {
        if (line.level().getSeverity() < Level.INFO.getSeverity() && !verbose) {
            return;
        }
        String text = Text.clock(line.at(), zone) + "  " + Text.pad(TerminalText.line(line.run().name()), 16) + "  "
                + Text.pad(line.level().getName(), 7) + "  " + TerminalText.line(line.message())
                + (line.error() == null ? "" : "  " + Text.error(line.error()));
        printing.lock();
        try {
            printLine(text);
        } finally {
            printing.unlock();
        }
    }

    /** Prints a line; in a terminal, above the status line, which is drawn again below it. */
    private void printLine(String line) {
        if (stopped) {
            return;
        }
        if (tty) {
            out.print("\r\033[K" + line + "\n");
            drawStatus();
        } else {
            out.println(line);
        }
    }

    private void drawStatus() {
        Instant start = began;
        String status = statusLine(SPINNER[frame++ % SPINNER.length], flowName, done.get(), active.size(), failed.get(),
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
