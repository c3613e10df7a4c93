package io.loomflow.store;

/**
 * How much of the run history a crash of the process (kill -9, power aside) may lose. Writes are
 * always batched off the runs' threads by a {@link RunRecorder}; this chooses when a written batch
 * is safe.
 */
public enum Durability {

    /**
     * Each batch is safe once its transaction commits: the embedded store writes its file at every
     * commit, and PostgreSQL commits synchronously. A crash loses only the events still queued in
     * the recorder, which its writer takes as soon as they arrive. {@link RunRecorder#flush()}
     * returns once everything before it is safe. The default.
     */
    STRICT,

    /**
     * Commits are not waited for on disk: the embedded store writes its file in the background about
     * every 500 ms, and PostgreSQL commits with {@code synchronous_commit = off}. A crash may lose
     * the last half second of events besides the queued ones; faster when runs are many and short.
     */
    RELAXED
}
