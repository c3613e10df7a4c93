package io.loomflow.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.loomflow.Event;
import io.loomflow.EventListener;
import io.loomflow.store.internal.Records;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Records an engine's events in a {@link RunStore}, off the runs' threads: {@link #onEvent} only
 * queues the event; one writer thread writes what has queued up in batches. Give it to the
 * engine, which closes it last, after every run has ended: {@link #close()} writes what is still
 * queued, then closes the store.
 * {@snippet class=io.loomflow.store.snippets.StoreSnippets region=recorder}
 * A batch the store fails to write is logged and dropped; runs are never slowed or failed by the
 * history. Thread-safe.
 */
public final class RunRecorder implements EventListener {

    private static final int MOST_PER_BATCH = 1000;
    private static final System.Logger LOG = System.getLogger("io.loomflow.store");

    private final RunStore store;
    private final LinkedBlockingQueue<Event> queue = new LinkedBlockingQueue<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition progress = lock.newCondition();
    private final Thread writer;
    private volatile ObjectMapper json = Records.newMapper();
    private long queued; // guarded by lock
    private long handled; // guarded by lock
    private boolean closing; // guarded by lock

    private RunRecorder(RunStore store) {
        this.store = store;
        this.writer = Thread.ofVirtual().name("loomflow-run-recorder").unstarted(this::write);
    }

    /**
     * Starts a recorder that writes to {@code store}.
     *
     * @param store where the history goes; closed with the recorder
     * @return the recorder, to give to {@code Engine.builder().listener(...)}
     */
    public static RunRecorder to(RunStore store) {
        RunRecorder recorder = new RunRecorder(Objects.requireNonNull(store, "store"));
        recorder.writer.start();
        return recorder;
    }

    @Override
    public void onEvent(Event event) {
        lock.lock();
        try {
            if (closing) {
                return; // the engine is closed; nothing it publishes now belongs to a run it recorded
            }
            queued++;
        } finally {
            lock.unlock();
        }
        queue.add(event);
    }

    /**
     * Waits until every event received so far has been written.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void flush() throws InterruptedException {
        lock.lock();
        try {
            long target = queued;
            while (handled < target) {
                progress.await();
            }
        } finally {
            lock.unlock();
        }
    }

    private void write() {
        List<Event> batch = new ArrayList<>();
        while (true) {
            lock.lock();
            try {
                if (closing && handled == queued) {
                    return;
                }
            } finally {
                lock.unlock();
            }
            try {
                Event first = queue.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
            } catch (InterruptedException interrupted) {
                continue; // nothing interrupts the writer on purpose; it ends once every event is written
            }
            queue.drainTo(batch, MOST_PER_BATCH - 1);
            try {
                List<Event> events = batch;
                ScopedValue.where(Records.MAPPER, json).run(() -> store.write(events));
            } catch (RuntimeException failed) {
                LOG.log(Level.WARNING, "run store " + store + " failed to write " + batch.size()
                        + " events; they are dropped and recording goes on", failed);
            }
            lock.lock();
            try {
                handled += batch.size();
                progress.signalAll();
            } finally {
                lock.unlock();
            }
            batch.clear();
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

    /** Writes every event received, stops the writer thread, and closes the store. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closing) {
                return;
            }
            closing = true;
        } finally {
            lock.unlock();
        }
        boolean interrupted = false;
        while (writer.isAlive()) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        store.close();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "RunRecorder[" + store + "]";
    }
}
