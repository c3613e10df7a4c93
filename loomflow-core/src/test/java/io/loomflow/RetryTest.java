package io.loomflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Retry policies: counts, predicates, the non-retryable marker, delays and jitter. */
class RetryTest {

    static final class BadRow extends RuntimeException implements NonRetryable {
        BadRow(String message) {
            super(message);
        }
    }

    private static Task<String, String> failing(AtomicInteger attempts, RuntimeException error) {
        return Task.named("failing", (String s) -> {
            attempts.incrementAndGet();
            throw error;
        });
    }

    @Test
    void aRunIsAttemptedOncePlusItsRetries() {
        AtomicInteger attempts = new AtomicInteger();
        IllegalStateException error = new IllegalStateException("always");
        try (Engine engine = Engine.builder().build()) {
            assertThatThrownBy(() -> engine.run(failing(attempts, error).withRetries(Retry.fixed(3, Duration.ZERO)), "x"))
                    .isSameAs(error);
        }
        assertThat(attempts).hasValue(4);
    }

    @Test
    void aNonRetryableErrorIsNotRetried() {
        AtomicInteger attempts = new AtomicInteger();
        try (Engine engine = Engine.builder().build()) {
            assertThatThrownBy(() -> engine.run(failing(attempts, new BadRow("row 7")).withRetries(
                    Retry.fixed(5, Duration.ZERO)), "x")).isInstanceOf(BadRow.class).hasMessage("row 7");
        }
        assertThat(attempts).hasValue(1);
    }

    @Test
    void aPredicateChoosesWhatIsRetried() {
        AtomicInteger attempts = new AtomicInteger();
        Retry onlyIo = Retry.fixed(5, Duration.ZERO).withRetryOn(e -> e instanceof IOException);
        try (Engine engine = Engine.builder().build()) {
            assertThatThrownBy(() -> engine.run(failing(attempts, new IllegalArgumentException("no")).withRetries(onlyIo), "x"))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(attempts).hasValue(1);
        AtomicInteger ioAttempts = new AtomicInteger();
        Task<String, String> io = Task.named("io", (String s) -> {
            if (ioAttempts.incrementAndGet() < 3) {
                throw new IOException("transient");
            }
            return "ok";
        }).withRetries(onlyIo);
        try (Engine engine = Engine.builder().build()) {
            assertThat(engine.run(io, "x")).isEqualTo("ok");
        }
        assertThat(ioAttempts).hasValue(3);
    }

    @Test
    void delaysGrowAndAreCapped() {
        Retry retry = Retry.exponential(10, Duration.ofMillis(100)).withMaxDelay(Duration.ofMillis(500));
        assertThat(retry.delayBefore(1, 0.5)).isEqualTo(Duration.ofMillis(100));
        assertThat(retry.delayBefore(2, 0.5)).isEqualTo(Duration.ofMillis(200));
        assertThat(retry.delayBefore(3, 0.5)).isEqualTo(Duration.ofMillis(400));
        assertThat(retry.delayBefore(4, 0.5)).isEqualTo(Duration.ofMillis(500));
        assertThat(Retry.fixed(3, Duration.ofSeconds(2)).delayBefore(3, 0.9)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void jitterSpreadsDelaysWithinItsFraction() {
        Retry retry = Retry.fixed(1, Duration.ofSeconds(10)).withJitter(0.2);
        assertThat(retry.delayBefore(1, 0.0)).isEqualTo(Duration.ofSeconds(8));
        assertThat(retry.delayBefore(1, 0.5)).isEqualTo(Duration.ofSeconds(10));
        assertThat(retry.delayBefore(1, 0.999999)).isBetween(Duration.ofMillis(11_999), Duration.ofSeconds(12));
    }

    @Test
    void cancellationIsNeverRetried() {
        assertThat(Retry.fixed(3, Duration.ZERO).shouldRetry(new RunCancelledException("x"), 1)).isFalse();
        assertThat(Retry.fixed(3, Duration.ZERO).shouldRetry(new RunTimeoutException("x", Duration.ofSeconds(1)), 1)).isTrue();
        assertThat(Retry.fixed(3, Duration.ZERO).shouldRetry(new IllegalStateException(), 4)).isFalse();
        assertThat(Retry.none().shouldRetry(new IllegalStateException(), 1)).isFalse();
    }
}
