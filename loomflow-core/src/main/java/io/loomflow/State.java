package io.loomflow;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The state of a run. Every run starts {@link Scheduled} and ends in exactly one final state:
 * {@link Completed}, {@link Cached}, {@link Failed}, {@link Cancelled} or {@link Crashed}.
 *
 * <p>The legal moves between states are one table ({@link #canMoveTo(State)}); the engine refuses
 * any other move, and each move is published as one {@link Event.StateChange}. A run fails from
 * Scheduled when it cannot start at all (for example, it names a limit no one defined), and ends
 * Cached from Scheduled when its result was found in the engine's result store before it took a
 * permit or ran (see {@link Task#withCache(Cache)}):
 * <pre>
 * Scheduled -> Pending | Running | Cached | Failed | Cancelled | Crashed
 * Pending   -> Running | Cancelled | Crashed
 * Running   -> Completed | Failed | Retrying | Cancelled | Crashed
 * Retrying  -> Pending | Running | Cancelled | Crashed
 * </pre>
 * States are immutable values; switch over them exhaustively. Where only the kind of state matters
 * (a stored run, a filter, a column of a table), use its {@link Kind}.
 */
public sealed interface State {

    /**
     * The kind of this state, without what it carries.
     *
     * @return the one kind of this state's type
     */
    default Kind kind() {
        return switch (this) {
            case Scheduled _ -> Kind.SCHEDULED;
            case Pending _ -> Kind.PENDING;
            case Running _ -> Kind.RUNNING;
            case Retrying _ -> Kind.RETRYING;
            case Completed _ -> Kind.COMPLETED;
            case Cached _ -> Kind.CACHED;
            case Failed _ -> Kind.FAILED;
            case Cancelled _ -> Kind.CANCELLED;
            case Crashed _ -> Kind.CRASHED;
        };
    }

    /**
     * Tells whether no state can follow this one.
     *
     * @return {@code true} for Completed, Cached, Failed, Cancelled and Crashed
     */
    default boolean isFinal() {
        return kind().isFinal();
    }

    /**
     * Tells whether the transition table allows a move from this state to {@code next}.
     *
     * @param next the candidate next state
     * @return {@code true} if the move is legal
     */
    default boolean canMoveTo(State next) {
        return kind().canMoveTo(next.kind());
    }

    /**
     * A short name for display: {@code "Running"}, {@code "Failed"} and so on.
     *
     * @return the label of this state's {@link #kind() kind}
     */
    default String label() {
        return kind().label();
    }

    /**
     * The kinds of state, one per state type: what a stored run, a filter or a table needs to know
     * of a state, without what the state carries. The run's vocabulary for every module: stores keep
     * a kind as its {@link #label() label}, and tools parse labels given by people with
     * {@link #parse(String)}.
     *
     * <p>Immutable and thread-safe, as enums are.
     */
    enum Kind {
        /** {@link Scheduled}. */
        SCHEDULED("Scheduled"),
        /** {@link Pending}. */
        PENDING("Pending"),
        /** {@link Running}. */
        RUNNING("Running"),
        /** {@link Retrying}. */
        RETRYING("Retrying"),
        /** {@link Completed}. */
        COMPLETED("Completed"),
        /** {@link Cached}. */
        CACHED("Cached"),
        /** {@link Failed}. */
        FAILED("Failed"),
        /** {@link Cancelled}. */
        CANCELLED("Cancelled"),
        /** {@link Crashed}. */
        CRASHED("Crashed");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /**
         * The kind's name as people read it and stores keep it: the simple name of its state type,
         * {@code "Running"}, {@code "Failed"} and so on.
         *
         * @return the label
         */
        public String label() {
            return label;
        }

        /**
         * Tells whether a run in this kind of state has ended: no state can follow it.
         *
         * @return {@code true} for Completed, Cached, Failed, Cancelled and Crashed
         */
        public boolean isFinal() {
            return StateTransitions.successors(this).isEmpty();
        }

        /**
         * Tells whether the transition table allows a move from this kind of state to {@code next}.
         *
         * @param next the candidate next kind
         * @return {@code true} if the move is legal
         */
        public boolean canMoveTo(Kind next) {
            return StateTransitions.successors(this).contains(next);
        }

        /**
         * The kinds in which a run has ended, in declaration order.
         *
         * @return Completed, Cached, Failed, Cancelled and Crashed
         */
        public static List<Kind> finals() {
            return Arrays.stream(values()).filter(Kind::isFinal).toList();
        }

        /**
         * The labels of every kind, in declaration order (the order a run moves through them).
         *
         * @return Scheduled, Pending, Running, Retrying, Completed, Cached, Failed, Cancelled, Crashed
         */
        public static List<String> labels() {
            return Arrays.stream(values()).map(Kind::label).toList();
        }

        /**
         * The kind whose label is exactly {@code label}, as a store keeps it.
         *
         * @param label a label such as {@code "Failed"}
         * @return the kind, or empty if no kind has that label
         */
        public static java.util.Optional<Kind> ofLabel(String label) {
            return Arrays.stream(values()).filter(kind -> kind.label.equals(label)).findFirst();
        }

        /**
         * The kind a person named, ignoring case and surrounding blanks: {@code "failed"} and
         * {@code " Failed"} are {@link #FAILED}.
         *
         * @param given a label typed by a person, from a command line, a query string or a form
         * @return the kind
         * @throws IllegalArgumentException if {@code given} names no kind; the message quotes it,
         *     suggests the closest label ({@link ParameterModel#closest}) and lists the labels,
         *     for example {@code 'faild' is not a state. Did you mean 'Failed'? The states are: ...}
         */
        public static Kind parse(String given) {
            Objects.requireNonNull(given, "given");
            String wanted = given.strip();
            for (Kind kind : values()) {
                if (kind.label.toLowerCase(Locale.ROOT).equals(wanted.toLowerCase(Locale.ROOT))) {
                    return kind;
                }
            }
            String suggestion = ParameterModel.closest(wanted, labels()).map(best -> " Did you mean '" + best + "'?")
                    .orElse("");
            throw new IllegalArgumentException("'" + given + "' is not a state." + suggestion + " The states are: "
                    + String.join(", ", labels()));
        }
    }

    /** Created and admitted, not started yet. */
    record Scheduled() implements State {
    }

    /**
     * Waiting for a permit of a named concurrency limit.
     *
     * @param limit the name of the limit
     */
    record Pending(String limit) implements State {
        /** Checks the limit name. */
        public Pending {
            Objects.requireNonNull(limit, "limit");
        }
    }

    /**
     * Executing the user's code.
     *
     * @param attempt the attempt number, 1 for the first
     */
    record Running(int attempt) implements State {
    }

    /**
     * An attempt failed and another will follow after a delay.
     *
     * @param failedAttempt the attempt that failed, 1 for the first
     * @param delay how long the engine waits before the next attempt
     * @param error what the failed attempt threw
     */
    record Retrying(int failedAttempt, Duration delay, Throwable error) implements State {
    }

    /**
     * Finished with a result.
     *
     * @param result the result
     */
    record Completed(@Nullable Object result) implements State {
    }

    /**
     * Finished without running: a result stored earlier was reused, from the task's cache or, in a
     * resumed run, from the run being resumed; or, in a durable run executed again
     * ({@link RunOptions#withCheckpoints}), replayed from the checkpoint an earlier execution saved
     * ({@code replayed}). Joining or calling the run returns {@code result}, exactly as for
     * {@link Completed}.
     *
     * @param result the reused result
     * @param key the key the result was stored under; for a replayed checkpoint, the checkpoint
     *     scope, {@code /} and the checkpoint's key
     * @param producedBy the id of the run that produced the result; {@code null} if the store does not
     *     know it
     * @param replayed whether the result was replayed from a durable run's checkpoint, rather than
     *     reused from a result store
     */
    record Cached(@Nullable Object result, String key, @Nullable UUID producedBy, boolean replayed) implements State {
        /** Checks that the key is present. */
        public Cached {
            Objects.requireNonNull(key, "key");
        }

        /**
         * A result reused from a result store (not replayed from a checkpoint).
         *
         * @param result the reused result
         * @param key the key the result was stored under
         * @param producedBy the id of the run that produced the result; {@code null} if unknown
         */
        public Cached(@Nullable Object result, String key, @Nullable UUID producedBy) {
            this(result, key, producedBy, false);
        }

        /**
         * Where the result came from, in words: {@code "replayed from checkpoint <key>"} or
         * {@code "reused <key>"}, followed by the producing run when it is known.
         *
         * @return a short description for logs and run histories
         */
        public String message() {
            return (replayed ? "replayed from checkpoint " : "reused ") + key
                    + (producedBy == null ? "" : " from run " + producedBy);
        }
    }

    /**
     * Finished with an error.
     *
     * @param error exactly what the user's code threw, or the engine's timeout error
     */
    record Failed(Throwable error) implements State {
        /** Checks that the error is present. */
        public Failed {
            Objects.requireNonNull(error, "error");
        }
    }

    /**
     * Stopped before it finished, because it, an ancestor, or the engine was cancelled or closed,
     * or because a sibling failed.
     *
     * @param reason why, in words
     */
    record Cancelled(String reason) implements State {
    }

    /**
     * The engine lost the run: its code did not stop when cancelled at shutdown, or the process
     * that ran it died.
     *
     * @param reason why, in words
     */
    record Crashed(String reason) implements State {
    }
}
