package io.loomflow.store;

import java.time.Instant;

/**
 * One state a run was in, and when it entered it. Immutable.
 *
 * @param state the state's label: {@code Scheduled}, {@code Running}, {@code Failed}, ...
 * @param at when the run entered it, on the engine's clock
 * @param detail what the state carries, in words (the limit waited for, the attempt, the error,
 *     the reason for a cancellation), or an empty string
 */
public record StateRecord(String state, Instant at, String detail) {
}
