/**
 * Loomflow core: flows, tasks and structured runs on virtual threads.
 *
 * <p>Exports the API package, {@code io.loomflow}, and the package where other code plugs in,
 * {@code io.loomflow.spi}; everything under {@code io.loomflow.internal} is implementation and may
 * change in any release. Detectors of threads that must not block are found with
 * {@link java.util.ServiceLoader}.
 */
module io.loomflow {
    // @NullMarked and @Nullable declare the API's nullness for tools; nothing reads them at run time,
    // so the jar is needed only to compile and core still needs nothing but java.base to run.
    requires static org.jspecify;

    exports io.loomflow;
    exports io.loomflow.spi;

    uses io.loomflow.spi.NonBlockingThreadDetector;
}
