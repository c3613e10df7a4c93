package io.loomflow.slf4j;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import io.loomflow.RunContext;
import io.loomflow.slf4j.internal.Capture;
import org.jspecify.annotations.Nullable;

/**
 * A Logback appender that captures what a task logs through SLF4J while it runs into that run's log,
 * as Prefect captures a task's logging: the line becomes an {@link io.loomflow.Event.LogLine} of the
 * run (shown in the UI and by {@code loomflow logs}, kept in the run history), at the matching level
 * ({@code TRACE} and {@code DEBUG} are debug lines). Add it to the loggers whose lines you want in
 * the runs' logs, beside your other appenders, in {@code logback.xml}:
 * {@snippet lang=xml :
 * <appender name="loomflow" class="io.loomflow.slf4j.LoomflowRunAppender"/>
 * <root level="INFO">
 *   <appender-ref ref="console"/>
 *   <appender-ref ref="loomflow"/>
 * </root>
 * }
 *
 * <p>A line logged on a thread that runs no flow or task ({@link RunContext#find()} is empty there,
 * including the threads a task starts itself) is left alone. Lines of the {@code io.loomflow.run}
 * loggers are run-log lines already and are never captured, and whatever logs while a captured line
 * is written (a listener that logs each line, say) is not captured again: nothing loops.
 *
 * <p>The appender does no I/O: it hands the line to the run's log, which publishes an event (the run
 * history records off the run's thread) and writes the JDK {@link System.Logger} {@code
 * io.loomflow.run}. It never throws into the task. The other appenders of the logger still run on the
 * task's thread, as Logback always runs them; to keep a slow one (a network appender) from slowing the
 * task, wrap it in Logback's {@code AsyncAppender} with {@code neverBlock} set.
 *
 * <p>Needs {@code logback-classic} (an optional dependency of this module). Where SLF4J goes to Log4j 2
 * instead, use {@link LoomflowLog4jAppender}; where it goes to java.util.logging, {@link RunLogHandler};
 * install one capture for each path a line takes, or the line is captured twice.
 */
public final class LoomflowRunAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

    /** An appender to configure and {@link #start()}; Logback makes it from {@code logback.xml}. */
    public LoomflowRunAppender() {
    }

    @Override
    protected void append(ILoggingEvent event) {
        Capture.capture(event.getLoggerName(), level(event.getLevel()), event::getFormattedMessage,
                throwable(event.getThrowableProxy()), this::addError);
    }

    private static org.slf4j.event.Level level(Level level) {
        return switch (level.toInt()) {
            case Level.ERROR_INT -> org.slf4j.event.Level.ERROR;
            case Level.WARN_INT -> org.slf4j.event.Level.WARN;
            case Level.INFO_INT -> org.slf4j.event.Level.INFO;
            case Level.DEBUG_INT -> org.slf4j.event.Level.DEBUG;
            default -> org.slf4j.event.Level.TRACE;
        };
    }

    private static @Nullable Throwable throwable(@Nullable IThrowableProxy proxy) {
        return proxy instanceof ThrowableProxy thrown ? thrown.getThrowable() : null;
    }
}
