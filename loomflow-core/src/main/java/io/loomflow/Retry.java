package io.loomflow;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * How often, and after which delays, a failed attempt of a run is tried again.
 *
 * <p>The delay before retry {@code n} (1 for the first retry) is {@code delay * multiplier^(n-1)},
 * capped at {@code maxDelay}, then spread by up to {@code ±jitter} of itself. Delays are measured on
 * the engine's {@link TimeSource}, so tests can advance a {@link ManualTimeSource} instead of
 * sleeping. An error whose type implements {@link NonRetryable}, or that {@code retryOn} rejects, is
 * not retried. Cancellation is never retried. A timeout ({@link RunTimeoutException}) is retried like
 * any other error.
 *
 * <p>Immutable; the {@code with*} methods return changed copies.
 * {@snippet class=io.loomflow.snippets.RetrySnippets region=exponential}
 *
 * @param maxRetries how many times a failed attempt is tried again; 0 for none
 * @param delay the delay before the first retry
 * @param multiplier the factor by which each following delay grows; 1 for a fixed delay
 * @param maxDelay the largest delay
 * @param jitter the fraction, from 0 to 1, by which each delay is randomly spread
 * @param retryOn which errors are worth retrying
 */
public record Retry(int maxRetries, Duration delay, double multiplier, Duration maxDelay, double jitter,
                    Predicate<? super Throwable> retryOn) {

    private static final Duration DEFAULT_MAX_DELAY = Duration.ofMinutes(10);
    private static final Retry NONE = new Retry(0, Duration.ZERO, 1.0, Duration.ZERO, 0.0, error -> false);

    /** Checks every part; see the class description for their meaning. */
    public Retry {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries was " + maxRetries
                    + "; pass 0 or more (0 means a failed attempt is not tried again)");
        }
        Objects.requireNonNull(delay, "delay must not be null; pass Duration.ZERO for no delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("retry delay was " + delay + "; pass zero or a positive duration");
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("retry multiplier was " + multiplier
                    + "; pass 1 for a fixed delay or a larger finite number for a growing one");
        }
        Objects.requireNonNull(maxDelay, "maxDelay must not be null");
        if (maxDelay.compareTo(delay) < 0) {
            throw new IllegalArgumentException("retry maxDelay " + maxDelay + " is shorter than the first delay "
                    + delay + "; pass a maxDelay of at least " + delay);
        }
        if (!(jitter >= 0.0 && jitter <= 1.0)) {
            throw new IllegalArgumentException("retry jitter was " + jitter + "; pass a fraction from 0 to 1");
        }
        Objects.requireNonNull(retryOn, "retryOn must not be null; pass e -> true to retry every error");
    }

    /**
     * No retries: the first failure is final. The default of every flow and task.
     *
     * @return the policy without retries
     */
    public static Retry none() {
        return NONE;
    }

    /**
     * Retries up to {@code maxRetries} times, waiting {@code delay} before each.
     *
     * @param maxRetries how many retries, 0 or more
     * @param delay the wait before each retry, zero or positive
     * @return the policy
     */
    public static Retry fixed(int maxRetries, Duration delay) {
        return new Retry(maxRetries, delay, 1.0, max(delay), 0.0, error -> true);
    }

    /**
     * Retries up to {@code maxRetries} times, doubling the delay each time from {@code firstDelay},
     * up to ten minutes.
     *
     * @param maxRetries how many retries, 0 or more
     * @param firstDelay the wait before the first retry, zero or positive
     * @return the policy
     */
    public static Retry exponential(int maxRetries, Duration firstDelay) {
        return new Retry(maxRetries, firstDelay, 2.0, max(firstDelay), 0.0, error -> true);
    }

    private static Duration max(Duration delay) {
        return delay == null || delay.compareTo(DEFAULT_MAX_DELAY) < 0 ? DEFAULT_MAX_DELAY : delay;
    }

    /**
     * Returns a copy whose delays are randomly spread by up to {@code ±fraction} of themselves.
     *
     * @param fraction from 0 (no spread) to 1
     * @return the changed copy
     */
    public Retry withJitter(double fraction) {
        return new Retry(maxRetries, delay, multiplier, maxDelay, fraction, retryOn);
    }

    /**
     * Returns a copy whose delays never exceed {@code limit}.
     *
     * @param limit the largest delay, at least the first delay
     * @return the changed copy
     */
    public Retry withMaxDelay(Duration limit) {
        return new Retry(maxRetries, delay, multiplier, limit, jitter, retryOn);
    }

    /**
     * Returns a copy that retries only the errors {@code predicate} accepts.
     *
     * @param predicate decides, for a failed attempt's error, whether another attempt is worth it
     * @return the changed copy
     */
    public Retry withRetryOn(Predicate<? super Throwable> predicate) {
        return new Retry(maxRetries, delay, multiplier, maxDelay, jitter, predicate);
    }

    /**
     * Decides whether another attempt follows a failed one.
     *
     * @param error what the failed attempt threw
     * @param failedAttempt the number of the attempt that failed, 1 for the first
     * @return {@code true} if the run should be tried again
     */
    public boolean shouldRetry(Throwable error, int failedAttempt) {
        return failedAttempt <= maxRetries
                && !(error instanceof NonRetryable)
                && !(error instanceof RunCancelledException)
                && retryOn.test(error);
    }

    /**
     * The delay before retry number {@code retry}, spread by {@code random}.
     *
     * @param retry 1 for the first retry
     * @param random a number from 0 (inclusive) to 1 (exclusive) that picks the spread
     * @return the delay, never negative
     */
    public Duration delayBefore(int retry, double random) {
        double nanos = delay.toNanos() * Math.pow(multiplier, Math.max(0, retry - 1));
        nanos = Math.min(nanos, maxDelay.toNanos());
        nanos = nanos * (1.0 + jitter * (2.0 * random - 1.0));
        return Duration.ofNanos(Math.max(0L, (long) nanos));
    }
}
