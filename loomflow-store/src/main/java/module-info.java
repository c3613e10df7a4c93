/**
 * Loomflow store: the run history, recorded from an engine's event stream.
 *
 * <p>Exports one API package, {@code io.loomflow.store}; implementations live in {@code
 * io.loomflow.store.internal}.
 */
module io.loomflow.store {
    requires transitive io.loomflow;
    requires com.fasterxml.jackson.databind;

    exports io.loomflow.store;
}
