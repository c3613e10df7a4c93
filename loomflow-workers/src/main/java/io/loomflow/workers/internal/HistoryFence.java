package io.loomflow.workers.internal;

import io.loomflow.Event;
import io.loomflow.EventListener;
import io.loomflow.RunInfo;
import io.loomflow.State;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Fences a worker's run history the way the fencing token fences its checkpoints and completions:
 * what an execution of a queued run does after this worker may have lost the run is not recorded.
 *
 * <p>Each execution is recorded as a root run of the history ({@link #open}). Its events go
 * straight to the history while the worker is sure it still holds the run: until the moment its
 * last confirmed lease would end, counted on this JVM's monotonic clock from just before the
 * statement that set the lease (the database's {@code now()} of that statement is no earlier, so
 * the lease in the database ends no sooner). Events that come after that moment (the JVM was
 * paused, the heartbeat could not reach the database) are held, in order. A heartbeat that
 * extends the lease again, or a completion that the database accepts, proves that the run was
 * still this worker's: the held events are recorded. A heartbeat that finds the run gone, a
 * refused checkpoint or completion prove the opposite: the held events are discarded, nothing the
 * execution does from then on is recorded, and the runs of the execution that the history shows
 * unfinished are ended {@link State.Crashed Crashed}, with the reason. Held events wait for a
 * verdict that comes within a heartbeat (or, when the database cannot be reached, within the
 * lease expiry, after which the checkpoints fail); at most {@link #MOST_HELD} of one execution
 * are held, log lines beyond them are counted and left out.
 *
 * <p>Events of runs that are no execution's (there are none in a worker's engine) pass through.
 * Thread-safe; events are handed to the history outside any lock, and a verdict's release runs
 * on a virtual thread of its own, so a slow history never holds up the heartbeat.
 */
final class HistoryFence implements EventListener {

    /** The most events of one execution held while its lease is unconfirmed. */
    static final int MOST_HELD = 10_000;
    private static final Logger LOG = System.getLogger(HistoryFence.class.getName());

    private final EventListener history;
    private final LongSupplier nanos;
    private final String worker;
    private final Map<UUID, Guard> guards = new ConcurrentHashMap<>();

    /**
     * @param history where events go (the worker's run recorder)
     * @param nanos a monotonic clock in nanoseconds ({@code System::nanoTime}, or a test's)
     * @param worker the worker's name, for its log lines
     */
    HistoryFence(EventListener history, LongSupplier nanos, String worker) {
        this.history = history;
        this.nanos = nanos;
        this.worker = worker;
    }

    /**
     * Starts fencing the execution recorded as root run {@code root}.
     *
     * @param root the execution's root run id in the history
     * @param queuedRun the queued run it executes, for log lines and reasons
     * @param sureUntil the monotonic time until which the claim is certainly held: the time read
     *                  before the claim's statement, plus the lease expiry
     * @return the execution's guard
     */
    Guard open(UUID root, UUID queuedRun, long sureUntil) {
        Guard guard = new Guard(root, queuedRun, sureUntil);
        guards.put(root, guard);
        return guard;
    }

    @Override
    public void onEvent(Event event) {
        Guard guard = guards.get(event.run().rootId());
        if (guard == null) {
            history.onEvent(event);
        } else {
            guard.offer(event);
        }
    }

    @Override
    public void close() {
        history.close();
    }

    /** The fence of one execution. */
    final class Guard {
        private final UUID root;
        private final UUID queuedRun;
        private final ReentrantLock lock = new ReentrantLock();
        private long sureUntil;
        /** Events held, in order; not null from the first held event until every one is released. */
        private @Nullable ArrayDeque<Event> held;
        private boolean releasing;
        private boolean lost;
        /** The run was proved this worker's to the end: nothing is held any more, only released. */
        private boolean settled;
        /** The execution ended here: the guard goes once its held events are released. */
        private boolean ended;
        private int leftOut;
        /** The last recorded state of each run of the execution that has not ended in the history. */
        private final Map<UUID, Event.StateChange> unfinished = new LinkedHashMap<>();
        private long lastSequence;

        private Guard(UUID root, UUID queuedRun, long sureUntil) {
            this.root = root;
            this.queuedRun = queuedRun;
            this.sureUntil = sureUntil;
        }

        /** The execution's root run id in the history. */
        UUID root() {
            return root;
        }

        void offer(Event event) {
            lock.lock();
            try {
                if (lost) {
                    return;
                }
                if (held == null && nanos.getAsLong() - sureUntil < 0) {
                    passing(event);
                } else {
                    if (held == null) {
                        held = new ArrayDeque<>();
                    }
                    if (held.size() < MOST_HELD || event instanceof Event.StateChange) {
                        held.add(event);
                    } else {
                        leftOut++;
                    }
                    return;
                }
            } finally {
                lock.unlock();
            }
            history.onEvent(event);
        }

        /**
         * The lease is confirmed until {@code until} (monotonic): a heartbeat extended it, its
         * statement sent after the time this was computed from. Held events are recorded.
         */
        void confirm(long until) {
            lock.lock();
            try {
                if (lost) {
                    return;
                }
                if (until - sureUntil > 0) {
                    sureUntil = until;
                }
                releaseHeld();
            } finally {
                lock.unlock();
            }
        }

        /**
         * The execution ended with the run still this worker's (its completion was accepted, or
         * it was handed back by this worker): everything held is recorded, and from now on its
         * events pass through unfenced.
         */
        void settle() {
            lock.lock();
            try {
                if (lost) {
                    return;
                }
                sureUntil = nanos.getAsLong() + Long.MAX_VALUE / 2;
                settled = true;
                releaseHeld();
            } finally {
                lock.unlock();
            }
        }

        /**
         * The execution ended here. With nothing held, fencing it stops; with events held and no
         * verdict to come (its end was not recorded), it cannot prove it still held the run when
         * it made them: they are discarded as for a loss, with {@code reason}.
         */
        void end(String reason) {
            lock.lock();
            try {
                if (held == null || lost) {
                    guards.remove(root, this);
                    return;
                }
                if (settled) {
                    ended = true; // the release under way removes the guard when it is done
                    return;
                }
            } finally {
                lock.unlock();
            }
            lose(reason);
        }

        /**
         * The run is no longer this worker's: held events are discarded, nothing more is recorded,
         * and the runs the history shows unfinished end Crashed with {@code reason}. No effect on
         * an execution already {@linkplain #settle settled}.
         */
        void lose(String reason) {
            List<Event> ends = new ArrayList<>();
            int discarded;
            lock.lock();
            try {
                if (lost || settled) {
                    return; // a settled execution was proved this worker's to its end
                }
                lost = true;
                discarded = (held == null ? 0 : held.size()) + leftOut;
                held = null;
                Instant now = Instant.now();
                List<Event.StateChange> open = new ArrayList<>(unfinished.values());
                java.util.Collections.reverse(open); // children end before their parents
                for (Event.StateChange last : open) {
                    ends.add(new Event.StateChange(++lastSequence, now, last.run(), last.state(), new State.Crashed(
                            "worker " + worker + " lost queued run " + queuedRun + " (another worker owns it now, or"
                                    + " will): " + reason + "; what this execution did afterwards is not recorded")));
                }
                unfinished.clear();
            } finally {
                lock.unlock();
            }
            if (discarded > 0) {
                LOG.log(Level.INFO, "worker " + worker + ": " + discarded + " event(s) of queued run " + queuedRun
                        + " made after its lease may have ended are not recorded (" + reason + ")");
            }
            ends.forEach(history::onEvent);
            // The guard stays until the execution ends here ({@link #end}), refusing what it still does.
        }

        /** Whether the run was lost (for tests). */
        boolean isLost() {
            lock.lock();
            try {
                return lost;
            } finally {
                lock.unlock();
            }
        }

        /** Called with the lock held, for an event about to be recorded. */
        private void passing(Event event) {
            if (event.sequence() > lastSequence) {
                lastSequence = event.sequence();
            }
            if (event instanceof Event.StateChange change) {
                if (change.state().isFinal()) {
                    unfinished.remove(change.run().id());
                } else {
                    unfinished.put(change.run().id(), change);
                }
            }
        }

        /** Called with the lock held: records the held events on a virtual thread, in order. */
        private void releaseHeld() {
            if (held == null || releasing) {
                return;
            }
            releasing = true;
            Thread.ofVirtual().name("loomflow-history-fence-" + queuedRun).start(this::release);
        }

        private void release() {
            while (true) {
                List<Event> batch;
                int dropped;
                lock.lock();
                try {
                    ArrayDeque<Event> waiting = held;
                    if (lost || waiting == null || nanos.getAsLong() - sureUntil >= 0) {
                        releasing = false; // lost, or unsure again: the next verdict decides
                        return;
                    }
                    if (waiting.isEmpty()) {
                        held = null;
                        releasing = false;
                        if (ended) {
                            guards.remove(root, this);
                        }
                        return;
                    }
                    batch = new ArrayList<>(waiting);
                    waiting.clear();
                    batch.forEach(this::passing);
                    dropped = leftOut;
                    leftOut = 0;
                } finally {
                    lock.unlock();
                }
                batch.forEach(history::onEvent);
                if (dropped > 0) {
                    LOG.log(Level.WARNING, "worker " + worker + ": " + dropped + " log line(s) of queued run " + queuedRun
                            + " were left out of the history while its lease was unconfirmed (at most " + MOST_HELD
                            + " events are held)");
                }
            }
        }
    }

    /** The runs of an execution not yet ended in the history (for tests). */
    static List<RunInfo> unfinished(Guard guard) {
        guard.lock.lock();
        try {
            return guard.unfinished.values().stream().map(Event::run).toList();
        } finally {
            guard.lock.unlock();
        }
    }
}
