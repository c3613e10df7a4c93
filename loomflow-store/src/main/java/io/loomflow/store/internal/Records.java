package io.loomflow.store.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.loomflow.Event;
import io.loomflow.State;
import io.loomflow.store.ErrorRecord;
import io.loomflow.store.LogRecord;
import io.loomflow.store.StateRecord;

/** Turns events into the records every store keeps; shared by the stores so that they agree. */
public final class Records {

    private static final ObjectMapper JSON = newMapper();

    /**
     * The mapper that writes parameters and results while bound, such as a {@code RunRecorder}'s own
     * one around each batch it writes: its caches then hold the types of users' values only as long
     * as that recorder keeps the mapper.
     */
    public static final ScopedValue<ObjectMapper> MAPPER = ScopedValue.newInstance();

    private Records() {
    }

    /** The longest scope or id of a delivery a store remembers ({@code RunStore.claimDelivery}). */
    static final int DELIVERY_TEXT_MOST = 1000;

    /** Refuses a delivery's scope or id too long for the stores' column, naming which. */
    static void checkDelivery(String scope, String deliveryId) {
        if (scope.length() > DELIVERY_TEXT_MOST || deliveryId.length() > DELIVERY_TEXT_MOST) {
            throw new IllegalArgumentException("a delivery's " + (scope.length() > DELIVERY_TEXT_MOST ? "scope" : "id")
                    + " is over " + DELIVERY_TEXT_MOST + " characters; send a shorter one");
        }
    }

    /**
     * A mapper for parameters and results, with caches of its own: its type factory is not the
     * process-wide default one, so that dropping the mapper drops every class it has seen.
     */
    public static ObjectMapper newMapper() {
        return io.loomflow.store.LoomflowJson.builder().build();
    }

    /** A state change as a history entry. */
    public static StateRecord state(Event.StateChange change) {
        return new StateRecord(change.state().label(), change.at(), detail(change.state()));
    }

    private static String detail(State state) {
        return switch (state) {
            case State.Scheduled s -> "";
            case State.Pending pending -> "waiting for limit " + pending.limit();
            case State.Running running -> "attempt " + running.attempt();
            case State.Retrying retrying -> "attempt " + retrying.failedAttempt() + " failed with " + retrying.error()
                    + "; next in " + retrying.delay();
            case State.Completed c -> "";
            case State.Cached cached -> cached.message()
                    + (cached.producedBy() == null ? "" : " from run " + cached.producedBy());
            case State.Failed failed -> String.valueOf(failed.error());
            case State.Cancelled cancelled -> cancelled.reason();
            case State.Crashed crashed -> crashed.reason();
        };
    }

    /** A flow run's result as JSON when it completed (or was cached), or null: tasks' results are not recorded. */
    public static String result(Event.StateChange change) {
        if (change.run().kind() != io.loomflow.RunInfo.Kind.FLOW) {
            return null;
        }
        return switch (change.state()) {
            case State.Completed completed -> parameters(completed.result());
            case State.Cached cached -> parameters(cached.result());
            default -> null;
        };
    }

    /** The error of a failed state, or null. */
    public static ErrorRecord error(State state) {
        return state instanceof State.Failed failed ? ErrorRecord.of(failed.error()) : null;
    }

    /** A run's input as JSON, or as text when JSON cannot represent it. */
    public static String parameters(Object input) {
        try {
            return MAPPER.orElse(JSON).writeValueAsString(input);
        } catch (Exception notJson) {
            return String.valueOf(input);
        }
    }

    /** A log line as a record. */
    public static LogRecord log(Event.LogLine line) {
        return new LogRecord(line.run().id(), line.sequence(), line.at(), line.level().name(), line.message(),
                line.error() == null ? "" : ErrorRecord.of(line.error()).stackTrace());
    }
}
