package io.loomflow.slf4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.loomflow.Engine;
import io.loomflow.Event;
import io.loomflow.Flow;
import io.loomflow.RunContext;
import io.loomflow.RunInfo;
import io.loomflow.Task;
import io.loomflow.store.LogRecord;
import io.loomflow.store.RunRecorder;
import io.loomflow.store.RunStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.ThreadContext;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Run logs to SLF4J, and a task's SLF4J lines captured into its run's log, on Log4j 2: SLF4J bound by
 * {@code log4j-slf4j2-impl}, no Logback on the class path, {@code log4j2-test.xml} naming {@code
 * LoomflowRun} as a user would. Run by the surefire execution {@code log4j} only.
 */
@Tag("log4j")
class Log4jLoggingTest {

    private final LoggerContext log4j = (LoggerContext) org.apache.logging.log4j.LogManager.getContext(false);
    private final List<Runnable> undo = new ArrayList<>();

    @AfterEach
    void restore() {
        undo.reversed().forEach(Runnable::run);
        log4j.updateLoggers();
    }

    /** What an appender saw: each event copied when it was appended, as an asynchronous appender takes it. */
    private static final class Recording extends AbstractAppender {
        final List<LogEvent> events = new CopyOnWriteArrayList<>();

        Recording(String name) {
            super(name, null, null, true, Property.EMPTY_ARRAY);
        }

        @Override
        public void append(LogEvent event) {
            events.add(event.toImmutable());
        }
    }

    /** Adds a started appender to a logger of its own at a level, alone, until the test ends. */
    private <A extends org.apache.logging.log4j.core.Appender> A attach(String loggerName, Level level, A appender) {
        Configuration configuration = log4j.getConfiguration();
        appender.start();
        configuration.addAppender(appender);
        LoggerConfig logger = new LoggerConfig(loggerName, level, false);
        logger.addAppender(appender, level, null);
        configuration.addLogger(loggerName, logger);
        log4j.updateLoggers();
        undo.add(() -> {
            configuration.removeLogger(loggerName);
            appender.stop();
        });
        return appender;
    }

    /** An engine whose first listener keeps the lines in the order they are published, then the listeners given. */
    private static Engine engine(Consumer<Engine.Builder> configure, List<Event.LogLine> lines) {
        Engine.Builder builder = Engine.builder().listener(event -> {
            if (event instanceof Event.LogLine line) {
                lines.add(line);
            }
        });
        configure.accept(builder);
        return builder.build();
    }

    @Test
    void slf4jIsLog4jHereAndNotLogback() {
        assertThat(LoggerFactory.getILoggerFactory().getClass().getName()).startsWith("org.apache.logging.slf4j.");
        assertThat(log4j.getConfiguration().getAppenders().get("loomflow")).as("log4j2-test.xml's LoomflowRun")
                .isInstanceOf(LoomflowLog4jAppender.class);
    }

    @Test
    void whatATaskLogsThroughSlf4jBecomesALineOfItsOwnRunWithTheAppenderOfLog4j2Xml() {
        List<Event.LogLine> lines = new CopyOnWriteArrayList<>();
        RunStore store = RunStore.inMemory();
        IllegalStateException cause = new IllegalStateException("disk full");
        Task<String, String> fetch = Task.named("fetch", (String id) -> {
            LoggerFactory.getLogger("app.fetch").info("fetching {}", id);
            LoggerFactory.getLogger("app.fetch").debug("below the logger's INFO");
            return id.toUpperCase();
        });
        Flow<List<String>, List<String>> flow = Flow.named("fetch-all", (List<String> ids) -> {
            LoggerFactory.getLogger("app.flow").warn("starting {} items, {}% done", ids.size(), 0);
            org.apache.logging.log4j.LogManager.getLogger("app.flow").fatal("through Log4j's own API", cause);
            return fetch.map(ids).join();
        });
        LoggerFactory.getLogger("app.outside").info("not in any run");

        try (Engine engine = engine(b -> b.listener(RunRecorder.to(store)), lines)) {
            assertThat(engine.run(flow, List.of("a", "b", "c"))).containsExactly("A", "B", "C");
        }

        for (String id : List.of("a", "b", "c")) {
            assertThat(lines).filteredOn(line -> line.message().equals("fetching " + id)).singleElement()
                    .satisfies(line -> {
                        assertThat(line.run().name()).isEqualTo("fetch");
                        assertThat(line.run().input()).as("the item's own run").isEqualTo(id);
                        assertThat(line.level()).isEqualTo(System.Logger.Level.INFO);
                        assertThat(store.logs(line.run().id())).extracting(LogRecord::message)
                                .containsExactly("fetching " + id);
                    });
        }
        List<Event.LogLine> flowLines = lines.stream().filter(line -> line.run().name().equals("fetch-all")).toList();
        assertThat(flowLines).extracting(Event.LogLine::level, Event.LogLine::message).containsExactly(
                org.assertj.core.groups.Tuple.tuple(System.Logger.Level.WARNING, "starting 3 items, 0% done"),
                org.assertj.core.groups.Tuple.tuple(System.Logger.Level.ERROR, "through Log4j's own API"));
        assertThat(flowLines.get(1).error()).isSameAs(cause);
        assertThat(lines).extracting(Event.LogLine::message).doesNotContain("not in any run", "below the logger's INFO")
                .hasSize(5);
    }

    @Test
    void capturedLinesAreNotCapturedAgainWhateverLogsThemOnward() {
        attach("elsewhere", Level.INFO, LoomflowLog4jAppender.create("elsewhere", null));
        List<Event.LogLine> lines = new CopyOnWriteArrayList<>();
        Flow<String, String> flow = Flow.named("once", (String p) -> {
            LoggerFactory.getLogger("elsewhere").info("through slf4j, {}% of it", 100);
            RunContext.current().log().info("through the run log");
            return p;
        });
        // A listener that logs every line it sees through SLF4J, on the run's thread: what it logs while a
        // captured line is published is not captured again (Log4j's own guard against an appender called
        // from itself stops it too, and says so on its status logger); what it logs for the run's own line
        // is captured once, as any line of the run.
        try (Engine engine = engine(b -> b.listener(event -> {
            if (event instanceof Event.LogLine line) {
                LoggerFactory.getLogger("elsewhere.listener").info("saw {}", line.message());
            }
        }), lines)) {
            engine.run(flow, "x");
        }

        assertThat(lines).extracting(Event.LogLine::message)
                .containsExactly("through slf4j, 100% of it", "through the run log", "saw through the run log");
    }

    @Test
    void runLogLinesReachLog4jWithTheRunAsContextDataThatIsRemovedAfter() {
        Recording seen = attach("io.loomflow.run", Level.DEBUG, new Recording("seen"));
        AtomicReference<Map<String, String>> contextAtWriterEnd = new AtomicReference<>(Map.of("not", "ended"));
        Slf4jRunLogs toSlf4j = Slf4jRunLogs.builder().threadFactory(body -> Thread.ofPlatform().unstarted(() -> {
            try {
                body.run();
            } finally {
                contextAtWriterEnd.set(ThreadContext.getImmutableContext());
            }
        })).build();
        RuntimeException boom = new RuntimeException("boom");
        Task<Integer, Integer> price = Task.named("price", (Integer n) -> {
            RunContext.current().log().info("pricing %d", n);
            return n * 2;
        });
        Flow<Integer, Integer> flow = Flow.named("orders", (Integer n) -> {
            RunContext.current().log().error("flow line", boom);
            return price.call(n);
        });
        List<Event.LogLine> lines = new CopyOnWriteArrayList<>();
        RunInfo taskRun;
        try (Engine engine = engine(b -> b.listener(toSlf4j), lines)) {
            assertThat(engine.run(flow, 21)).isEqualTo(42);
            assertThat(MDC.getCopyOfContextMap()).as("nothing on the caller's thread").isNullOrEmpty();
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.events.size() == 2);
            taskRun = lines.stream().filter(line -> line.message().equals("pricing 21")).findFirst().orElseThrow().run();
        }

        LogEvent flowLine = seen.events.get(0);
        assertThat(flowLine.getLoggerName()).isEqualTo("io.loomflow.run.orders");
        assertThat(flowLine.getLevel()).isEqualTo(Level.ERROR);
        assertThat(flowLine.getMessage().getFormattedMessage()).isEqualTo("flow line");
        assertThat(flowLine.getThrown()).isSameAs(boom);
        assertThat(flowLine.getContextData().toMap()).containsEntry(Slf4jRunLogs.RUN_NAME, "orders")
                .containsEntry(Slf4jRunLogs.FLOW_NAME, "orders");

        LogEvent taskLine = seen.events.get(1);
        assertThat(taskLine.getLoggerName()).isEqualTo("io.loomflow.run.price");
        assertThat(taskLine.getLevel()).isEqualTo(Level.INFO);
        assertThat(taskLine.getMessage().getFormattedMessage()).isEqualTo("pricing 21");
        // log4j-slf4j2-impl puts SLF4J's key-values in the event's context data, beside the MDC (ThreadContext)
        // entries: %X{loomflow.run.id} shows either.
        assertThat(taskLine.getContextData().toMap()).containsExactlyInAnyOrderEntriesOf(Map.of(
                Slf4jRunLogs.RUN_ID, taskRun.id().toString(), Slf4jRunLogs.RUN_NAME, "price",
                Slf4jRunLogs.FLOW_NAME, "orders", Slf4jRunLogs.ROOT_ID, taskRun.rootId().toString()));
        assertThat(contextAtWriterEnd.get()).as("ThreadContext emptied after each line on the writing thread").isEmpty();
        assertThat(toSlf4j.dropped()).isZero();
    }
}
