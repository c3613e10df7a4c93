package io.loomflow.testing;

import io.loomflow.Engine;
import io.loomflow.Event;
import io.loomflow.EventListener;
import io.loomflow.ManualTimeSource;
import io.loomflow.RunInfo;
import io.loomflow.State;
import io.loomflow.store.RunRecorder;
import io.loomflow.store.RunStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One test's engine, clock and history, and what it needs to tell what the test left behind: the
 * latest state of every run and every thread the engine started. Made before each test and finished
 * after it; nothing of it outlives the test.
 */
final class TestRig {

    /** How long, in real time, the engine's threads get to end once it has closed. */
    private static final Duration THREADS_END_WITHIN = Duration.ofSeconds(5);
    /** How long, in real time, cancelled runs get to stop while the engine closes. */
    private static final Duration CANCELLED_RUNS_STOP_WITHIN = Duration.ofSeconds(5);

    private final ManualTimeSource clock;
    private final RunStore store;
    private final RunRecorder recorder;
    private final Engine engine;
    private final RunHistory history;
    private final Tracker tracker = new Tracker();
    private final StartedThreads threads = new StartedThreads();

    TestRig(String engineName) {
        this.clock = ManualTimeSource.startingAt(LoomflowExtension.CLOCK_START);
        this.store = RunStore.inMemory();
        this.recorder = RunRecorder.to(store);
        // Runs still going when the test ends are reported first, then cancelled at once.
        this.engine = Engine.builder().name(engineName).clock(clock).threadFactory(threads)
                .shutdownGrace(Duration.ZERO, CANCELLED_RUNS_STOP_WITHIN)
                .listener(tracker).listener(recorder).build();
        this.history = new RunHistory(store, recorder, tracker::roots);
    }

    Engine engine() {
        return engine;
    }

    ManualTimeSource clock() {
        return clock;
    }

    RunStore store() {
        return store;
    }

    RunHistory history() {
        return history;
    }

    /**
     * Closes the engine (which closes the recorder and the store) and says what the test left behind.
     *
     * @return one sentence per run, thread or resource left behind; empty when nothing was
     */
    List<String> finish() {
        List<String> problems = new ArrayList<>();
        for (RunInfo run : tracker.inFlight()) {
            problems.add(run.kind().name().toLowerCase(java.util.Locale.ROOT) + " run '" + run.name() + "' ("
                    + run.id() + ") was still " + tracker.stateOf(run.id()).label() + " when the test ended; join it"
                    + " (handle.join(), future.join()) or cancel it before the test returns");
        }
        engine.close();
        for (Thread thread : threads.aliveAfter(THREADS_END_WITHIN)) {
            StackTraceElement[] stack = thread.getStackTrace();
            problems.add("thread '" + thread.getName() + "' (" + thread + ") that engine '" + engine.name()
                    + "' started was still alive " + THREADS_END_WITHIN.toSeconds() + " s after the engine closed"
                    + (stack.length > 0 ? ", at " + stack[0] : "")
                    + "; code that ignores interrupts keeps it alive: let it end when its run is cancelled");
        }
        for (String resource : engine.openResources()) {
            problems.add("resource '" + resource + "' was not closed: its closer threw when engine '" + engine.name()
                    + "' closed (the error is logged as a WARNING on logger io.loomflow.engine); make its closer"
                    + " succeed");
        }
        return problems;
    }

    /** The latest state of each run of the engine, and the root runs in the order they started. */
    private static final class Tracker implements EventListener {
        private final Map<UUID, Latest> latest = new ConcurrentHashMap<>();
        private final AtomicLong order = new AtomicLong();

        private record Latest(long order, RunInfo run, State state) {
        }

        @Override
        public void onEvent(Event event) {
            if (event instanceof Event.StateChange change) {
                latest.compute(change.run().id(), (id, before) -> new Latest(
                        before == null ? order.incrementAndGet() : before.order(), change.run(), change.state()));
            }
        }

        List<RunInfo> inFlight() {
            return latest.values().stream().filter(l -> !l.state().isFinal())
                    .sorted(java.util.Comparator.comparingLong(Latest::order)).map(Latest::run).toList();
        }

        State stateOf(UUID id) {
            return latest.get(id).state();
        }

        List<UUID> roots() {
            return latest.values().stream().filter(l -> l.run().parentId() == null)
                    .sorted(java.util.Comparator.comparingLong(Latest::order)).map(l -> l.run().id()).toList();
        }
    }

    /** The engine's thread factory: virtual threads, each remembered until it is seen to have ended. */
    private static final class StartedThreads implements ThreadFactory {
        private static final int PRUNE_EVERY = 1024;
        private final ThreadFactory virtual = Thread.ofVirtual().factory();
        private final ConcurrentLinkedQueue<Thread> started = new ConcurrentLinkedQueue<>();
        private final AtomicInteger sincePrune = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = virtual.newThread(task);
            started.add(thread);
            if (sincePrune.incrementAndGet() % PRUNE_EVERY == 0) {
                started.removeIf(t -> t.getState() == Thread.State.TERMINATED);
            }
            return thread;
        }

        /** Waits up to {@code within} in all for the threads to end; returns those still alive. */
        List<Thread> aliveAfter(Duration within) {
            long deadline = System.nanoTime() + within.toNanos();
            boolean interrupted = false;
            List<Thread> alive = new ArrayList<>();
            for (Thread thread : started) {
                try {
                    long left = deadline - System.nanoTime();
                    if (left > 0 && thread.getState() != Thread.State.NEW) {
                        thread.join(Duration.ofNanos(left));
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
                if (thread.isAlive()) {
                    alive.add(thread);
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return alive;
        }
    }
}
