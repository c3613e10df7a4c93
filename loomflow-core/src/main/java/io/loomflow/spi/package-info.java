/**
 * Where other code plugs into Loomflow's core: {@link io.loomflow.spi.NonBlockingThreadDetector}
 * tells the engine which threads must not block, {@link io.loomflow.spi.ResultStore} keeps the
 * results of tasks that cache or persist them, {@link io.loomflow.spi.Checkpoints} keeps the
 * checkpoints of durable runs, {@link io.loomflow.spi.SharedLimits} holds named limits across the
 * engines of several processes, {@link io.loomflow.spi.RunInterceptor} makes context kept per thread
 * (a tracing span) follow each run from where it is started to where it executes,
 * {@link io.loomflow.spi.FlowProvider} offers flows to tools
 * that find them by name, and {@link io.loomflow.spi.FlowGraph} is the picture of a flow (a
 * pipeline's nodes and datasets) that tools draw.
 *
 * <p>Types here are implemented by libraries and applications and called by the engine or by tools;
 * the {@code io.loomflow} package is what applications call. The package is {@link NullMarked}:
 * nothing is {@code null} unless its type is annotated {@code @Nullable}, such as the input a
 * {@link io.loomflow.spi.ResultStore} keys or the value a {@link io.loomflow.spi.StoredResult}
 * holds.
 */
@NullMarked
package io.loomflow.spi;

import org.jspecify.annotations.NullMarked;
