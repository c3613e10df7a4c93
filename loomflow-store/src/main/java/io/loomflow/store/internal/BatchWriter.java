package io.loomflow.store.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.loomflow.Event;
import io.loomflow.LoomflowException;
import io.loomflow.TimeSource;
import io.loomflow.store.RunStore;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Writes a recorder's batches to its store, and keeps at it.
 *
 * <ul>
 *   <li>A write that fails because the store is unavailable (it throws a retryable
 *       {@link LoomflowException}, such as the SQL stores' {@code RunStoreException} for a lost
 *       connection or a full disk, or an I/O error) is tried again, the same events in the same
 *       order, after {@link #FIRST_RETRY}, then twice as long each time up to
 *       {@link #LONGEST_RETRY}, until it succeeds or, once the recorder is closing, its close
 *       timeout has passed. Stores write a batch all or nothing, so a retry never duplicates.</li>
 *   <li>A write that fails otherwise is taken as the fault of an event: the batch is split in
 *       halves, written in order, and split again where it fails, until the event the store
 *       refuses is alone; that event is tried once more, then left out with one line that names
 *       it, and the rest are written.</li>
 * </ul>
 * An outage is reported in one WARNING line when it begins and one INFO line when it ends, without
 * a stack trace (the failures themselves are logged at DEBUG). {@link #write} is called by the
 * recorder's one writer thread only; {@link #closing()} may be called from any thread.
 */
public final class BatchWriter {

    /** The pause before the first retry of a store that is unavailable. */
    public static final Duration FIRST_RETRY = Duration.ofMillis(50);
    /** The longest pause between retries: the pause doubles up to this. */
    public static final Duration LONGEST_RETRY = Duration.ofSeconds(5);
    /** Refusals logged one by one; after these, one line each time their count doubles. */
    private static final int REFUSALS_SHOWN_EACH = 10;
    private static final System.Logger LOG = System.getLogger("io.loomflow.store");

    private final RunStore store;
    private final TimeSource clock;
    private final Duration closeTimeout;
    private final LongSupplier held;
    private final Runnable afterFailedAttempt;

    private final ReentrantLock lock = new ReentrantLock();
    private Instant giveUpAt; // guarded by lock; set once the recorder is closing
    private Thread pausing; // guarded by lock: the writer, while it pauses between retries

    /** Whether the store is failing: from the first failed attempt of an outage to the next write. */
    private volatile boolean failing;

    // Used by the writer thread only.
    private Instant failingSince;
    private long refused;
    private boolean gaveUp;
    private String lastFailure;
    private long lostEvents;
    private final Set<UUID> lostRuns = new HashSet<>();

    /**
     * Creates the writer of one recorder.
     *
     * @param store where the events go
     * @param clock what pauses between retries are waited on and outages measured with
     * @param closeTimeout how long to keep retrying once {@link #closing()} was called
     * @param held how many events the recorder holds unwritten, for the line that reports an outage
     * @param afterFailedAttempt called after each failed attempt, so that waiting runs look again
     *     whether they still have to wait
     */
    public BatchWriter(RunStore store, TimeSource clock, Duration closeTimeout, LongSupplier held,
                       Runnable afterFailedAttempt) {
        this.store = store;
        this.clock = clock;
        this.closeTimeout = closeTimeout;
        this.held = held;
        this.afterFailedAttempt = afterFailedAttempt;
    }

    /**
     * Writes a batch: returns once every event of it is written, refused by the store and left out,
     * or given up on because the recorder closed while the store was unavailable.
     *
     * @param batch the events, in the order they were received
     * @param json the mapper that writes parameters and results, bound while the store writes
     */
    public void write(List<Event> batch, ObjectMapper json) {
        if (gaveUp) {
            lose(batch);
            return;
        }
        Deque<List<Event>> parts = new ArrayDeque<>();
        parts.add(batch);
        Duration pause = FIRST_RETRY;
        List<Event> triedOnce = null; // a lone event whose write failed once, not for an outage
        while (!parts.isEmpty()) {
            List<Event> part = parts.peekFirst();
            Throwable failure = attempt(part, json);
            if (failure == null) {
                parts.removeFirst();
                recovered();
                pause = FIRST_RETRY;
            } else if (isOutage(failure)) {
                unavailable(failure);
                afterFailedAttempt.run();
                if (closeTimeoutPassed()) {
                    gaveUp = true;
                    parts.forEach(this::lose);
                    return;
                }
                pauseFor(pause);
                Duration doubled = pause.multipliedBy(2);
                pause = doubled.compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : doubled;
            } else if (part.size() > 1) {
                parts.removeFirst();
                int half = part.size() / 2;
                parts.addFirst(part.subList(half, part.size()));
                parts.addFirst(part.subList(0, half));
            } else if (part != triedOnce) {
                triedOnce = part; // a second chance, in case the failure was a passing one
            } else {
                parts.removeFirst();
                refusedAlone(part.getFirst(), failure);
            }
        }
    }

    private Throwable attempt(List<Event> part, ObjectMapper json) {
        try {
            ScopedValue.where(Records.MAPPER, json).run(() -> store.write(part));
            return null;
        } catch (RuntimeException | StackOverflowError | LinkageError failed) {
            // A StackOverflowError or LinkageError comes from turning one event's values into text
            // (a toString that recurses, a class that is gone): the event's fault, like an exception.
            LOG.log(Level.DEBUG, () -> "run store " + store + " failed to write " + part.size() + " events", failed);
            return failed;
        }
    }

    /**
     * Tells whether a failure says the store is unavailable for a while, rather than refusing what
     * it was given: the first {@link LoomflowException} in its causes decides by
     * {@link LoomflowException#isRetryable()}; without one, an I/O error is an outage.
     */
    static boolean isOutage(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof LoomflowException decided) {
                return decided.isRetryable();
            }
        }
        return ioFailure(failure) != null;
    }

    /** The first I/O error among a failure's causes, or null. */
    static IOException ioFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException io) {
                return io;
            }
        }
        return null;
    }

    private void unavailable(Throwable failure) {
        lastFailure = firstLine(failure);
        if (failingSince == null) {
            failingSince = clock.now();
            failing = true;
            LOG.log(Level.WARNING, "run store " + store + " cannot be written (" + lastFailure + "); "
                    + events(held.getAsLong(), "is", "are") + " kept and retried every " + shown(FIRST_RETRY)
                    + ", doubling up to " + shown(LONGEST_RETRY));
        }
    }

    private void recovered() {
        if (failingSince != null) {
            LOG.log(Level.INFO, "run store " + store + " is written again after "
                    + shown(Duration.between(failingSince, clock.now())) + " of failing; nothing was lost");
            failingSince = null;
            failing = false;
        }
    }

    private void refusedAlone(Event event, Throwable failure) {
        refused++;
        if (refused <= REFUSALS_SHOWN_EACH) {
            LOG.log(Level.WARNING, "run store " + store + " refused " + describe(event) + " (" + firstLine(failure)
                    + "); that event is left out of the history, and recording goes on");
        } else if (Long.bitCount(refused) == 1) {
            LOG.log(Level.WARNING, "run store " + store + " has refused " + events(refused) + " so far, each left out of"
                    + " the history; the latest: " + describe(event) + " (" + firstLine(failure) + ")");
        }
    }

    private void lose(List<Event> events) {
        lostEvents += events.size();
        for (Event event : events) {
            lostRuns.add(event.run().id());
        }
    }

    /** What an event is, for a line of the log: "the Running state of task 'fetch' (run ...)". */
    static String describe(Event event) {
        String run = event.run().kind().name().toLowerCase(Locale.ROOT) + " '" + event.run().name() + "' (run "
                + event.run().id() + ")";
        return switch (event) {
            case Event.StateChange change -> "the " + change.state().label() + " state of " + run;
            case Event.LogLine line -> "a log line of " + run;
            case Event.DatasetAccess access -> "the " + access.access().name().toLowerCase(Locale.ROOT) + " of dataset '"
                    + access.dataset() + "' by " + run;
        };
    }

    private boolean closeTimeoutPassed() {
        lock.lock();
        try {
            return giveUpAt != null && !clock.now().isBefore(giveUpAt);
        } finally {
            lock.unlock();
        }
    }

    /** Waits before the next retry: never past the close timeout, and cut short when closing begins. */
    private void pauseFor(Duration pause) {
        lock.lock();
        try {
            if (giveUpAt != null) {
                Duration left = Duration.between(clock.now(), giveUpAt);
                pause = left.compareTo(pause) < 0 ? left : pause;
            }
            pausing = Thread.currentThread();
        } finally {
            lock.unlock();
        }
        try {
            clock.sleep(pause);
        } catch (InterruptedException closing) {
            // closing() cut the pause short: try again at once
        } finally {
            lock.lock();
            try {
                pausing = null;
            } finally {
                lock.unlock();
            }
            Thread.interrupted(); // an interrupt is only ever a wake-up from closing(); none comes after this
        }
    }

    /**
     * Tells whether the store is unavailable: its last attempt failed so, and none has succeeded since.
     *
     * @return whether the store is failing
     */
    public boolean failing() {
        return failing;
    }

    /**
     * The recorder is closing: from now, a store that stays unavailable is retried for the close
     * timeout at most, and a pause between retries ends at once, for a last prompt attempt.
     */
    public void closing() {
        lock.lock();
        try {
            if (giveUpAt == null) {
                giveUpAt = clock.now().plus(closeTimeout);
                if (pausing != null) {
                    pausing.interrupt();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * After the last batch: says in one line how many events could not be written, if any. Called
     * by the writer thread, or once it has ended.
     *
     * @return whether the store was given up on
     */
    public boolean finish() {
        if (gaveUp) {
            LOG.log(Level.WARNING, "run store " + store + " still cannot be written " + shown(closeTimeout)
                    + " after its recorder began to close (" + lastFailure + "); " + events(lostEvents) + " of "
                    + lostRuns.size() + (lostRuns.size() == 1 ? " run" : " runs") + " could not be written: "
                    + (lostEvents == 1 ? "it is" : "they are") + " missing from the history");
        }
        return gaveUp;
    }

    private static String firstLine(Throwable failure) {
        String message = failure.getMessage() == null ? failure.toString() : failure.getMessage();
        int end = message.indexOf('\n');
        return (end < 0 ? message : message.substring(0, end)).strip();
    }

    /** A duration as a person reads it: "50 ms", "4.2 s". */
    static String shown(Duration duration) {
        long millis = duration.toMillis();
        long tenths = (millis + 50) / 100;
        return millis < 1000 ? millis + " ms" : tenths / 10 + "." + tenths % 10 + " s";
    }

    private static String events(long count) {
        return count == 1 ? "1 event" : count + " events";
    }

    private static String events(long count, String one, String more) {
        return events(count) + " " + (count == 1 ? one : more);
    }
}
