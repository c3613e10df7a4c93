package io.loomflow.schedules.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The starts and ends of a scheduler's runs, written to their slot rows in batches, off the claims'
 * path: a virtual thread of its own gathers what came in for a moment (so a burst of fires becomes a
 * few transactions) and writes it; {@link #flush()} writes at once. A slot's key leaves the
 * scheduler's set of slots in flight only once its end is written, so a recovery never takes a run
 * of this scheduler's for a lost one. A write that fails is tried again (the database reconnects).
 */
public final class SlotWrites implements AutoCloseable {

    /** How long the writer gathers changes before writing them. */
    private static final long GATHER_MILLIS = 250;
    /** The most changes one transaction writes. */
    private static final int MOST = 1_000;
    private static final System.Logger LOG = System.getLogger(SlotWrites.class.getName());

    private record Write(SlotTable.Change change, @Nullable String forget) {
    }

    private final SlotTable table;
    private final Set<String> inFlight;
    private final Consumer<String> endWritten;
    private final ConcurrentLinkedQueue<Write> queue = new ConcurrentLinkedQueue<>(); // lock-free: fires add to it
    private final Object writing = new Object(); // one writer at a time: the thread or a flush
    private final Thread thread;
    private volatile boolean closed;
    private final AtomicBoolean signalled = new AtomicBoolean(); // the writer was unparked and has not looked since
    private boolean failing; // guarded by writing
    private final List<Write> retry = new ArrayList<>(); // taken from the queue, not written yet; guarded by writing

    /**
     * Writes to {@code table}.
     *
     * @param table the slot table
     * @param inFlight the scheduler's keys of slots in flight, from which a slot leaves once its end is written
     * @param endWritten told the schedule's name once the end of a run of it is written
     */
    public SlotWrites(SlotTable table, Set<String> inFlight, Consumer<String> endWritten) {
        this.table = table;
        this.inFlight = inFlight;
        this.endWritten = endWritten;
        this.thread = Thread.ofVirtual().name("loomflow-scheduler-writes").start(this::run);
    }

    /** The start and end of one slot's run: the start is always queued before the end, so it is written first. */
    public final class Launched {
        private final String schedule;
        private final String slot;
        private final String key;
        private @Nullable UUID startedAs;
        private @Nullable Boolean endedFirst;

        private Launched(String schedule, String slot, String key) {
            this.schedule = schedule;
            this.slot = slot;
            this.key = key;
        }

        /** The run started under this id. */
        public synchronized void started(UUID runId) {
            startedAs = runId;
            add(new Write(new SlotTable.Change(schedule, slot, runId, false), null));
            if (endedFirst != null) {
                end(endedFirst);
            }
        }

        /**
         * This process stops following the run: with {@code write}, its end is written (and then the
         * slot leaves the set in flight); without, the slot leaves it at once.
         */
        public synchronized void ended(boolean write) {
            if (startedAs == null) {
                endedFirst = write; // ended inside the launch, before it returned
            } else {
                end(write);
            }
        }

        private void end(boolean write) {
            if (write) {
                add(new Write(new SlotTable.Change(schedule, slot, null, true), key));
            } else {
                inFlight.remove(key);
            }
        }
    }

    /** A run about to be launched for a slot whose key in the set in flight is {@code key}. */
    public Launched launched(String schedule, String slot, String key) {
        return new Launched(schedule, slot, key);
    }

    private void add(Write write) {
        if (closed) {
            if (write.forget() != null) {
                inFlight.remove(write.forget());
            }
            return;
        }
        queue.add(write);
        if (!signalled.getAndSet(true)) {
            LockSupport.unpark(thread); // once until the writer looks again, not once per fire of a burst
        }
    }

    private void run() {
        while (!closed) {
            if (queue.isEmpty() && !hasRetries()) {
                signalled.set(false);
                if (queue.isEmpty()) {
                    LockSupport.park(this);
                }
                continue;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(GATHER_MILLIS); // a batch, not a transaction per change
                if (!closed && !write()) {
                    TimeUnit.SECONDS.sleep(1); // the database is down: again in a second
                }
            } catch (InterruptedException stopped) {
                return;
            }
        }
    }

    private boolean hasRetries() {
        synchronized (writing) {
            return !retry.isEmpty();
        }
    }

    /**
     * Writes everything queued, in transactions of {@value #MOST} changes at most (a run's start and
     * end queued together are one change); whether it all went.
     */
    private boolean write() {
        synchronized (writing) {
            while (true) {
                Map<String, Write> batch = new LinkedHashMap<>();
                Write next;
                while (batch.size() < MOST && (next = retry.isEmpty() ? queue.poll() : retry.removeFirst()) != null) {
                    String slot = next.change().schedule() + "\n" + next.change().slot();
                    Write before = batch.get(slot);
                    batch.put(slot, before == null ? next : new Write(new SlotTable.Change(next.change().schedule(),
                            next.change().slot(), before.change().startedAs() != null ? before.change().startedAs()
                            : next.change().startedAs(), before.change().ended() || next.change().ended()),
                            before.forget() != null ? before.forget() : next.forget()));
                }
                if (batch.isEmpty()) {
                    failing = false;
                    return true;
                }
                try {
                    table.write(batch.values().stream().map(Write::change).toList());
                } catch (RuntimeException failed) {
                    retry.addAll(0, batch.values()); // before what is still queued, in order
                    if (!failing) {
                        LOG.log(System.Logger.Level.WARNING, "cannot write the starts and ends of " + batch.size()
                                + " scheduled runs (" + failed.getMessage() + "); trying again every second", failed);
                    }
                    failing = true;
                    return false;
                }
                for (Write written : batch.values()) {
                    if (written.forget() != null) {
                        inFlight.remove(written.forget());
                        endWritten.accept(written.change().schedule());
                    }
                }
            }
        }
    }

    /**
     * Writes everything queued now, on the caller's thread.
     *
     * @throws IllegalStateException if the database fails (what was not written stays queued)
     */
    public void flush() {
        if (!write()) {
            throw new IllegalStateException("cannot write the starts and ends of the scheduled runs; see the warning"
                    + " logged");
        }
    }

    /** Stops the writer; what is queued is dropped (flush first). */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        try {
            thread.join();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        synchronized (writing) {
            retry.forEach(queue::add);
            retry.clear();
        }
        Write left;
        while ((left = queue.poll()) != null) {
            if (left.forget() != null) {
                inFlight.remove(left.forget());
            }
        }
    }
}
