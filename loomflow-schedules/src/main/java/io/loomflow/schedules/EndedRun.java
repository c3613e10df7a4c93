package io.loomflow.schedules;

import io.loomflow.State;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The run whose end fired a run-end trigger, as a trigger's parameter function sees it. Its
 * parameters and result are JSON-shaped values (maps, lists, strings, numbers, booleans, null), the
 * same whether the trigger fired from the engine's events or from the run history.
 *
 * @param id the run's id
 * @param flow its flow's name
 * @param state the state it ended in
 * @param parameters its parameters as JSON (a map for a record), or {@code null} for none
 * @param result its result as JSON when it completed with a result that can be written as JSON;
 *     otherwise {@code null}
 */
public record EndedRun(UUID id, String flow, State.Kind state, @Nullable Object parameters, @Nullable Object result) {
}
