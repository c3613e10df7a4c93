/**
 * Runs queued in PostgreSQL, and the workers that take them: any number of JVMs embed a
 * {@link io.loomflow.workers.Worker}, attached to one database, and any JVM submits runs through a
 * {@link io.loomflow.workers.WorkQueue}; there is no coordinator process.
 *
 * <p><b>Main types.</b> A {@link io.loomflow.workers.Worker} advertises the flows it can run,
 * claims queued runs in batches under a lease that its heartbeat extends, and executes each on an
 * engine of its own, durably: every child that completed is checkpointed, so a run whose worker
 * died is resumed by another one without re-running what had completed. A
 * {@link io.loomflow.workers.WorkQueue} submits runs ({@link io.loomflow.workers.Submission}: queue,
 * priority, earliest start, idempotency key) and hands back a {@link io.loomflow.workers.QueuedRun}
 * whose future completes when some worker finishes it; it also lists the workers
 * ({@link io.loomflow.workers.WorkerInfo}) and the depth of each queue
 * ({@link io.loomflow.workers.QueueStats}).
 *
 * <p><b>Errors.</b> The database's problems are {@link io.loomflow.workers.WorkQueueException}s
 * naming the database and what to do; a run that failed on a worker completes its future with a
 * {@link io.loomflow.workers.QueuedRunFailedException}; a worker that lost a run to another one is
 * refused with a {@link io.loomflow.workers.FencedException}. Bad configuration and bad submissions
 * are {@link IllegalArgumentException}s that name the value.
 *
 * <p><b>Nulls.</b> The package is {@link NullMarked}: nothing is {@code null} unless its type is
 * annotated {@code @Nullable}, such as a submission's earliest start or idempotency key.
 */
@NullMarked
package io.loomflow.workers;

import org.jspecify.annotations.NullMarked;
