package io.loomflow.slf4j;

import io.loomflow.Event;
import io.loomflow.EventListener;
import io.loomflow.RunInfo;
import io.loomflow.slf4j.internal.Keys;
import io.loomflow.slf4j.internal.LineWriter;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.function.Function;

/**
 * Writes every run's log lines ({@link Event.LogLine}) to SLF4J, so that Logback or Log4j users see
 * them with the rest of their application's logging. Install it on an engine:
 * {@snippet class=io.loomflow.slf4j.snippets.Slf4jSnippets region=install}
 *
 * <p>Each line goes to the SLF4J logger {@code io.loomflow.run.}<i>name</i>, where <i>name</i> is the
 * name of the flow or task that logged it (see {@link Builder#loggerName(Function)}), at the matching
 * level ({@code WARNING} is {@code WARN}), with the exception logged with it, and with these keys both
 * as SLF4J 2 key-values and as MDC entries:
 * <ul>
 * <li>{@value #RUN_ID}: the run's id;</li>
 * <li>{@value #RUN_NAME}: the name of the flow or task that logged the line;</li>
 * <li>{@value #FLOW_NAME}: the name of the run's root flow (left out for a run whose root this
 * listener did not see start);</li>
 * <li>{@value #ROOT_ID}: the root run's id.</li>
 * </ul>
 * The MDC entries are set around the one call that logs the line, and removed after it. On Log4j 2
 * ({@code log4j-slf4j2-impl}) the MDC is Log4j's {@code ThreadContext}, and the binding puts the
 * key-values in the event's context data as well: {@code %X{loomflow.run.id}} shows the run's id.
 *
 * <p>A run never waits for the logging backend: {@link #onEvent} only puts the line on a bounded queue
 * (10,000 lines unless {@link Builder#queueCapacity(int)} says otherwise), and one thread of this
 * listener's own writes the queue to SLF4J, in order. When the backend blocks or falls behind until the
 * queue is full, further lines are dropped (not written to SLF4J; they are still in the run's events,
 * its history and the UI), counted by {@link #dropped()}, and a warning on the SLF4J logger {@code
 * io.loomflow.slf4j} says how many, once the backend takes lines again. {@link #close()}, which the
 * engine calls when it closes, waits for the queue to be written for at most {@link
 * Builder#closeTimeout(Duration)} (5 s by default), then stops the thread.
 *
 * <p>Core also writes each line to the JDK's {@link System.Logger} named {@code io.loomflow.run}
 * (java.util.logging by default). Where that logger reaches SLF4J too (through {@code jul-to-slf4j}
 * or {@code slf4j-jdk-platform-logging}) every line would be logged twice: turn the JDK logger off
 * ({@code io.loomflow.run.level = OFF} in {@code logging.properties}, or {@code
 * java.util.logging.Logger.getLogger("io.loomflow.run").setLevel(Level.OFF)}) and keep this listener.
 *
 * <p>Thread-safe; one instance per engine.
 */
public final class Slf4jRunLogs implements EventListener {

    /** The key of the run's id. */
    public static final String RUN_ID = Keys.RUN_ID;
    /** The key of the name of the flow or task that logged the line. */
    public static final String RUN_NAME = Keys.RUN_NAME;
    /** The key of the name of the run's root flow. */
    public static final String FLOW_NAME = Keys.FLOW_NAME;
    /** The key of the root run's id. */
    public static final String ROOT_ID = Keys.ROOT_ID;

    private final Function<RunInfo, String> loggerName;
    private final LineWriter writer;
    /** The names of the root runs in flight, by id; each removed when its run ends. */
    private final ConcurrentHashMap<UUID, String> roots = new ConcurrentHashMap<>();

    private Slf4jRunLogs(Builder builder) {
        this.loggerName = builder.loggerName;
        this.writer = new LineWriter(builder.queueCapacity, builder.closeTimeout, builder.threadFactory);
    }

    /**
     * A listener with the defaults: loggers {@code io.loomflow.run.}<i>name</i>, a queue of 10,000
     * lines, 5 s to write it at close.
     *
     * @return a new listener
     */
    public static Slf4jRunLogs create() {
        return builder().build();
    }

    /**
     * A builder for a listener with other settings.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void onEvent(Event event) {
        switch (event) {
            case Event.StateChange change when change.run().parentId() == null -> {
                if (change.state().isFinal()) {
                    roots.remove(change.run().id());
                } else {
                    roots.putIfAbsent(change.run().id(), change.run().name());
                }
            }
            case Event.LogLine line -> {
                RunInfo run = line.run();
                String flow = run.parentId() == null ? run.name() : roots.get(run.rootId());
                writer.offer(new LineWriter.Line(loggerName.apply(run), line, flow));
            }
            default -> {
            }
        }
    }

    /**
     * The number of lines not written to SLF4J so far: the queue was full, the listener was closed,
     * or they were still queued when {@link #close()} stopped waiting for the backend.
     *
     * @return the count, 0 while the backend keeps up
     */
    public long dropped() {
        return writer.dropped();
    }

    /** Writes what is queued, waiting at most the close timeout, then stops the writing thread. */
    @Override
    public void close() {
        writer.close();
    }

    /** Settings of a {@link Slf4jRunLogs}. Not thread-safe. */
    public static final class Builder {

        private Function<RunInfo, String> loggerName = run -> "io.loomflow.run." + run.name();
        private int queueCapacity = 10_000;
        private Duration closeTimeout = Duration.ofSeconds(5);
        private ThreadFactory threadFactory = Thread.ofPlatform().name("loomflow-slf4j").daemon().factory();

        private Builder() {
        }

        /**
         * The name of the SLF4J logger of a run's lines.
         *
         * @param loggerName from the run that logged the line to a logger name; by default {@code
         *     "io.loomflow.run." + run.name()}
         * @return this builder
         */
        public Builder loggerName(Function<RunInfo, String> loggerName) {
            this.loggerName = Objects.requireNonNull(loggerName, "loggerName must not be null");
            return this;
        }

        /**
         * How many lines may wait for the backend before further lines are dropped.
         *
         * @param lines at least 1; 10,000 by default
         * @return this builder
         * @throws IllegalArgumentException if {@code lines} is less than 1
         */
        public Builder queueCapacity(int lines) {
            if (lines < 1) {
                throw new IllegalArgumentException("queueCapacity must be at least 1 line, was " + lines);
            }
            this.queueCapacity = lines;
            return this;
        }

        /**
         * How long {@link Slf4jRunLogs#close()} waits for the queued lines to be written.
         *
         * @param timeout not negative; 5 s by default
         * @return this builder
         * @throws IllegalArgumentException if {@code timeout} is negative
         */
        public Builder closeTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout must not be null");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("closeTimeout must not be negative, was " + timeout);
            }
            this.closeTimeout = timeout;
            return this;
        }

        /**
         * Makes the thread that writes the lines to SLF4J.
         *
         * @param threadFactory the factory; by default a daemon platform thread named {@code loomflow-slf4j}
         * @return this builder
         */
        public Builder threadFactory(ThreadFactory threadFactory) {
            this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory must not be null");
            return this;
        }

        /**
         * A new listener with these settings; its writing thread starts with the first line.
         *
         * @return the listener
         */
        public Slf4jRunLogs build() {
            return new Slf4jRunLogs(this);
        }
    }
}
