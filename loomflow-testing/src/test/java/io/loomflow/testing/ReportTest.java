package io.loomflow.testing;

import static io.loomflow.testing.LoomflowAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.Handle;
import io.loomflow.ManualTimeSource;
import io.loomflow.Retry;
import io.loomflow.RunContext;
import io.loomflow.Task;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

// The example of the README, as it is there (ReadmeTest checks that it is).
@LoomflowTest
class ReportTest {
    final AtomicInteger calls = new AtomicInteger();
    final Task<String, String> fetch = Task.named("fetch", (String id) -> {
        if (calls.incrementAndGet() == 1) {
            throw new IOException("the service is down");
        }
        RunContext.current().log().info("fetched %s", id);
        return id.toUpperCase();
    }).withRetries(Retry.exponential(3, Duration.ofMinutes(1)));
    final Flow<String, String> report = Flow.named("report", (String id) -> "report of " + fetch.call(id));

    @Test
    void retriesTheFetchAfterAMinute(Engine engine, ManualTimeSource clock, RunHistory history) throws Exception {
        Handle<String> run = engine.submit(report, "a");
        clock.awaitSleepers(1, Duration.ofSeconds(5)); // the back-off before the retry
        clock.advance(Duration.ofMinutes(1));          // moves the clock: no real wait
        assertThat(run.join()).isEqualTo("report of A");
        assertThat(history.run(run.runId()))
                .isCompleted()
                .logged("fetched a")
                .hasChild("fetch").hadAttempts(2).wasRetried(1);
    }
}
