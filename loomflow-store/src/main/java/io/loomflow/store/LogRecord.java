package io.loomflow.store;

import java.time.Instant;
import java.util.UUID;

/**
 * One line a run wrote to its logger. Immutable.
 *
 * @param runId the run that wrote it
 * @param sequence its event's position in the engine's stream (increasing per run)
 * @param at when it was written
 * @param level its level, such as {@code INFO}
 * @param message the message
 * @param error the stack trace of an exception logged with it, or an empty string
 */
public record LogRecord(UUID runId, long sequence, Instant at, String level, String message, String error) {
}
