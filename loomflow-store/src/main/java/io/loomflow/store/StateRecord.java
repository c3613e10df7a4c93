package io.loomflow.store;

import io.loomflow.State;
import java.time.Instant;
import java.util.Optional;

/**
 * One state a run was in, and when it entered it. Immutable.
 *
 * <p>The state is kept as the label it was written with ({@link State.Kind#label()}), so that a
 * history line this version cannot read (damaged, shown as {@code Unreadable} with the line as its
 * detail) is still shown rather than lost; {@link #kind()} gives the typed kind.
 *
 * @param state the state's label: {@code Scheduled}, {@code Running}, {@code Failed}, ...
 * @param at when the run entered it, on the engine's clock
 * @param detail what the state carries, in words (the limit waited for, the attempt, the error,
 *     the reason for a cancellation), or an empty string
 */
public record StateRecord(String state, Instant at, String detail) {

    /**
     * An entry for a state of a known kind.
     *
     * @param kind the kind of state
     * @param at when the run entered it
     * @param detail what the state carries, in words, or an empty string
     */
    public StateRecord(State.Kind kind, Instant at, String detail) {
        this(kind.label(), at, detail);
    }

    /**
     * The kind of this state.
     *
     * @return the kind, or empty for a line that could not be read
     */
    public Optional<State.Kind> kind() {
        return State.Kind.ofLabel(state);
    }

    /**
     * Tells whether this entry is a state of the given kind.
     *
     * @param kind a kind of state
     * @return {@code true} if the entry's label is that kind's
     */
    public boolean is(State.Kind kind) {
        return kind.label().equals(state);
    }
}
