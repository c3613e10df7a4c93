package io.loomflow.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.loomflow.Engine;
import io.loomflow.Event;
import io.loomflow.EventListener;
import io.loomflow.RunContext;
import io.loomflow.store.internal.BatchWriter;
import io.loomflow.store.internal.Records;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Records an engine's events in a {@link RunStore}, off the runs' threads: {@link #onEvent} only
 * queues the event; one writer thread writes what has queued up, in batches of up to 1,000 events.
 * Give it to the engine, which closes it last, after every run has ended: {@link #close()} writes
 * what is still queued, then closes the store.
 * {@snippet class=io.loomflow.store.snippets.StoreSnippets region=recorder}
 *
 * <p><b>Bounded, then back-pressure.</b> The recorder holds at most
 * {@link RecorderOptions#capacity()} events that the store has not written (100,000 by default):
 * when the store is slower than the runs, or unavailable, the threads that publish wait for room
 * instead of memory growing, so the runs are slowed, never failed. Who waits, and until when:
 * <ul>
 *   <li>a thread that executes a run waits until there is room, while its engine is open: once the
 *       engine begins to close (noticed at the writer's next attempt), its runs go on, so that no
 *       close ever waits for the store;</li>
 *   <li>a virtual thread outside any run (the engine's map workers, which schedule the items, or
 *       a virtual thread that starts a root run) waits too, except while the store is failing: it
 *       may be the engine's own close at work, and whose engine it is cannot be told;</li>
 *   <li>a platform thread outside any run never waits, since it may be an event loop that must not
 *       block (the caller of {@code runAsync}, a thread that cancels a run): its events are queued
 *       beyond the bound;</li>
 *   <li>a thread interrupted while it waits (its run is being cancelled) stops waiting, and keeps
 *       its interrupt.</li>
 * </ul>
 * What goes beyond the bound is small and comes with runs the engine holds anyway: the Scheduled
 * state of a root run started from a platform thread, the end of a run cancelled from outside
 * before it started, at most one Scheduled state per map worker while the store is failing (or
 * with a platform thread factory), after which the worker waits as a run, and what runs still
 * publish while their engine closes.
 *
 * <p><b>Failures of the store.</b> A write that fails because the store is unavailable (the
 * database is down or restarting, its disk is full: the store throws a
 * {@link RunStoreException#isRetryable() retryable} exception, or an I/O error) is kept and retried,
 * the same events in the same order, 50 ms later, then twice as long each time up to every 5 s,
 * until it succeeds. Each batch is written all or nothing, so a retry never duplicates anything.
 * The console gets one WARNING line when the store starts failing and one INFO line when it is
 * written again; the failures with their stack traces are logged at DEBUG (logger
 * {@code io.loomflow.store}). A write that fails for another reason is taken as the fault of one of
 * its events (one that cannot be turned into JSON or text, or that the database refuses): the batch
 * is split in halves until that event is alone, the rest is written, and the event is left out with
 * one WARNING line naming it and its run (after ten such lines, one each time their count doubles),
 * so that one bad event never holds up those behind it.
 *
 * <p><b>Closing.</b> {@link #close()} writes every event received, however long a slow store takes.
 * If the store is unavailable, it keeps retrying for {@link RecorderOptions#closeTimeout()} (10 s
 * by default; an attempt under way is finished first), then gives up and says in one WARNING line
 * how many events of how many runs could not be written; it never hangs.
 *
 * <p>Thread-safe. Events received after {@link #close()} began are ignored.
 */
public final class RunRecorder implements EventListener {

    private static final int MOST_PER_BATCH = 1000;
    private static final System.Logger LOG = System.getLogger("io.loomflow.store");

    private final RunStore store;
    private final int capacity;
    private final BatchWriter batches;
    private final ReentrantLock lock = new ReentrantLock();
    /** The writer waits on it for events. */
    private final Condition arrived = lock.newCondition();
    /** Runs wait on it for room in the queue. */
    private final Condition room = lock.newCondition();
    /** {@link #flush()} waits on it for batches to be written. */
    private final Condition written = lock.newCondition();
    private final ArrayDeque<Event> queue = new ArrayDeque<>(); // guarded by lock
    private final Thread writer;
    private volatile ObjectMapper json = Records.newMapper();
    private long received; // guarded by lock
    private long handled; // guarded by lock: written, left out, or given up on
    private int waitingForRoom; // guarded by lock
    private boolean writerIdle; // guarded by lock
    private boolean closing; // guarded by lock
    private boolean stopped; // guarded by lock: the writer stopped on an Error

    private RunRecorder(RunStore store, RecorderOptions options) {
        this.store = store;
        this.capacity = options.capacity();
        this.batches = new BatchWriter(store, options.clock(), options.closeTimeout(), this::pending, this::wakeWaitingRuns);
        this.writer = Thread.ofVirtual().name("loomflow-run-recorder").unstarted(this::writeAll);
    }

    /**
     * Starts a recorder that writes to {@code store}, with {@link RecorderOptions#defaults()}.
     *
     * @param store where the history goes; closed with the recorder
     * @return the recorder, to give to {@code Engine.builder().listener(...)}
     */
    public static RunRecorder to(RunStore store) {
        return to(store, RecorderOptions.defaults());
    }

    /**
     * Starts a recorder that writes to {@code store}.
     *
     * @param store where the history goes; closed with the recorder
     * @param options its capacity, close timeout and clock
     * @return the recorder, to give to {@code Engine.builder().listener(...)}
     */
    public static RunRecorder to(RunStore store, RecorderOptions options) {
        RunRecorder recorder = new RunRecorder(Objects.requireNonNull(store, "store must not be null"),
                Objects.requireNonNull(options, "options must not be null; pass RecorderOptions.defaults()"));
        recorder.writer.start();
        return recorder;
    }

    /**
     * Queues an event for the store; on a thread that executes a run, first waits for room while the
     * recorder holds its capacity (see the class description).
     *
     * @param event the event
     */
    @Override
    public void onEvent(Event event) {
        lock.lock();
        try {
            if (closing || stopped) {
                return; // the engine is closed; nothing it publishes now belongs to a run it recorded
            }
            if (received - handled >= capacity && !awaitRoom()) {
                return;
            }
            received++;
            queue.addLast(event);
            if (writerIdle) {
                writerIdle = false;
                arrived.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits while the recorder is full, if the calling thread may wait: see the class description.
     * Returns false if the recorder began to close meanwhile. The caller holds the lock.
     */
    private boolean awaitRoom() {
        Optional<RunContext> run = RunContext.find();
        if (run.isEmpty() && !Thread.currentThread().isVirtual()) {
            return true; // a platform thread outside any run may be an event loop: it never waits
        }
        Engine engine = run.map(RunContext::engine).orElse(null);
        waitingForRoom++;
        try {
            while (received - handled >= capacity && !closing && !stopped && keepsWaiting(engine)) {
                room.await();
            }
        } catch (InterruptedException cancelled) {
            Thread.currentThread().interrupt(); // the run is being cancelled: it goes on, and sees it
        } finally {
            waitingForRoom--;
        }
        return !closing && !stopped;
    }

    /**
     * Whether a thread keeps waiting for room: a run's thread while its engine is open; a virtual
     * thread outside any run while the store is not failing, as it may be the engine's own close at
     * work, and the recorder cannot tell whether that engine is closing.
     */
    private boolean keepsWaiting(Engine engine) {
        return engine != null ? !engine.isClosed() : !batches.failing();
    }

    /**
     * How many events the recorder holds that the store has not written yet: those queued and
     * those of the batch being written. At most the capacity, except as the class description says.
     *
     * @return the number of events received and not yet written, left out or given up on
     */
    public long pending() {
        lock.lock();
        try {
            return received - handled;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until every event received so far has been written (or left out, as the class
     * description says). While the store is unavailable, that is until it is back.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void flush() throws InterruptedException {
        lock.lock();
        try {
            long target = received;
            while (handled < target) {
                written.await();
            }
        } finally {
            lock.unlock();
        }
    }

    private void writeAll() {
        try {
            writeUntilClosed();
        } catch (Throwable broken) { // an Error such as OutOfMemoryError: nothing is recorded any more
            LOG.log(Level.ERROR, "the writer of run store " + store + " stopped; runs are no longer recorded", broken);
            lock.lock();
            try {
                stopped = true; // the engine's runs must neither wait for room nor flush() for batches
                handled = received;
                queue.clear();
                room.signalAll();
                written.signalAll();
            } finally {
                lock.unlock();
            }
            throw broken;
        }
    }

    private void writeUntilClosed() {
        List<Event> batch = new ArrayList<>(MOST_PER_BATCH);
        while (true) {
            lock.lock();
            try {
                while (queue.isEmpty() && !closing) {
                    writerIdle = true;
                    arrived.awaitUninterruptibly(); // nothing interrupts the writer while it waits for events
                }
                if (queue.isEmpty()) {
                    return; // closing, and every event received is handled
                }
                while (batch.size() < MOST_PER_BATCH && !queue.isEmpty()) {
                    batch.add(queue.pollFirst());
                }
            } finally {
                lock.unlock();
            }
            batches.write(batch, json);
            lock.lock();
            try {
                handled += batch.size();
                for (int i = 0; i < Math.min(batch.size(), waitingForRoom); i++) {
                    room.signal();
                }
                written.signalAll();
            } finally {
                lock.unlock();
            }
            batch.clear();
        }
    }

    /** After a failed attempt: the runs waiting for room look again whether their engine is closing. */
    private void wakeWaitingRuns() {
        lock.lock();
        try {
            room.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Forgets the JSON serializers built so far for the types of runs' parameters and results, once
     * every event received has been written; the next events build them again. Call it when classes
     * whose instances were recorded are to be unloaded, such as when dev mode drops a generation, so
     * that nothing in the recorder keeps their class loader.
     *
     * @throws InterruptedException if interrupted while waiting for the events received to be written
     */
    public void forgetValueTypes() throws InterruptedException {
        flush();
        json = Records.newMapper();
    }

    /**
     * Writes every event received, stops the writer thread, and closes the store. A store that is
     * unavailable is retried for the close timeout at most; then what could not be written is
     * reported in one line. Never throws: a store that fails to close is logged.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closing) {
                return;
            }
            closing = true;
            arrived.signalAll();
            room.signalAll();
        } finally {
            lock.unlock();
        }
        batches.closing();
        boolean interrupted = false;
        while (writer.isAlive()) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        boolean gaveUp = batches.finish();
        try {
            store.close();
        } catch (RuntimeException failed) {
            // Given up on, the store was just reported unavailable: that it cannot close either adds nothing.
            LOG.log(gaveUp ? Level.DEBUG : Level.WARNING, "run store " + store + " failed to close: " + failed.getMessage());
            LOG.log(Level.DEBUG, "run store " + store + " failed to close", failed);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "RunRecorder[" + store + "]";
    }
}
