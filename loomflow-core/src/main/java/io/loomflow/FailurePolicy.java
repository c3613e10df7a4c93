package io.loomflow;

/**
 * What a run does with its other children when one child fails.
 *
 * <p>Set on a flow with {@link Flow#withFailurePolicy(FailurePolicy)}; it applies to the children
 * of every run of that flow (tasks, subflows and mapped items). Tasks always use
 * {@link #CANCEL_SIBLINGS} for their own children.
 */
public enum FailurePolicy {
    /**
     * The first failing child cancels the siblings still in flight at that moment (fail fast).
     * A sibling cancelled this way, when joined, throws the failing child's exception, so the cause
     * is never hidden behind a cancellation. Children started later are not affected.
     */
    CANCEL_SIBLINGS,
    /**
     * A failing child cancels nothing; every child runs to its own end, and the caller collects
     * each outcome ({@link MapHandle#outcomes()}, {@link Handle#outcome()}).
     */
    COLLECT_ALL
}
