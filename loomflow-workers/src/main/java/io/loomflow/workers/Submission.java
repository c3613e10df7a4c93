package io.loomflow.workers;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a run is queued, beyond its flow and parameters: the queue, the priority, the earliest start
 * an idempotency key, and how often it may lose its worker. Start from {@link #defaults()} and change it with the {@code with*}
 * methods, which return copies.
 *
 * <p>Workers claim the due runs of their queues in this order: higher {@code priority} first, then
 * earlier {@code notBefore}, then earlier submission. A run with a {@code notBefore} in the future
 * is not claimed before that time on the database's clock; it may start up to a worker's poll
 * interval later.
 *
 * <p>Immutable and thread-safe.
 *
 * @param queue the queue, not blank (default {@code "default"}); only workers that take this queue
 *     run it
 * @param priority larger runs first (default 0); any int
 * @param notBefore the earliest start, {@code null} for as soon as a worker is free
 * @param idempotencyKey a key the submitter chooses, {@code null} for none: submitting again with a
 *     key already queued (whatever its state) gives the run already queued, also when submitters race
 * @param flowVersion the version of the flow's code that must run it, {@code null} for any worker
 *     that runs a flow of that name; workers advertise theirs with {@link Worker.Builder#version}
 * @param maxRecoveries how many times the run is queued again after losing its worker before a
 *     further loss fails it (default {@value #DEFAULT_MAX_RECOVERIES}), see {@link #withMaxRecoveries}
 */
public record Submission(String queue, int priority, @Nullable Instant notBefore, @Nullable String idempotencyKey,
                         @Nullable String flowVersion, int maxRecoveries) {

    /** The queue of {@link #defaults()}, also the one workers take unless told otherwise. */
    public static final String DEFAULT_QUEUE = "default";

    /** How many times a run whose worker was lost is queued again by default, see {@link #withMaxRecoveries}. */
    public static final int DEFAULT_MAX_RECOVERIES = 5;
    /** The most {@link #withMaxRecoveries} accepts. */
    public static final int MOST_RECOVERIES = 1000;

    private static final Submission DEFAULTS = new Submission(DEFAULT_QUEUE, 0, null, null, null, DEFAULT_MAX_RECOVERIES);

    /** Checks the queue, the key, the version and the recoveries. */
    public Submission {
        Objects.requireNonNull(queue, "queue must not be null; use Submission.defaults() for the default queue");
        if (queue.isBlank() || queue.length() > 200) {
            throw new IllegalArgumentException("queue name '" + queue + "' must be 1 to 200 characters, not blank;"
                    + " pass a name such as \"default\" or \"reports\"");
        }
        if (idempotencyKey != null && (idempotencyKey.isEmpty() || idempotencyKey.length() > 1000)) {
            throw new IllegalArgumentException("idempotency key '" + idempotencyKey + "' must be 1 to 1000"
                    + " characters; pass null for none");
        }
        if (maxRecoveries < 0 || maxRecoveries > MOST_RECOVERIES) {
            throw new IllegalArgumentException("max recoveries " + maxRecoveries + " must be 0 to " + MOST_RECOVERIES
                    + "; pass 0 to fail a run the first time its worker is lost, or leave the default ("
                    + DEFAULT_MAX_RECOVERIES + ")");
        }
        if (flowVersion != null && (flowVersion.isBlank() || flowVersion.length() > 200)) {
            throw new IllegalArgumentException("flow version '" + flowVersion + "' must be 1 to 200 characters,"
                    + " not blank; pass null for any version");
        }
    }

    /**
     * The default submission: queue {@code "default"}, priority 0, no earliest start, no key, any
     * version.
     *
     * @return the defaults
     */
    public static Submission defaults() {
        return DEFAULTS;
    }

    /**
     * Returns a copy on another queue.
     *
     * @param queue the queue's name
     * @return the changed copy
     */
    public Submission withQueue(String queue) {
        return new Submission(queue, priority, notBefore, idempotencyKey, flowVersion, maxRecoveries);
    }

    /**
     * Returns a copy with another priority; larger runs first.
     *
     * @param priority the priority
     * @return the changed copy
     */
    public Submission withPriority(int priority) {
        return new Submission(queue, priority, notBefore, idempotencyKey, flowVersion, maxRecoveries);
    }

    /**
     * Returns a copy that no worker starts before {@code notBefore} (on the database's clock).
     *
     * @param notBefore the earliest start
     * @return the changed copy
     */
    public Submission withNotBefore(Instant notBefore) {
        return new Submission(queue, priority, Objects.requireNonNull(notBefore,
                "notBefore must not be null; use Submission.defaults() to start as soon as possible"), idempotencyKey,
                flowVersion, maxRecoveries);
    }

    /**
     * Returns a copy with an idempotency key: the same key always gives the same run.
     *
     * @param idempotencyKey the key
     * @return the changed copy
     */
    public Submission withIdempotencyKey(String idempotencyKey) {
        return new Submission(queue, priority, notBefore, Objects.requireNonNull(idempotencyKey,
                "idempotency key must not be null; leave it unset for none"), flowVersion, maxRecoveries);
    }

    /**
     * Returns a copy that only workers advertising this version of the flow may run.
     *
     * @param flowVersion the version
     * @return the changed copy
     */
    public Submission withFlowVersion(String flowVersion) {
        return new Submission(queue, priority, notBefore, idempotencyKey, Objects.requireNonNull(flowVersion,
                "flow version must not be null; leave it unset for any version"), maxRecoveries);
    }

    /**
     * Returns a copy whose run is queued again at most {@code maxRecoveries} times after losing its
     * worker. A run whose lease expires (its worker died, froze, or lost the database) is queued
     * again and resumed by another worker from its checkpoints; one that keeps losing its workers
     * (say its flow crashes every JVM that runs it) would otherwise go round for ever. Once it has
     * been queued again {@code maxRecoveries} times, its next lost lease fails it with
     * {@code io.loomflow.RunLostException} (its {@link QueuedRunFailedException#errorType()}), its
     * checkpoints are deleted and its queued child runs cancelled. A run handed back by a worker
     * that closes does not count. 0 fails a run the first time its worker is lost.
     *
     * @param maxRecoveries 0 to {@value #MOST_RECOVERIES}; {@value #DEFAULT_MAX_RECOVERIES} by default
     * @return the changed copy
     * @throws IllegalArgumentException if out of range
     */
    public Submission withMaxRecoveries(int maxRecoveries) {
        return new Submission(queue, priority, notBefore, idempotencyKey, flowVersion, maxRecoveries);
    }
}
