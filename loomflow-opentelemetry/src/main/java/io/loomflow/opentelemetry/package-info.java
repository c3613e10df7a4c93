/**
 * Traces and metrics of Loomflow runs with OpenTelemetry: {@link
 * io.loomflow.opentelemetry.LoomflowTelemetry} installs them on an engine. The package is
 * {@link NullMarked}: nothing is {@code null} unless its type is annotated {@code @Nullable}.
 */
@NullMarked
package io.loomflow.opentelemetry;

import org.jspecify.annotations.NullMarked;
