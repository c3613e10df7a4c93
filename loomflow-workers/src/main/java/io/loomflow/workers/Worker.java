package io.loomflow.workers;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.Task;
import io.loomflow.spi.ContextPropagator;
import io.loomflow.workers.internal.WorkerImpl;
import io.loomflow.workers.internal.WorkerSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * A worker: it takes queued runs of the flows it knows from a PostgreSQL database and runs them,
 * durably, on an engine of its own. Any number of workers, in any number of JVMs, share one
 * database; there is no coordinator.
 * {@snippet class=io.loomflow.workers.snippets.WorkerSnippets region=worker}
 *
 * <p><b>What it does.</b> Once {@linkplain #start() started} it registers (a row in
 * {@code lf_worker} with the flows it advertises, by name and {@linkplain Builder#version version}),
 * and claims due runs of its queues in batches, never holding more than its
 * {@linkplain Builder#concurrency concurrency}. A claim sets the owner, a new fencing token and a
 * lease in one statement ({@code FOR UPDATE SKIP LOCKED}); the heartbeat extends every lease of the
 * worker at once. A worker wakes on the {@code NOTIFY} of a submission and polls as a fallback (or
 * only polls, with {@link Builder#notifications(boolean) notifications(false)}). One worker at a
 * time is the leader and re-queues the runs whose lease expired (their worker died or was cut off).
 *
 * <p><b>Durability.</b> Each run executes with {@code RunOptions.withCheckpoints(queuedRunId)} on an
 * engine whose checkpoints are kept in {@code lf_checkpoint}, guarded by the claim's fencing token:
 * a worker that lost a run can no longer checkpoint or complete it, and a run executed again (after
 * its worker died or handed it back) replays what its children had completed. The worker's engine
 * records its runs in the run history of the same database: a run's first execution is recorded
 * under the queued run's id; each later execution is a root run of its own, with a new id.
 *
 * <p><b>Limits.</b> A limit declared with {@link Builder#sharedLimit} holds across every worker of
 * the database (a slot row per permit, held under a lease this worker's heartbeat extends, so a
 * dead worker's permits come back when their lease expires); {@link Builder#queueConcurrency} caps a
 * queue's runs in flight across all workers, enforced in the claim.
 *
 * <p><b>Distributed maps.</b> The worker's engine sends the items of maps over tasks marked
 * {@code Task.withQueue(queue)} to the queue as child runs of the durable run, and waits for them;
 * a worker given those tasks ({@link Builder#tasks}) and their queue runs them. See the module's
 * README, section "Distributed maps".
 *
 * <p><b>Tracing.</b> {@link Builder#engine} adjusts the worker's engine (for example
 * {@code engine(telemetry::install)} with {@code loomflow-opentelemetry}'s {@code LoomflowTelemetry});
 * with a {@link Builder#propagator propagator} too, a run submitted with a context (a
 * {@link WorkQueue} given the same propagator, or a distributed map's item) starts inside it, and so
 * continues the submitter's trace.
 *
 * <p><b>Lifecycle.</b> {@link Builder#build()} makes a worker that does nothing;
 * {@link #start()} registers it and returns; {@link #close(Duration)} stops claiming, lets the runs
 * in flight finish within the grace period, hands the others back to the queue at once (fencing this
 * worker out of them), and deregisters. A worker is started once. Thread-safe: start and close from
 * any thread.
 */
public interface Worker extends AutoCloseable {

    /**
     * A new builder.
     *
     * @return a builder with the defaults
     */
    static Builder builder() {
        return new Builder();
    }

    /**
     * The worker's id, its row in {@code lf_worker}, and the owner of the runs it claims.
     *
     * @return the id
     */
    UUID id();

    /**
     * The worker's name (by default {@code worker-HOST-PID}).
     *
     * @return the name
     */
    String name();

    /**
     * Registers the worker and starts claiming runs; returns once it is registered.
     *
     * @return this worker
     * @throws IllegalStateException if it was started before
     * @throws WorkQueueException if the database cannot be reached or used
     */
    Worker start();

    /**
     * How many runs it holds right now.
     *
     * @return the runs in flight
     */
    int inFlight();

    /**
     * Closes the worker with its configured {@linkplain Builder#gracePeriod grace period}.
     */
    @Override
    void close();

    /**
     * Stops claiming, waits up to {@code grace} for the runs in flight to finish, hands the rest
     * back to the queue at once (queued again, with a new fencing token so that this worker cannot
     * write into them), cancels them here, and deregisters. Calling it again does nothing.
     *
     * @param grace how long runs in flight may take to finish; zero hands them back at once
     */
    void close(Duration grace);

    /**
     * The configuration of a {@link Worker}. Not thread-safe; each {@link #build()} makes an
     * independent worker.
     */
    final class Builder {
        private @Nullable String url;
        private @Nullable String user;
        private @Nullable String password;
        private final Set<String> queues = new LinkedHashSet<>();
        private int concurrency = 8;
        private final Map<String, Flow<?, ?>> flows = new LinkedHashMap<>();
        private final Map<String, Task<?, ?>> tasks = new LinkedHashMap<>();
        private String version = "";
        private Duration leaseExpiry = Duration.ofSeconds(30);
        private @Nullable Duration heartbeat;
        private Duration gracePeriod = Duration.ofSeconds(30);
        private Duration keepEndedRuns = Duration.ofDays(7);
        private Duration pollInterval = Duration.ofSeconds(1);
        private boolean notifications = true;
        private @Nullable String name;
        private final Map<String, Integer> sharedLimits = new LinkedHashMap<>();
        private final Map<String, Integer> queueLimits = new LinkedHashMap<>();
        private @Nullable ContextPropagator propagator;
        private UnaryOperator<Engine.Builder> engine = UnaryOperator.identity();

        private Builder() {
        }

        /**
         * Carries context (a trace) with queued runs (default: none): a run whose submitter stored
         * its context ({@link WorkQueue.Builder#propagator}) is started inside that context, so
         * the worker's engine's run interceptor (see {@link #engine}) takes it as the run's parent;
         * and the items this worker's distributed maps submit carry the context current in the
         * item's run, so the worker that executes an item continues its trace.
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
         * Adjusts the worker's engine before it is built, for example to trace it:
         * {@code engine(telemetry::install)}. Called once per {@link Worker#start()}, before the
         * worker sets its own parts of the engine (its name, checkpoints, remote runs, shared limits
         * and the listener that records the run history), which therefore cannot be replaced here;
         * listeners and a run interceptor may be added. Replaces an earlier call.
         *
         * @param configure takes the worker's engine builder and returns it (or the same builder)
         * @return this builder
         */
        public Builder engine(UnaryOperator<Engine.Builder> configure) {
            this.engine = Objects.requireNonNull(configure,
                    "engine configuration must not be null; leave it unset to keep the default engine");
            return this;
        }

        /**
         * The queue database: {@code jdbc:postgresql://HOST:PORT/DATABASE}, with
         * {@code ?user=U&password=P} or {@link #user}/{@link #password}; a {@code currentSchema}
         * parameter picks the schema. Required. Opening it creates or migrates Loomflow's tables.
         *
         * @param jdbcUrl a PostgreSQL JDBC URL
         * @return this builder
         * @throws IllegalArgumentException if it is not a PostgreSQL URL (workers need PostgreSQL's
         *     {@code SKIP LOCKED} and {@code LISTEN/NOTIFY}; the embedded H2 store cannot serve them)
         */
        public Builder database(String jdbcUrl) {
            this.url = WorkerSettings.postgresUrl(jdbcUrl);
            return this;
        }

        /**
         * The database user, if not in the URL.
         *
         * @param user the user
         * @return this builder
         */
        public Builder user(String user) {
            this.user = Objects.requireNonNull(user, "user must not be null; leave it unset to take it from the URL");
            return this;
        }

        /**
         * The database password, if not in the URL.
         *
         * @param password the password
         * @return this builder
         */
        public Builder password(String password) {
            this.password = Objects.requireNonNull(password,
                    "password must not be null; leave it unset to take it from the URL");
            return this;
        }

        /**
         * The queues to take runs from (default {@code "default"}); replaces earlier ones.
         *
         * @param queues one or more queue names
         * @return this builder
         */
        public Builder queues(String... queues) {
            Set<String> checked = new LinkedHashSet<>();
            for (String queue : queues) {
                checked.add(new Submission(queue, 0, null, null, null, 0).queue());
            }
            if (checked.isEmpty()) {
                throw new IllegalArgumentException("a worker needs at least one queue; pass names such as \"default\"");
            }
            this.queues.clear();
            this.queues.addAll(checked);
            return this;
        }

        /**
         * How many runs the worker runs at once, at most (default 8).
         *
         * @param concurrency 1 to 10,000
         * @return this builder
         */
        public Builder concurrency(int concurrency) {
            if (concurrency < 1 || concurrency > 10_000) {
                throw new IllegalArgumentException("concurrency " + concurrency + " must be between 1 and 10000");
            }
            this.concurrency = concurrency;
            return this;
        }

        /**
         * Adds flows the worker can run, advertised by name (and {@link #version}); a run of a
         * flow is found by its name.
         *
         * @param flows the flows
         * @return this builder
         */
        public Builder flows(Flow<?, ?>... flows) {
            return flows(List.of(flows));
        }

        /**
         * Adds flows the worker can run.
         *
         * @param flows the flows
         * @return this builder
         * @throws IllegalArgumentException if two different flows have the same name
         */
        public Builder flows(Collection<? extends Flow<?, ?>> flows) {
            for (Flow<?, ?> flow : new ArrayList<>(flows)) {
                Objects.requireNonNull(flow, "flows must not contain null");
                Flow<?, ?> before = this.flows.putIfAbsent(flow.name(), flow);
                if (before != null && before != flow) {
                    throw new IllegalArgumentException("two flows are named '" + flow.name() + "'; a worker finds a"
                            + " queued run's flow by its name, so give each flow a name of its own");
                }
            }
            return this;
        }

        /**
         * Adds tasks whose queued runs this worker executes: the items of distributed maps
         * ({@link Task#withQueue(String)}), submitted by the durable runs of any worker's engine.
         * A worker takes them from its {@linkplain #queues queues} only, so give it the tasks'
         * queues too. Tasks are not found from the flows (a flow's tasks are code, not data): list
         * them here. Each runs as a durable root run of a flow named like the task, whose one child
         * is the task itself; its input and result travel as JSON with their types
         * ({@code ResultCodec.json()}), built with the class loader of the thread that starts the
         * worker.
         *
         * @param tasks the tasks
         * @return this builder
         * @throws IllegalArgumentException if two different tasks have the same name
         */
        public Builder tasks(Task<?, ?>... tasks) {
            for (Task<?, ?> task : tasks) {
                Objects.requireNonNull(task, "tasks must not contain null");
                Task<?, ?> before = this.tasks.putIfAbsent(task.name(), task);
                if (before != null && before != task) {
                    throw new IllegalArgumentException("two tasks are named '" + task.name() + "'; a worker finds a"
                            + " queued item's task by its name, so give each task its own name");
                }
            }
            return this;
        }

        /**
         * The version of the flows' code that this worker advertises (default none, {@code ""}):
         * a run submitted with {@link Submission#withFlowVersion} is taken only by workers of that
         * version, a run without one by any worker that has its flow.
         *
         * @param version such as a release or a commit id; empty for none
         * @return this builder
         */
        public Builder version(String version) {
            Objects.requireNonNull(version, "version must not be null; pass \"\" for none");
            if (version.length() > 200 || version.contains("\n") || version.contains("\t")) {
                throw new IllegalArgumentException("version '" + version + "' must be at most 200 characters on one"
                        + " line, without tabs");
            }
            this.version = version;
            return this;
        }

        /**
         * How long a claim holds without a heartbeat (default 30 s): a run whose worker has not
         * renewed its lease for this long is re-queued for another worker.
         *
         * @param leaseExpiry 1 s to 1 h
         * @return this builder
         */
        public Builder leaseExpiry(Duration leaseExpiry) {
            this.leaseExpiry = WorkerSettings.between("lease expiry", leaseExpiry, Duration.ofSeconds(1),
                    Duration.ofHours(1));
            return this;
        }

        /**
         * How often the worker renews its leases and its row (default a third of the lease expiry).
         *
         * @param heartbeat at least 100 ms, and less than half the lease expiry
         * @return this builder
         */
        public Builder heartbeat(Duration heartbeat) {
            this.heartbeat = WorkerSettings.between("heartbeat", heartbeat, Duration.ofMillis(100), Duration.ofHours(1));
            return this;
        }

        /**
         * How long the rows of ended runs stay in the queue (default 7 days). The worker that leads
         * the database's housekeeping deletes, at each heartbeat, up to 1,000 runs that ended longer
         * ago than this (with their children, once their parent is gone): their results can no
         * longer be awaited, and their idempotency keys are free again. Child runs of a parent that
         * has not ended are kept, whatever their age. The leader's setting applies; give every
         * worker of a database the same.
         *
         * @param keepEndedRuns 1 minute to 10 years
         * @return this builder
         */
        public Builder keepEndedRuns(Duration keepEndedRuns) {
            this.keepEndedRuns = WorkerSettings.between("keep ended runs", keepEndedRuns, Duration.ofMinutes(1),
                    Duration.ofDays(3650));
            return this;
        }

        /**
         * How long {@link Worker#close()} lets runs in flight finish before handing them back
         * (default 30 s).
         *
         * @param gracePeriod zero or more
         * @return this builder
         */
        public Builder gracePeriod(Duration gracePeriod) {
            this.gracePeriod = WorkerSettings.between("grace period", gracePeriod, Duration.ZERO, Duration.ofDays(1));
            return this;
        }

        /**
         * How often an idle worker looks for runs without being notified (default 1 s): the
         * fallback when a notification is missed, and what starts a run whose earliest start has
         * come.
         *
         * @param pollInterval 10 ms to 1 h
         * @return this builder
         */
        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = WorkerSettings.between("poll interval", pollInterval, Duration.ofMillis(10),
                    Duration.ofHours(1));
            return this;
        }

        /**
         * Whether the worker listens for submissions ({@code LISTEN/NOTIFY}, the default) or only
         * polls ({@code false}; {@code NOTIFY} serialises commits under heavy write load).
         *
         * @param notifications {@code false} for poll-only
         * @return this builder
         */
        public Builder notifications(boolean notifications) {
            this.notifications = notifications;
            return this;
        }

        /**
         * The worker's name, shown in the list of workers and in its log lines (default
         * {@code worker-HOST-PID}).
         *
         * @param name a non-blank name
         * @return this builder
         */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name must not be null; leave it unset for worker-HOST-PID");
            if (name.isBlank() || name.length() > 1000) {
                throw new IllegalArgumentException("worker name '" + name + "' must be 1 to 1000 characters, not blank");
            }
            this.name = name;
            return this;
        }

        /**
         * Shares a named limit across all workers of the database: at most {@code permits} runs
         * that use the limit ({@code withLimit(name)} on a flow or task) execute at once in the
         * whole cluster, not in each worker. Each permit is a slot row held under a lease that this
         * worker's heartbeat extends, so the permits of a worker that dies come back when its lease
         * expires. Re-entrant along a lineage, as in one engine. Every worker that declares the
         * limit must give the same size: the first records it, and a worker that declares another
         * size fails to start with a message naming both. Limits not declared here stay each
         * worker's own.
         *
         * @param name the limit's name, as flows and tasks use it
         * @param permits how many runs at once across the cluster, 1 to 100,000
         * @return this builder
         */
        public Builder sharedLimit(String name, int permits) {
            Objects.requireNonNull(name, "shared limit name must not be null");
            if (name.isBlank() || name.length() > 200) {
                throw new IllegalArgumentException("shared limit name '" + name + "' must be 1 to 200 characters, not"
                        + " blank");
            }
            if (permits < 1 || permits > 100_000) {
                throw new IllegalArgumentException("shared limit '" + name + "' was given " + permits
                        + " permits; pass 1 to 100000");
            }
            sharedLimits.put(name, permits);
            return this;
        }

        /**
         * Caps how many runs of one of this worker's queues are in flight at once across all
         * workers (default: no cap beyond each worker's {@link #concurrency}). Recorded in
         * {@code lf_queue_limit} by the first worker that declares it; a worker that declares
         * another maximum fails to start with a message naming both.
         *
         * @param queue one of the worker's {@link #queues}
         * @param maxRunning 1 to 100,000
         * @return this builder
         */
        public Builder queueConcurrency(String queue, int maxRunning) {
            String checked = new Submission(queue, 0, null, null, null, 0).queue();
            if (maxRunning < 1 || maxRunning > 100_000) {
                throw new IllegalArgumentException("queue '" + queue + "' was given a maximum of " + maxRunning
                        + " runs in flight; pass 1 to 100000");
            }
            queueLimits.put(checked, maxRunning);
            return this;
        }

        /**
         * Builds the worker, not started.
         *
         * @return the worker
         * @throws IllegalStateException if no database or no flow was given, the heartbeat is not
         *     shorter than half the lease expiry, or a queue concurrency names a queue the worker does
         *     not serve
         */
        public Worker build() {
            if (url == null) {
                throw new IllegalStateException("a worker needs its database; call database(\"jdbc:postgresql://HOST/DB\")");
            }
            if (flows.isEmpty() && tasks.isEmpty()) {
                throw new IllegalStateException("a worker needs the flows (or tasks) it can run; call flows(...) or"
                        + " tasks(...) with them");
            }
            Duration beat = heartbeat == null ? leaseExpiry.dividedBy(3) : heartbeat;
            if (beat.multipliedBy(2).compareTo(leaseExpiry) >= 0) {
                throw new IllegalStateException("heartbeat " + beat + " must be shorter than half the lease expiry "
                        + leaseExpiry + ", or a slow heartbeat loses the leases; leave it unset for a third of it");
            }
            List<String> served = List.copyOf(queues.isEmpty() ? Set.of(Submission.DEFAULT_QUEUE) : queues);
            for (String limited : queueLimits.keySet()) {
                if (!served.contains(limited)) {
                    throw new IllegalStateException("queueConcurrency names queue '" + limited + "', which this worker"
                            + " does not take runs from (its queues are " + served + "); add it with queues(...)");
                }
            }
            return new WorkerImpl(new WorkerSettings(url, user, password, served, concurrency,
                    Map.copyOf(flows), version, leaseExpiry, beat, gracePeriod, pollInterval, notifications, name,
                    Map.copyOf(sharedLimits), Map.copyOf(queueLimits), Map.copyOf(tasks), keepEndedRuns, propagator,
                    engine));
        }
    }
}
