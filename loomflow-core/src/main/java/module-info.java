/**
 * Loomflow core: flows, tasks and structured runs on virtual threads.
 *
 * <p>Exports one API package, {@code io.loomflow}; everything under {@code io.loomflow.internal}
 * is implementation and may change in any release.
 */
module io.loomflow {
    exports io.loomflow;
}
