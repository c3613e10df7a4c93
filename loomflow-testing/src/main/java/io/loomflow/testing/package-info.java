/**
 * Testing flows with JUnit 5: {@link io.loomflow.testing.LoomflowTest} (or
 * {@link io.loomflow.testing.LoomflowExtension}) gives each test method its own
 * {@link io.loomflow.Engine}, running on a {@link io.loomflow.ManualTimeSource} and recording to an
 * in-memory {@link io.loomflow.store.RunStore}, as parameters; {@link io.loomflow.testing.RunHistory}
 * reads the recorded runs, and {@link io.loomflow.testing.LoomflowAssertions} asserts on them. After
 * each test the engine is closed, and the test fails if it left a run in flight, a thread of the
 * engine alive or a resource open.
 *
 * <p><b>Nulls.</b> The package is {@link NullMarked}: nothing is {@code null} unless its type is
 * annotated {@code @Nullable}.
 */
@NullMarked
package io.loomflow.testing;

import org.jspecify.annotations.NullMarked;
