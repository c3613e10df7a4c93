package io.loomflow.slf4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.read.ListAppender;
import io.loomflow.Engine;
import io.loomflow.Event;
import io.loomflow.Flow;
import io.loomflow.RunContext;
import io.loomflow.RunInfo;
import io.loomflow.Task;
import io.loomflow.slf4j.internal.Capture;
import io.loomflow.store.LogRecord;
import io.loomflow.store.RunRecorder;
import io.loomflow.store.RunStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.event.KeyValuePair;

/** Run logs to SLF4J, and a task's SLF4J and System.Logger lines captured into its run's log, on Logback. */
class LoggingTest {

    private final LoggerContext logback = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final List<Runnable> undo = new ArrayList<>();

    @AfterEach
    void restore() {
        undo.reversed().forEach(Runnable::run);
    }

    /** Adds a started appender to a logger at a level, alone (not the console's too), until the test ends. */
    private <A extends Appender<ILoggingEvent>> A attach(String loggerName, Level level, A appender) {
        Logger logger = logback.getLogger(loggerName);
        Level before = logger.getLevel();
        appender.setContext(logback);
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(level);
        logger.setAdditive(false);
        undo.add(() -> {
            logger.detachAppender(appender);
            appender.stop();
            logger.setLevel(before);
            logger.setAdditive(true);
        });
        return appender;
    }

    /**
     * Adds a handler to java.util.logging's root logger, and lets the INFO lines of the {@code app}
     * loggers and of core's {@code io.loomflow.run} through (logging.properties lets only warnings
     * through), until the test ends.
     */
    private void attachJul(java.util.logging.Handler handler) {
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        java.util.logging.Logger app = java.util.logging.Logger.getLogger("app");
        java.util.logging.Logger runs = java.util.logging.Logger.getLogger(Capture.RUN_LOGGER);
        root.addHandler(handler);
        app.setLevel(java.util.logging.Level.INFO);
        runs.setLevel(java.util.logging.Level.INFO);
        undo.add(() -> {
            root.removeHandler(handler);
            app.setLevel(null);
            runs.setLevel(null);
        });
    }

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
    void whatATaskLogsThroughSlf4jBecomesALineOfItsOwnRun() {
        attach("app", Level.DEBUG, new LoomflowRunAppender());
        List<Event.LogLine> lines = new CopyOnWriteArrayList<>();
        RunStore store = RunStore.inMemory();
        Task<String, String> fetch = Task.named("fetch", (String id) -> {
            LoggerFactory.getLogger("app.fetch").info("fetching {}", id);
            return id.toUpperCase();
        });
        Flow<List<String>, List<String>> flow = Flow.named("fetch-all", (List<String> ids) -> {
            LoggerFactory.getLogger("app.flow").warn("starting {} items", ids.size());
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
        Event.LogLine start = lines.stream().filter(line -> line.message().equals("starting 3 items")).findFirst()
                .orElseThrow();
        assertThat(start.run().name()).isEqualTo("fetch-all");
        assertThat(start.level()).isEqualTo(System.Logger.Level.WARNING);
        assertThat(store.logs(start.run().id())).extracting(LogRecord::message).containsExactly("starting 3 items");
        assertThat(lines).extracting(Event.LogLine::message).doesNotContain("not in any run").hasSize(4);
    }

    @Test
    void theAppenderNamedInLogbackXmlCapturesOnlyInsideRuns() {
        List<Event.LogLine> lines = new CopyOnWriteArrayList<>();
        org.slf4j.Logger configured = LoggerFactory.getLogger("app.configured");
        Flow<String, String> flow = Flow.named("configured", (String p) -> {
            configured.info("inside {}", p);
            configured.debug("below the logger's INFO");
            return p;
        });

        configured.info("outside of any run");
        try (Engine engine = engine(b -> { }, lines)) {
            engine.run(flow, "the run");
        }

        assertThat(lines).singleElement().satisfies(line -> {
            assertThat(line.message()).isEqualTo("inside the run");
            assertThat(line.run().name()).isEqualTo("configured");
        });
    }

    @Test
    void whatATaskLogsThroughSystemLoggerBecomesALineOfItsRun() {
        attachJul(new RunLogHandler());
        List<Event.LogLine> lines = new CopyOnWriteArrayList<>();
        IllegalStateException cause = new IllegalStateException("disk full");
        Flow<String, String> flow = Flow.named("jdk", (String p) -> {
            System.getLogger("app.jdk").log(System.Logger.Level.INFO, "hello {0}", p);
            System.getLogger("app.jdk").log(System.Logger.Level.ERROR, "failed", cause);
            System.getLogger("app.jdk").log(System.Logger.Level.DEBUG, "below java.util.logging's INFO");
            return p;
        });

        try (Engine engine = engine(b -> { }, lines)) {
            engine.run(flow, "world");
        }

        assertThat(lines).extracting(Event.LogLine::message).containsExactly("hello world", "failed");
        assertThat(lines.get(1).level()).isEqualTo(System.Logger.Level.ERROR);
        assertThat(lines.get(1).error()).isSameAs(cause);
        assertThat(lines).allSatisfy(line -> assertThat(line.run().name()).isEqualTo("jdk"));
    }

    @Test
    void runLogLinesReachSlf4jWithTheRunAsKeyValuesAndMdcThatIsRemovedAfter() {
        ListAppender<ILoggingEvent> seen = attach("io.loomflow.run", Level.DEBUG, new ListAppender<>() {
            @Override
            protected void append(ILoggingEvent event) {
                event.prepareForDeferredProcessing(); // takes the MDC of the logging thread now, as AsyncAppender does
                super.append(event);
            }
        });
        AtomicReference<Map<String, String>> mdcAtWriterEnd = new AtomicReference<>(Map.of("not", "ended"));
        Slf4jRunLogs toSlf4j = Slf4jRunLogs.builder().threadFactory(body -> Thread.ofPlatform().unstarted(() -> {
            try {
                body.run();
            } finally {
                Map<String, String> left = MDC.getCopyOfContextMap();
                mdcAtWriterEnd.set(left == null ? Map.of() : left);
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
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.list.size() == 2);
            taskRun = lines.stream().filter(line -> line.message().equals("pricing 21")).findFirst().orElseThrow().run();
        }

        ILoggingEvent flowLine = seen.list.get(0);
        assertThat(flowLine.getLoggerName()).isEqualTo("io.loomflow.run.orders");
        assertThat(flowLine.getLevel()).isEqualTo(Level.ERROR);
        assertThat(flowLine.getFormattedMessage()).isEqualTo("flow line");
        assertThat(flowLine.getThrowableProxy().getMessage()).isEqualTo("boom");

        ILoggingEvent taskLine = seen.list.get(1);
        assertThat(taskLine.getLoggerName()).isEqualTo("io.loomflow.run.price");
        assertThat(taskLine.getLevel()).isEqualTo(Level.INFO);
        assertThat(taskLine.getFormattedMessage()).isEqualTo("pricing 21");
        Map<String, String> expected = Map.of(Slf4jRunLogs.RUN_ID, taskRun.id().toString(),
                Slf4jRunLogs.RUN_NAME, "price", Slf4jRunLogs.FLOW_NAME, "orders",
                Slf4jRunLogs.ROOT_ID, taskRun.rootId().toString());
        assertThat(taskLine.getKeyValuePairs()).extracting(kv -> kv.key, kv -> kv.value).containsExactlyInAnyOrderElementsOf(
                expected.entrySet().stream().map(e -> org.assertj.core.groups.Tuple.tuple(e.getKey(), e.getValue())).toList());
        assertThat(taskLine.getMDCPropertyMap()).containsExactlyInAnyOrderEntriesOf(expected);
        assertThat(flowLine.getMDCPropertyMap()).containsEntry(Slf4jRunLogs.RUN_NAME, "orders")
                .containsEntry(Slf4jRunLogs.FLOW_NAME, "orders");
        assertThat(mdcAtWriterEnd.get()).as("MDC removed after each line on the writing thread").isEmpty();
        assertThat(toSlf4j.dropped()).isZero();
    }

    @Test
    void capturedLinesAreNotCapturedAgainWhateverLogsThemOnward() {
        attach(Logger.ROOT_LOGGER_NAME, Level.INFO, new LoomflowRunAppender());
        attachJul(new RunLogHandler());
        List<Event.LogLine> lines = new CopyOnWriteArrayList<>();
        Flow<String, String> flow = Flow.named("once", (String p) -> {
            LoggerFactory.getLogger("app").info("through slf4j, {}% of it", 100);
            System.getLogger("app.jdk").log(System.Logger.Level.INFO, "through System.Logger");
            RunContext.current().log().info("through the run log");
            return p;
        });
        // A user's listener that logs every line it sees, on the run's thread, through SLF4J: what it logs
        // while a captured line is published is not captured again; what it logs while the run's own
        // RunLog line is published is a line of the run like any other, captured once.
        try (Engine engine = engine(b -> b.listener(event -> {
            if (event instanceof Event.LogLine line) {
                LoggerFactory.getLogger("app.listener").info("saw {}", line.message());
            }
        }), lines)) {
            engine.run(flow, "x");
        }

        assertThat(lines).extracting(Event.LogLine::message)
                .containsExactly("through slf4j, 100% of it", "through System.Logger", "through the run log", "saw through the run log");
    }

    @Test
    void aBlockingBackendNeitherStallsRunsNorTheEnginesClose() {
        CountDownLatch release = new CountDownLatch(1);
        attach("io.loomflow.run", Level.INFO, new AppenderBase<ILoggingEvent>() {
            @Override
            protected void append(ILoggingEvent event) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        Slf4jRunLogs toSlf4j = Slf4jRunLogs.builder().queueCapacity(10).closeTimeout(Duration.ofMillis(300)).build();
        Flow<Integer, Integer> flow = Flow.named("chatty", (Integer n) -> {
            for (int i = 0; i < n; i++) {
                RunContext.current().log().info("line %d", i);
            }
            return n;
        });
        try {
            try (Engine engine = engine(b -> b.listener(toSlf4j), new CopyOnWriteArrayList<>())) {
                // The backend holds its thread until the end of the test: the run ends only if it never waits
                // for it, and the engine's close only if the listener gives up after its timeout (else the
                // test's own timeout fails it).
                assertThat(engine.run(flow, 2_000)).isEqualTo(2_000);
                assertThat(toSlf4j.dropped()).isGreaterThanOrEqualTo(2_000 - 11);
            }
            assertThat(toSlf4j.dropped()).as("all but the one line the backend holds are given up and counted")
                    .isEqualTo(2_000 - 1);
        } finally {
            release.countDown();
        }
    }

    @Test
    void droppedLinesAreReportedOnceTheBackendTakesLinesAgain() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        attach("io.loomflow.run", Level.INFO, new AppenderBase<ILoggingEvent>() {
            @Override
            protected void append(ILoggingEvent event) {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        ListAppender<ILoggingEvent> warnings = attach("io.loomflow.slf4j", Level.WARN, new ListAppender<>());
        Slf4jRunLogs toSlf4j = Slf4jRunLogs.builder().queueCapacity(5).build();
        Flow<Integer, Integer> flow = Flow.named("chatty", (Integer n) -> {
            for (int i = 0; i < n; i++) {
                RunContext.current().log().info("line %d", i);
            }
            return n;
        });
        try (Engine engine = engine(b -> b.listener(toSlf4j), new CopyOnWriteArrayList<>())) {
            engine.run(flow, 100);
            long dropped = toSlf4j.dropped();
            assertThat(dropped).isGreaterThanOrEqualTo(100 - 6);
            release.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> !warnings.list.isEmpty());
            assertThat(warnings.list.getFirst().getFormattedMessage())
                    .startsWith(dropped + " run log lines were not written to SLF4J")
                    .contains("queue of 5 lines was full");
        }
    }

    @Test
    void badSettingsAreRefusedNamingTheValue() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Slf4jRunLogs.builder().queueCapacity(0))
                .hasMessage("queueCapacity must be at least 1 line, was 0");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Slf4jRunLogs.builder().closeTimeout(Duration.ofSeconds(-1)))
                .hasMessage("closeTimeout must not be negative, was PT-1S");
    }
}
