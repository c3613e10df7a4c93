/**
 * Loomflow's HTTP server, as one class: {@link io.loomflow.server.LoomflowServer} serves a JSON API
 * (list flows with the schema of their parameters, start runs, read runs and logs, cancel), a stream
 * of run events, and a web UI with a form per flow and a live page per run; in dev mode it compiles a
 * directory of flow sources and swaps in each new generation ({@link
 * io.loomflow.server.LoomflowServer.Reload}, {@link io.loomflow.server.LoomflowServer.Problem}).
 * {@snippet class=io.loomflow.server.snippets.ServerSnippets region=server}
 *
 * <p>The package is {@link NullMarked}: no argument or result here is ever {@code null}.
 */
@NullMarked
package io.loomflow.server;

import org.jspecify.annotations.NullMarked;
