package io.loomflow.workers;

import io.loomflow.Flow;
import io.loomflow.spi.ContextPropagator;
import io.loomflow.workers.internal.WorkQueueImpl;
import io.loomflow.workers.internal.WorkerSettings;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The client side of the queue: submits runs for workers to take, from any JVM attached to the
 * same PostgreSQL database, and lists the workers and the queues' depth.
 * {@snippet class=io.loomflow.workers.snippets.WorkerSnippets region=submit}
 *
 * <p><b>Submitting.</b> {@link #runAsync(Flow, Object, Submission)} queues a run and returns its
 * id at once, with a future that completes when some worker has finished it ({@code LISTEN} on the
 * completion channel, with a poll as fallback); {@link #run} blocks on the same. The submission is
 * refused at once, with {@link IllegalArgumentException}, if no live worker (one whose heartbeat is
 * within its lease expiry) advertises the flow on that queue (the message lists the flows that
 * are), or if the parameters cannot be written as JSON and read back as the flow's parameter type
 * (the message names the field). Parameters and results travel as JSON ({@code LoomflowJson});
 * a result whose type is a generic container (a {@code List} of records, say) comes back with
 * JSON-shaped elements (maps, lists, strings, numbers), so prefer a record as a queued flow's
 * result.
 *
 * <p><b>Trace context.</b> A queue built with a {@link Builder#propagator propagator} (such as
 * {@code loomflow-opentelemetry}'s {@code LoomflowTelemetry}) stores the context current where a run
 * is submitted with the run; a worker with the same propagator starts the run inside it, so the run
 * continues the submitter's trace.
 *
 * <p><b>Lifecycle.</b> Made with {@link #connect(String)} or {@link #builder()}, which creates or migrates Loomflow's
 * tables; {@link #close()} releases its connections and fails the futures still waiting with a
 * {@link WorkQueueException} (the runs themselves go on). Thread-safe.
 */
public interface WorkQueue extends AutoCloseable {

    /**
     * Connects to a queue database.
     *
     * @param jdbcUrl {@code jdbc:postgresql://HOST:PORT/DATABASE?user=U&password=P}, optionally
     *     with {@code currentSchema}
     * @return the open queue
     * @throws IllegalArgumentException if it is not a PostgreSQL URL
     * @throws WorkQueueException if the database cannot be reached or used
     */
    static WorkQueue connect(String jdbcUrl) {
        return WorkQueueImpl.open(WorkerSettings.postgresUrl(jdbcUrl), null);
    }

    /**
     * A builder of a queue with more than a database: {@code WorkQueue.builder().database(url)
     * .propagator(telemetry).connect()}.
     *
     * @return a new builder
     */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Queues a run of {@code flow} and returns at once.
     *
     * @param flow the flow, which some worker must advertise
     * @param params its parameters, written as JSON
     * @param submission queue, priority, earliest start, idempotency key
     * @param <P> the parameter type
     * @param <R> the result type
     * @return the queued run: its id now, its result later
     * @throws IllegalArgumentException if no live worker runs the flow on that queue, or the
     *     parameters cannot be written as JSON (naming the field)
     * @throws io.loomflow.ParameterException if the parameters break a constraint their record
     *     declares ({@link io.loomflow.Param.Min}...), naming each field; nothing is queued
     * @throws WorkQueueException if the database cannot be reached
     */
    <P extends @Nullable Object, R extends @Nullable Object> QueuedRun<R> runAsync(Flow<P, R> flow, P params,
                                                                                  Submission submission);

    /**
     * Queues a run with {@link Submission#defaults()}.
     *
     * @param flow the flow
     * @param params its parameters
     * @param <P> the parameter type
     * @param <R> the result type
     * @return the queued run
     */
    default <P extends @Nullable Object, R extends @Nullable Object> QueuedRun<R> runAsync(Flow<P, R> flow, P params) {
        return runAsync(flow, params, Submission.defaults());
    }

    /**
     * Queues a run and waits until a worker has finished it.
     *
     * @param flow the flow
     * @param params its parameters
     * @param submission how to queue it
     * @param <P> the parameter type
     * @param <R> the result type
     * @return the run's result
     * @throws QueuedRunFailedException if the run failed on the worker
     * @throws WorkQueueException if the queue was closed while waiting
     * @throws io.loomflow.RunCancelledException if the waiting thread was interrupted (the run goes on)
     */
    <P extends @Nullable Object, R extends @Nullable Object> R run(Flow<P, R> flow, P params, Submission submission);

    /**
     * Queues a run of a flow known only by name, with parameters as JSON text, as the command line
     * and the server do. The result is the JSON text of the run's result. Parameters that do not fit
     * the flow's record or its constraints fail the run on the worker, without running it.
     *
     * @param flowName the flow's name
     * @param parametersJson the parameters as one JSON value (the text {@code null} for none)
     * @param submission how to queue it
     * @return the queued run, whose result is JSON text
     * @throws IllegalArgumentException if no live worker runs the flow, or the text is not JSON
     */
    QueuedRun<String> runAsync(String flowName, String parametersJson, Submission submission);

    /**
     * Queues a run of a flow known only by name, with parameters as names and text values (as
     * {@code --param name=value} gives them); the worker reads them as a JSON object of strings
     * into the flow's parameter record, converting text to numbers and booleans as needed. Parameters
     * that do not fit the record or its constraints fail the run there, without running it, with
     * the error naming each field ({@link io.loomflow.ParameterException} as its error type).
     *
     * @param flowName the flow's name
     * @param parameters the parameters by name
     * @param submission how to queue it
     * @return the queued run, whose result is JSON text
     * @throws IllegalArgumentException if no live worker runs the flow
     */
    QueuedRun<String> runAsync(String flowName, Map<String, String> parameters, Submission submission);

    /**
     * The workers registered in the database, live ones first, then recently dead ones.
     *
     * @return the workers
     */
    List<WorkerInfo> workers();

    /**
     * The depth of every queue that has queued or running runs, by queue name, and how long its
     * oldest due run has waited. One query; monitoring that reads it often should cache it
     * ({@code loomflow-opentelemetry}'s queue gauges read it at most once a second).
     *
     * @return one entry per queue
     */
    List<QueueStats> queues();

    /**
     * Releases the connections; futures still waiting fail with {@link WorkQueueException}.
     */
    @Override
    void close();

    /**
     * The configuration of a {@link WorkQueue}. Not thread-safe; each {@link #connect()} opens an
     * independent queue.
     */
    final class Builder {
        private @Nullable String url;
        private @Nullable ContextPropagator propagator;

        private Builder() {
        }

        /**
         * The queue database, as {@link WorkQueue#connect(String)} takes it. Required.
         *
         * @param jdbcUrl {@code jdbc:postgresql://HOST:PORT/DATABASE?user=U&password=P}
         * @return this builder
         * @throws IllegalArgumentException if it is not a PostgreSQL URL
         */
        public Builder database(String jdbcUrl) {
            this.url = WorkerSettings.postgresUrl(jdbcUrl);
            return this;
        }

        /**
         * Carries the context current where each run is submitted to the worker that executes it
         * (default: none): the propagator's headers are stored with the queued run, and a worker
         * given a propagator ({@link Worker.Builder#propagator}) starts the run inside them.
         *
         * @param propagator such as {@code LoomflowTelemetry.create(openTelemetry)}
         * @return this builder
         */
        public Builder propagator(ContextPropagator propagator) {
            this.propagator = Objects.requireNonNull(propagator,
                    "propagator must not be null; leave it unset to carry no context");
            return this;
        }

        /**
         * Connects to the queue database, creating or migrating Loomflow's tables.
         *
         * @return the open queue
         * @throws IllegalStateException if no database was given
         * @throws WorkQueueException if the database cannot be reached or used
         */
        public WorkQueue connect() {
            if (url == null) {
                throw new IllegalStateException("a work queue needs its database; call"
                        + " database(\"jdbc:postgresql://HOST/DB\") before connect()");
            }
            return WorkQueueImpl.open(url, propagator);
        }
    }
}
