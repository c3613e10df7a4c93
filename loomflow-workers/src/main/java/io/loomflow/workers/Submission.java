package io.loomflow.workers;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a run is queued, beyond its flow and parameters: the queue, the priority, the earliest start
 * and an idempotency key. Start from {@link #defaults()} and change it with the {@code with*}
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
 */
public record Submission(String queue, int priority, @Nullable Instant notBefore, @Nullable String idempotencyKey,
                         @Nullable String flowVersion) {

    /** The queue of {@link #defaults()}, also the one workers take unless told otherwise. */
    public static final String DEFAULT_QUEUE = "default";

    private static final Submission DEFAULTS = new Submission(DEFAULT_QUEUE, 0, null, null, null);

    /** Checks the queue, the key and the version. */
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
        return new Submission(queue, priority, notBefore, idempotencyKey, flowVersion);
    }

    /**
     * Returns a copy with another priority; larger runs first.
     *
     * @param priority the priority
     * @return the changed copy
     */
    public Submission withPriority(int priority) {
        return new Submission(queue, priority, notBefore, idempotencyKey, flowVersion);
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
                flowVersion);
    }

    /**
     * Returns a copy with an idempotency key: the same key always gives the same run.
     *
     * @param idempotencyKey the key
     * @return the changed copy
     */
    public Submission withIdempotencyKey(String idempotencyKey) {
        return new Submission(queue, priority, notBefore, Objects.requireNonNull(idempotencyKey,
                "idempotency key must not be null; leave it unset for none"), flowVersion);
    }

    /**
     * Returns a copy that only workers advertising this version of the flow may run.
     *
     * @param flowVersion the version
     * @return the changed copy
     */
    public Submission withFlowVersion(String flowVersion) {
        return new Submission(queue, priority, notBefore, idempotencyKey, Objects.requireNonNull(flowVersion,
                "flow version must not be null; leave it unset for any version"));
    }
}
