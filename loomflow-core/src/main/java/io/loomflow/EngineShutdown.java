package io.loomflow;

import io.loomflow.internal.StructuredScope;
import io.loomflow.spi.ResultStore;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The ordered close of one engine: stop admitting root runs, let them finish within the grace
 * period, cancel the rest, give up on runs whose code ignores cancellation after the second grace
 * period, join every thread the engine started, then close resources, the result store and the
 * engine's own listeners. Thread-safe; closing twice waits for the first close.
 */
final class EngineShutdown {

    private enum Phase { OPEN, CLOSING, CLOSED }

    private final EngineImpl engine;
    private final String name;
    private final Duration shutdownGrace;
    private final Duration cancelGrace;
    private final List<EventListener> ownedListeners;

    private final ReentrantLock closeLock = new ReentrantLock();
    private final Condition closeProgress = closeLock.newCondition();
    private volatile Phase phase = Phase.OPEN;
    private boolean gaveUpWaiting; // guarded by closeLock

    EngineShutdown(EngineImpl engine, Duration shutdownGrace, Duration cancelGrace, List<EventListener> ownedListeners) {
        this.engine = engine;
        this.name = engine.name();
        this.shutdownGrace = shutdownGrace;
        this.cancelGrace = cancelGrace;
        this.ownedListeners = ownedListeners;
    }

    /** Whether the engine still admits root runs. */
    boolean isOpen() {
        return phase == Phase.OPEN;
    }

    /** Whether close() has finished. */
    boolean isFullyClosed() {
        return phase == Phase.CLOSED;
    }

    /** OPEN, CLOSING or CLOSED, for toString. */
    String phase() {
        return phase.name();
    }

    /** Closes the engine, or waits for the close that another thread began. */
    void close() {
        closeLock.lock();
        try {
            if (phase != Phase.OPEN) {
                while (phase != Phase.CLOSED) {
                    closeProgress.awaitUninterruptibly();
                }
                return;
            }
            phase = Phase.CLOSING;
        } finally {
            closeLock.unlock();
        }
        boolean interrupted = Thread.interrupted();
        try {
            interrupted |= shutDown();
        } finally {
            closeLock.lock();
            try {
                phase = Phase.CLOSED;
                closeProgress.signalAll();
            } finally {
                closeLock.unlock();
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The ordered shutdown; returns whether the closing thread was interrupted meanwhile. */
    private boolean shutDown() {
        boolean interrupted = false;
        Set<Thread> exiting = abandonRunsInSystemExit();
        if (!engine.roots().isEmpty()) {
            Thread timer = engine.threads().start(this::enforceGrace);
            boolean gaveUp = awaitRoots();
            timer.interrupt();
            interrupted |= StructuredScope.Threads.join(timer);
            if (gaveUp) {
                Loggers.engine().log(Level.WARNING, "engine '" + name + "' closed while runs whose code ignores cancellation are"
                        + " still executing; they were recorded as Crashed");
            }
        }
        // The closing thread may be one of ours: a completion callback of a run that has ended.
        Thread closing = Thread.currentThread();
        interrupted |= engine.threads().joinAll(
                thread -> thread == closing || exiting.contains(thread) || gaveUpWaiting());
        engine.resources().closeAll();
        ResultStore results = engine.results();
        if (results != null) {
            try {
                results.close();
            } catch (RuntimeException | Error failure) {
                Loggers.engine().log(Level.WARNING, "result store " + results + " of engine '" + name + "' failed to close",
                        failure);
            }
        }
        List<EventListener> reversed = new ArrayList<>(ownedListeners);
        Collections.reverse(reversed);
        for (EventListener listener : reversed) {
            try {
                listener.close();
            } catch (RuntimeException | Error failure) {
                Loggers.engine().log(Level.WARNING, "event listener " + listener + " of engine '" + name + "' failed to close", failure);
            }
        }
        engine.events().clear();
        return interrupted;
    }

    /**
     * A run whose code called {@code System.exit} waits for the shutdown hooks, one of which may be
     * closing this engine: it can never end by itself. Such runs are recorded as cancelled at once,
     * the rest of their run tree is cancelled (the program chose to exit from inside it), and their
     * threads are not waited for. Returns those threads.
     */
    private Set<Thread> abandonRunsInSystemExit() {
        Set<Thread> exiting = new HashSet<>();
        for (RunNode run : List.copyOf(engine.liveRuns())) {
            if (isInSystemExit(run)) {
                Thread thread = run.runningThread();
                String reason = "its code called System.exit, so the JVM is exiting";
                // The root first: its code, woken by this run's end, must find it cancelled, not fail
                // with this run's RunCancelledException as if that were its own error.
                run.root().stop(Cancellation.requested("a run in its tree called System.exit, so the JVM is exiting"));
                run.stop(Cancellation.requested(reason)); // its thread never comes back to end it
                run.finish(new State.Cancelled(reason), null, null);
                if (thread != null) {
                    exiting.add(thread);
                }
            }
        }
        return exiting;
    }

    /**
     * Tells whether a run's thread is inside {@code System.exit}: it waits for the JVM's shutdown
     * hooks and will never return to the run.
     */
    private static boolean isInSystemExit(RunNode run) {
        Thread runner = run.runningThread();
        if (runner == null) {
            return false;
        }
        for (StackTraceElement frame : runner.getStackTrace()) {
            if (frame.getClassName().equals("java.lang.Shutdown") && frame.getMethodName().equals("exit")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs on its own thread during close: after the grace period cancels the runs, later gives up on
     * them. Grace periods are wall-clock time, so that a test's manual clock never holds up a shutdown.
     */
    private void enforceGrace() {
        TimeSource wallClock = TimeSource.system();
        try {
            wallClock.sleep(shutdownGrace);
            for (RunNode root : List.copyOf(engine.roots())) {
                root.stop(Cancellation.requested("engine '" + name + "' closed, and the run did not finish within"
                        + " the grace period of " + shutdownGrace));
            }
            wallClock.sleep(cancelGrace);
        } catch (InterruptedException everyRunEnded) {
            return;
        }
        // Ancestors first: a parent is recorded lost before its lost child can end it as cancelled,
        // so every run still executing now ends Crashed, whatever the order of the live runs.
        List<RunNode> stuck = new ArrayList<>(engine.liveRuns());
        stuck.sort(Comparator.comparingInt(EngineShutdown::depth));
        for (RunNode run : stuck) {
            run.crash("it did not stop within " + cancelGrace + " of being cancelled when engine '" + name
                    + "' closed: its code, or the code of a run it waits for, ignores cancellation");
        }
        closeLock.lock();
        try {
            gaveUpWaiting = true;
            closeProgress.signalAll();
        } finally {
            closeLock.unlock();
        }
    }

    /** How many ancestors a run has. */
    private static int depth(RunNode run) {
        int depth = 0;
        for (RunNode ancestor = run.parent(); ancestor != null; ancestor = ancestor.parent()) {
            depth++;
        }
        return depth;
    }

    private boolean awaitRoots() {
        closeLock.lock();
        try {
            while (!engine.roots().isEmpty() && !gaveUpWaiting) {
                closeProgress.awaitUninterruptibly();
            }
            return gaveUpWaiting;
        } finally {
            closeLock.unlock();
        }
    }

    private boolean gaveUpWaiting() {
        closeLock.lock();
        try {
            return gaveUpWaiting;
        } finally {
            closeLock.unlock();
        }
    }

    /** A root run has ended while the engine closes. */
    void rootEnded() {
        closeLock.lock();
        try {
            closeProgress.signalAll();
        } finally {
            closeLock.unlock();
        }
    }
}
