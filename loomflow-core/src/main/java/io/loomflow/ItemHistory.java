package io.loomflow;

/**
 * How much a run history keeps of each item of a map: every item run, or the map's summary and its
 * failures. The engine runs every item the same either way; the choice travels with each item's
 * events ({@link RunInfo.MapItem#history()}) for the listeners that record them, such as the run
 * store's recorder.
 *
 * <p>It is a request to the listeners that record runs, which the engine does not enforce: the run
 * store of {@code loomflow-store} acts on it, counting every item in the map's summary and keeping
 * only the failed ones (with everything below them).
 *
 * <p>Set it for the maps started inside a flow's runs with {@link Flow#withItemHistory}, or for a
 * whole engine with {@link Engine.Builder#itemHistory}; a flow's choice applies to every map below
 * it (its tasks and subflows included) unless a subflow chooses again. The default is {@link #ALL}.
 * Whatever the choice, every failed item is kept with its error.
 */
public enum ItemHistory {
    /** Every item run is kept with its states, like any other run. */
    ALL,
    /**
     * The map is kept as one summary (its counts by state and its item durations); of its items only
     * those that failed are kept, each with its error. Completed, cached and cancelled items are
     * counted, not kept.
     */
    FAILURES
}
