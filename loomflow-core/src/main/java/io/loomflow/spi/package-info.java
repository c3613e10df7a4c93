/**
 * Where other code plugs into Loomflow's core: {@link io.loomflow.spi.NonBlockingThreadDetector}
 * tells the engine which threads must not block, and {@link io.loomflow.spi.ResultStore} keeps the
 * results of tasks that cache or persist them.
 *
 * <p>Types here are implemented by libraries and applications and called by the engine; the
 * {@code io.loomflow} package is what applications call.
 */
package io.loomflow.spi;
