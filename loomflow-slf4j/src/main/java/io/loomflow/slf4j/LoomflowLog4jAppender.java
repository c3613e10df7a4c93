package io.loomflow.slf4j;

import io.loomflow.slf4j.internal.Capture;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.Core;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.config.plugins.PluginAttribute;
import org.apache.logging.log4j.core.config.plugins.PluginElement;
import org.apache.logging.log4j.core.config.plugins.PluginFactory;
import org.jspecify.annotations.Nullable;

/**
 * A Log4j 2 appender that captures what a task logs (through SLF4J on {@code log4j-slf4j2-impl}, or
 * Log4j's own API) while it runs into that run's log, as {@link LoomflowRunAppender} does for Logback:
 * the line becomes an {@link io.loomflow.Event.LogLine} of the run (shown in the UI and by {@code
 * loomflow logs}, kept in the run history). A plugin named {@code LoomflowRun}: add it to the loggers
 * whose lines you want in the runs' logs, beside your other appenders, in {@code log4j2.xml}:
 * {@snippet lang=xml :
 * <Appenders>
 *   <Console name="console"/>
 *   <LoomflowRun name="loomflow"/>
 * </Appenders>
 * <Loggers>
 *   <Root level="INFO">
 *     <AppenderRef ref="console"/>
 *     <AppenderRef ref="loomflow"/>
 *   </Root>
 * </Loggers>
 * }
 *
 * <p>The rules are {@link LoomflowRunAppender}'s: a line belongs to the run that executes on the thread
 * that logs it, and a line logged where none does is left alone; {@code ERROR} and {@code FATAL} are
 * error lines, {@code WARN} warnings, {@code INFO} informational, {@code DEBUG} and {@code TRACE} debug
 * lines; lines of the {@code io.loomflow.run} loggers and whatever logs while a captured line is
 * written are never captured, so nothing loops. It does no I/O and never throws into the task: an
 * error goes to the appender's error handler (Log4j's status logger). Other appenders still run on the
 * task's thread as Log4j runs them; to keep a slow one from slowing the task, make it asynchronous
 * ({@code <Async blocking="false">} or asynchronous loggers).
 *
 * <p>Needs {@code log4j-core} (an optional dependency of this module).
 */
@Plugin(name = "LoomflowRun", category = Core.CATEGORY_NAME, elementType = Appender.ELEMENT_TYPE, printObject = true)
public final class LoomflowLog4jAppender extends AbstractAppender {

    private LoomflowLog4jAppender(String name, @Nullable Filter filter) {
        super(name, filter, null, true, Property.EMPTY_ARRAY);
    }

    /**
     * The appender Log4j makes from a {@code <LoomflowRun>} element; call {@link #start()} on one made in
     * code before adding it to a configuration.
     *
     * @param name its name, which {@code AppenderRef}s give; {@code loomflow} when left out
     * @param filter a filter of the lines it sees, or {@code null}
     * @return a new appender, not started
     */
    @PluginFactory
    public static LoomflowLog4jAppender create(@PluginAttribute("name") @Nullable String name,
                                               @PluginElement("Filter") @Nullable Filter filter) {
        return new LoomflowLog4jAppender(name == null || name.isBlank() ? "loomflow" : name, filter);
    }

    @Override
    public void append(LogEvent event) {
        Capture.capture(event.getLoggerName(), level(event.getLevel()), () -> event.getMessage().getFormattedMessage(),
                event.getThrown(), (problem, e) -> error(problem, event, e));
    }

    private static org.slf4j.event.Level level(org.apache.logging.log4j.Level level) {
        return switch (level.getStandardLevel()) {
            case OFF, FATAL, ERROR -> org.slf4j.event.Level.ERROR;
            case WARN -> org.slf4j.event.Level.WARN;
            case INFO -> org.slf4j.event.Level.INFO;
            case DEBUG -> org.slf4j.event.Level.DEBUG;
            case TRACE, ALL -> org.slf4j.event.Level.TRACE;
        };
    }
}
