package io.loomflow.store;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Collects what one logger writes while open (System.Logger goes to java.util.logging in tests). */
final class CapturedLogs implements AutoCloseable {

    private final Logger logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition published = lock.newCondition();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
            lock.lock();
            try {
                published.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private CapturedLogs(String name) {
        this.logger = Logger.getLogger(name);
        handler.setLevel(Level.ALL);
        logger.addHandler(handler);
    }

    static CapturedLogs of(String loggerName) {
        return new CapturedLogs(loggerName);
    }

    /** The messages at WARNING or above, each followed by its exception's message if it has one. */
    List<String> warnings() {
        return records.stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
                .map(r -> r.getMessage() + (r.getThrown() == null ? "" : " | " + r.getThrown().getMessage()))
                .toList();
    }

    /**
     * What a console showing INFO and above gets: each message, marked {@code [stack trace]} if it
     * carries an exception.
     */
    List<String> consoleLines() {
        return records.stream().filter(r -> r.getLevel().intValue() >= Level.INFO.intValue())
                .map(r -> r.getLevel() + " " + r.getMessage() + (r.getThrown() == null ? "" : " [stack trace]"))
                .toList();
    }

    /**
     * The messages below INFO, which a console does not show, that carry an exception's stack trace.
     */
    List<String> stackTracesBelowInfo() {
        return records.stream().filter(r -> r.getLevel().intValue() < Level.INFO.intValue() && r.getThrown() != null)
                .map(LogRecord::getMessage).toList();
    }

    /**
     * Waits until a message containing {@code text} is logged.
     *
     * @throws AssertionError if none is within {@code deadline}
     */
    void awaitMessage(String text, Duration deadline) throws InterruptedException {
        long left = deadline.toNanos();
        lock.lock();
        try {
            while (records.stream().noneMatch(r -> r.getMessage().contains(text))) {
                if (left <= 0) {
                    throw new AssertionError("no message containing '" + text + "' within " + deadline + "; logged: "
                            + records.stream().map(r -> r.getLevel() + " " + r.getMessage()).toList());
                }
                left = published.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
