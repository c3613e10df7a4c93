package io.loomflow.snippets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.ManualTimeSource;
import io.loomflow.NonRetryable;
import io.loomflow.Retry;
import io.loomflow.RunContext;
import io.loomflow.Task;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The examples in the javadoc of {@link Retry}, {@link NonRetryable} and {@link ManualTimeSource}, run. */
class RetrySnippets {

    private final AtomicInteger attempts = new AtomicInteger();

    /** Fails its first attempt, then says which attempt succeeded; retried once, a second later. */
    private final Flow<String, String> flowWithRetries = Flow.named("flaky", (String input) -> {
        if (attempts.incrementAndGet() == 1) {
            throw new IOException("the service is down");
        }
        return input + " on attempt " + RunContext.current().attempt();
    }).withRetries(Retry.fixed(1, Duration.ofSeconds(1)));

    @Test
    void exponentialDelaysDoubleAndOnlyTheChosenErrorsAreRetried() {
        // @start region="exponential"
        Retry retry = Retry.exponential(3, Duration.ofMillis(200))   // 200 ms, 400 ms, 800 ms
                .withJitter(0.2)
                .withRetryOn(e -> e instanceof java.io.IOException);
        // @end

        assertThat(retry.delayBefore(1, 0.5)).isEqualTo(Duration.ofMillis(200));
        assertThat(retry.delayBefore(3, 0.5)).isEqualTo(Duration.ofMillis(800));
        assertThat(retry.shouldRetry(new IOException("timed out"), 1)).isTrue();
        assertThat(retry.shouldRetry(new IllegalArgumentException("bad input"), 1)).isFalse();
    }

    @Test
    void aNonRetryableErrorFailsTheRunAtOnce() {
        // @start region="non-retryable"
        final class BadRowException extends RuntimeException implements NonRetryable {
            BadRowException(String message) { super(message); }
        }
        // @end
        Task<String, String> parse = Task.<String, String>named("parse", (String row) -> {
            attempts.incrementAndGet();
            throw new BadRowException("row 7 has no id");
        }).withRetries(Retry.fixed(5, Duration.ZERO));

        try (Engine engine = Engine.builder().build()) {
            assertThatThrownBy(() -> engine.run(parse, "7;;")).isInstanceOf(BadRowException.class);
        }
        assertThat(attempts).hasValue(1);
    }

    String retriedOnAManualClock() throws InterruptedException {
        // @start region="manual-clock"
        ManualTimeSource clock = ManualTimeSource.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
        try (Engine engine = Engine.builder().clock(clock).build()) {
            CompletableFuture<String> result = engine.runAsync(flowWithRetries, "input");
            clock.awaitSleepers(1, Duration.ofSeconds(5)); // the run is waiting for its retry
            clock.advance(Duration.ofSeconds(1));           // the retry starts now
            return result.join();                           // "input on attempt 2"
        }
        // @end
    }

    @Test
    void aRetryWaitsOnTheEnginesClockUntilItIsAdvanced() throws InterruptedException {
        assertThat(retriedOnAManualClock()).isEqualTo("input on attempt 2");
    }
}
