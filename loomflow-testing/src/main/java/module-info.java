/**
 * Loomflow testing: a JUnit 5 extension that gives each test an engine on a manual clock recording
 * to an in-memory run history, AssertJ assertions on the recorded runs, and checks that a test left
 * no run, thread or resource behind.
 *
 * <p>Exports one API package, {@code io.loomflow.testing}; the rest lives in {@code
 * io.loomflow.testing.internal}.
 */
module io.loomflow.testing {
    requires transitive io.loomflow;
    requires transitive io.loomflow.store;
    requires transitive org.junit.jupiter.api;
    requires transitive org.assertj.core;
    requires static org.jspecify; // nullness annotations, for tools; not needed at run time

    exports io.loomflow.testing;
}
