package io.loomflow.slf4j.internal;

import io.loomflow.Event;
import io.loomflow.RunInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * A bounded queue of run-log lines and the one thread that writes them to SLF4J: a run only offers a
 * line, and never waits for the backend.
 */
public final class LineWriter {

    /** A line to write, with the logger it goes to and the name of its root flow, if known. */
    public record Line(String logger, Event.LogLine line, @Nullable String flow) {
    }

    /** What the writing thread takes to know it is to stop. */
    private static final Line STOP = new Line("", new Event.LogLine(0, Instant.EPOCH, new RunInfo(new UUID(0, 0), null,
            new UUID(0, 0), "stop", RunInfo.Kind.FLOW, null, Instant.EPOCH, null), System.Logger.Level.OFF, "", null), null);

    private final BlockingQueue<Line> queue;
    private final int capacity;
    private final Duration closeTimeout;
    private final ThreadFactory threadFactory;
    private final AtomicLong dropped = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private volatile @Nullable Thread thread;
    private volatile boolean closed;
    /** The drops already reported; read and written by the writing thread only. */
    private long reported;

    /**
     * A writer whose thread starts with the first line.
     *
     * @param capacity how many lines may wait
     * @param closeTimeout how long {@link #close()} waits for them
     * @param threadFactory makes the writing thread
     */
    public LineWriter(int capacity, Duration closeTimeout, ThreadFactory threadFactory) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.capacity = capacity;
        this.closeTimeout = closeTimeout;
        this.threadFactory = threadFactory;
    }

    /**
     * Queues a line, or drops it when the queue is full or the writer closed; never waits.
     *
     * @param line the line
     */
    public void offer(Line line) {
        if (closed) {
            dropped.incrementAndGet();
            return;
        }
        start();
        if (!queue.offer(line)) {
            dropped.incrementAndGet();
        }
    }

    /**
     * The lines dropped so far: offered to a full queue or after close, or still queued when close gave up.
     *
     * @return the count
     */
    public long dropped() {
        return dropped.get();
    }

    private void start() {
        if (thread != null) {
            return;
        }
        lock.lock();
        try {
            if (thread == null && !closed) {
                Thread t = threadFactory.newThread(this::drain);
                t.start();
                thread = t;
            }
        } finally {
            lock.unlock();
        }
    }

    private void drain() {
        try {
            while (true) {
                Line line = queue.take();
                if (line == STOP) {
                    reportDrops();
                    return;
                }
                write(line);
                reportDrops();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void reportDrops() {
        long now = dropped.get();
        if (now > reported) {
            try {
                LoggerFactory.getLogger("io.loomflow.slf4j").warn("{} run log lines were not written to SLF4J: the"
                        + " logging backend did not keep up and the queue of {} lines was full. They are still in the"
                        + " runs' events and history; make the backend faster (Logback's AsyncAppender with"
                        + " neverBlock) or raise Slf4jRunLogs.builder().queueCapacity(...)", now - reported, capacity);
            } catch (RuntimeException e) {
                // A broken backend loses the warning, as it loses the lines.
            }
            reported = now;
        }
    }

    private static void write(Line queued) {
        Event.LogLine line = queued.line();
        RunInfo run = line.run();
        Logger logger = LoggerFactory.getLogger(queued.logger());
        Level level = level(line.level());
        if (level == null || !logger.isEnabledForLevel(level)) {
            return;
        }
        String runId = run.id().toString();
        String rootId = run.rootId().toString();
        MDC.put(Keys.RUN_ID, runId);
        MDC.put(Keys.RUN_NAME, run.name());
        MDC.put(Keys.ROOT_ID, rootId);
        if (queued.flow() != null) {
            MDC.put(Keys.FLOW_NAME, queued.flow());
        }
        try {
            LoggingEventBuilder event = logger.atLevel(level).setMessage(line.message())
                    .addKeyValue(Keys.RUN_ID, runId).addKeyValue(Keys.RUN_NAME, run.name())
                    .addKeyValue(Keys.ROOT_ID, rootId);
            if (queued.flow() != null) {
                event = event.addKeyValue(Keys.FLOW_NAME, queued.flow());
            }
            if (line.error() != null) {
                event = event.setCause(line.error());
            }
            event.log();
        } catch (RuntimeException e) {
            // A backend that throws loses this line; the run never sees it.
        } finally {
            MDC.remove(Keys.RUN_ID);
            MDC.remove(Keys.RUN_NAME);
            MDC.remove(Keys.ROOT_ID);
            MDC.remove(Keys.FLOW_NAME);
        }
    }

    private static @Nullable Level level(System.Logger.Level level) {
        return switch (level) {
            case ALL, TRACE -> Level.TRACE;
            case DEBUG -> Level.DEBUG;
            case INFO -> Level.INFO;
            case WARNING -> Level.WARN;
            case ERROR -> Level.ERROR;
            case OFF -> null;
        };
    }

    /**
     * Stops taking lines, waits at most the close timeout for the queued ones to be written, then
     * interrupts the writing thread.
     */
    public void close() {
        Thread t;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            t = thread;
        } finally {
            lock.unlock();
        }
        if (t == null) {
            return;
        }
        long deadline = System.nanoTime() + closeTimeout.toNanos();
        try {
            while (!queue.offer(STOP, 10, TimeUnit.MILLISECONDS)) {
                if (System.nanoTime() - deadline > 0) {
                    break;
                }
            }
            t.join(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            // The backend still holds the thread: what is queued is given up (and counted), and the thread
            // stops at the next line it takes, or at once if the interrupt reaches it.
            List<Line> left = new ArrayList<>();
            queue.drainTo(left);
            dropped.addAndGet(left.stream().filter(line -> line != STOP).count());
            queue.offer(STOP);
            t.interrupt();
        }
    }
}
