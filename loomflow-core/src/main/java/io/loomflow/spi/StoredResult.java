package io.loomflow.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One task result as a {@link ResultStore} keeps it: the value and where it came from.
 *
 * <p>Immutable (as far as the value is) and thread-safe.
 *
 * @param value the result
 * @param task the name of the task that produced it
 * @param version the task's cache version when it produced it
 * @param runId the id of the run that produced it; {@code null} if unknown
 * @param createdAt when it was stored, on the engine's clock
 * @param expiresAt from when it is no longer reused; {@code null} if never
 */
public record StoredResult(@Nullable Object value, String task, String version, @Nullable UUID runId, Instant createdAt,
                           @Nullable Instant expiresAt) {

    /** Checks the required parts. */
    public StoredResult {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /**
     * Tells whether the result may no longer be reused at {@code now}.
     *
     * @param now the current time
     * @return {@code true} if it has an expiry and {@code now} is at or after it
     */
    public boolean isExpiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
