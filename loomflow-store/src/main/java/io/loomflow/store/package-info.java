/**
 * Loomflow's run history, and the files of task results: what the command line's {@code runs},
 * {@code show} and {@code logs} and the server's pages read.
 *
 * <p><b>Main types.</b> A {@link io.loomflow.store.RunStore} keeps the history in memory, in an
 * embedded H2 file (by convention under {@code .loomflow/}) or in PostgreSQL: a
 * {@link io.loomflow.store.RunRecord} per run, with the {@link io.loomflow.store.StateRecord}s it went
 * through, its {@link io.loomflow.store.ErrorRecord} and its {@link io.loomflow.store.LogRecord}s,
 * listed by a {@link io.loomflow.store.RunQuery}. A {@link io.loomflow.store.RunRecorder}, given to
 * an engine as a listener, writes the engine's events there off the runs' threads, as durably as the
 * store's {@link io.loomflow.store.Durability} says. {@link io.loomflow.store.ResultStores} keeps the
 * results of tasks that cache or persist them, written by a {@link io.loomflow.store.ResultCodec};
 * {@link io.loomflow.store.LoomflowJson} is the JSON configuration that the history, the server and
 * the command line share.
 * {@snippet class=io.loomflow.store.snippets.StoreSnippets region=embedded}
 *
 * <p><b>Errors.</b> A store that cannot be opened, read or written raises a
 * {@link io.loomflow.store.RunStoreException} naming the store and what to do.
 *
 * <p><b>Nulls.</b> The package is {@link NullMarked}: nothing is {@code null} unless its type is
 * annotated {@code @Nullable}, such as a root run's parent id or the error of a run that did not
 * fail.
 */
@NullMarked
package io.loomflow.store;

import org.jspecify.annotations.NullMarked;
