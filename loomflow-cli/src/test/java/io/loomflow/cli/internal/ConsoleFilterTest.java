package io.loomflow.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Engine;
import io.loomflow.Flow;
import java.util.List;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** The command line's console: a task's lines stay in its run's log, Loomflow's own warnings reach the console. */
class ConsoleFilterTest {

    private static boolean shown(Filter filter, String logger) {
        LogRecord line = new LogRecord(Level.WARNING, "a warning");
        line.setLoggerName(logger);
        return filter.isLoggable(line);
    }

    @Test
    void insideARunOnlyLoomflowsOwnWarningsReachTheConsole() {
        Filter filter = Cli.consoleFilter();
        Flow<String, List<Boolean>> flow = Flow.named("console", String.class, ignored -> List.of(
                shown(filter, "com.example.Task"),
                shown(filter, "io.loomflow.store"),
                shown(filter, "io.loomflow.run"),
                shown(filter, "io.loomflow.run.greet"),
                shown(filter, null)));
        try (Engine engine = Engine.builder().build()) {
            assertThat(engine.run(flow, "x")).containsExactly(false, true, false, false, false);
        }
    }

    @Test
    void outsideOfRunsEveryLineButTheRunLogsReachesTheConsole() {
        Filter filter = Cli.consoleFilter();
        assertThat(shown(filter, "com.example.Task")).isTrue();
        assertThat(shown(filter, "io.loomflow.store")).isTrue();
        assertThat(shown(filter, null)).isTrue();
        assertThat(shown(filter, "io.loomflow.run.greet")).isFalse();
    }
}
