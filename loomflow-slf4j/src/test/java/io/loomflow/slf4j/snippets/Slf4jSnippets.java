package io.loomflow.slf4j.snippets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.RunContext;
import io.loomflow.slf4j.Slf4jRunLogs;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The examples in the javadoc of {@link Slf4jRunLogs}, run. */
class Slf4jSnippets {

    private final Flow<String, String> greet = Flow.named("greet", (String name) -> {
        RunContext.current().log().info("greeting %s", name);
        return "Hello, " + name;
    });

    @Test
    void runLogLinesReachSlf4j() {
        Logger runs = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("io.loomflow.run");
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        runs.addAppender(seen);
        runs.setLevel(Level.INFO);
        try {
            // @start region="install"
            try (Engine engine = Engine.builder().listener(Slf4jRunLogs.create()).build()) {
                engine.run(greet, "World");    // "greeting World" on the SLF4J logger io.loomflow.run.greet
            }
            // @end
            await().atMost(Duration.ofSeconds(10)).until(() -> !seen.list.isEmpty());
            assertThat(seen.list.getFirst().getLoggerName()).isEqualTo("io.loomflow.run.greet");
            assertThat(seen.list.getFirst().getFormattedMessage()).isEqualTo("greeting World");
        } finally {
            runs.detachAppender(seen);
            runs.setLevel(null);
        }
    }
}
