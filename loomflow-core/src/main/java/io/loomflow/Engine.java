package io.loomflow;

import io.loomflow.spi.Checkpoints;
import io.loomflow.spi.NonBlockingThreadDetector;
import io.loomflow.spi.RemoteRuns;
import io.loomflow.spi.ResultStore;
import io.loomflow.spi.RunInterceptor;
import io.loomflow.spi.SharedLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import org.jspecify.annotations.Nullable;

/**
 * Runs flows and tasks: owns their threads, concurrency limits, resources, clock and event stream,
 * and shuts all of them down in order when closed.
 *
 * <p>Build one with {@link #builder()} and close it when done; or let {@link Flow#run(Object)} use
 * the {@linkplain #defaultEngine() default engine}, which is created on first use and closed by one
 * JVM shutdown hook.
 * {@snippet class=io.loomflow.snippets.FlowSnippets region=engine}
 *
 * <p><b>Closing</b> ({@link #close()}): stop admitting runs; let runs in flight finish within the
 * grace period; cancel the rest and wait for them (up to a second grace period, after which every
 * run not ended yet, whose code or a descendant's ignores cancellation, is recorded
 * {@link State.Crashed}, ancestors first, and joining it throws {@link RunLostException}); close resources in reverse
 * order of opening; close the result store; close the listeners (flush); return. Grace periods are wall-clock time, whatever
 * clock the engine was given. Idempotent and safe from any thread,
 * except from inside one of the engine's own runs, where it fails instead of waiting for itself.
 *
 * <p>Inside a run of this engine, {@code run}, {@code runAsync} and {@code submit} start a child of
 * the current run; elsewhere they start a root run. All methods are thread-safe.
 */
public interface Engine extends AutoCloseable {

    /**
     * Starts the configuration of a new engine.
     *
     * @return a builder with the defaults: virtual threads, the system clock, a 10 s grace period
     */
    static Builder builder() {
        return new Builder();
    }

    /**
     * The process-wide default engine, which {@link Flow#run(Object)} and friends use outside of
     * any run. Created on first use; closed by a single JVM shutdown hook, which is the only hook
     * Loomflow installs. If it was closed explicitly, the next call creates a new one. Its grace
     * periods (see {@link #close()}) are 10 s and 5 s, or the ISO-8601 durations in the system
     * properties {@code loomflow.shutdownGrace} and {@code loomflow.cancelGrace}, for example
     * {@code -Dloomflow.shutdownGrace=PT30S}.
     *
     * @return the default engine
     * @throws EngineClosedException if the JVM is shutting down
     */
    static Engine defaultEngine() {
        return DefaultEngine.get();
    }

    /**
     * The engine's name, used in thread names and messages.
     *
     * @return the name
     */
    String name();

    /**
     * Runs a flow to its end and returns its result, blocking the calling thread (any thread that
     * may block: main, a pool thread, a virtual thread, a request handler, a run). Inside a run of
     * this engine the flow runs as a subflow of it; elsewhere as a root run. Short for
     * {@code run(flow, params, RunOptions.defaults())}.
     *
     * @param flow the flow
     * @param params its parameters
     * @param <P> the parameter type
     * @param <R> the result type
     * @return the flow's result
     * @throws EngineClosedException if the engine is closed
     * @throws RunCancelledException if the run was cancelled, or the calling thread was interrupted
     *     (the run is then cancelled, and the thread's interrupt status is set again)
     */
    default <P extends @Nullable Object, R extends @Nullable Object> R run(Flow<P, R> flow, P params) {
        return run(flow, params, RunOptions.defaults());
    }

    /**
     * Runs a flow to its end with options, and returns its result, blocking like
     * {@link #run(Flow, Object)}. With {@link RunOptions#resuming(UUID)} the run is a new root run
     * that reuses what an earlier run persisted in the engine's result store ({@link Builder#results},
     * such as {@code io.loomflow.store.ResultStores.directory(path)}):
     * {@snippet class=io.loomflow.snippets.ResultSnippets region=resume}
     *
     * @param flow the flow
     * @param params its parameters
     * @param options how to start it
     * @param <P> the parameter type
     * @param <R> the result type
     * @return the flow's result
     * @throws IllegalStateException if the options resume a run and the engine has no result store
     *     ({@link Builder#results})
     * @throws EngineClosedException if the engine is closed
     * @throws RunCancelledException if the run was cancelled, or the calling thread was interrupted
     *     (the run is then cancelled, and the thread's interrupt status is set again)
     */
    <P extends @Nullable Object, R extends @Nullable Object> R run(Flow<P, R> flow, P params, RunOptions options);

    /**
     * Starts a flow and returns at once; never blocks. Cancelling the future cancels the run; its
     * stages never run on an event loop ({@link #runAsync(Flow, Object, RunOptions)}). Short for
     * {@code runAsync(flow, params, RunOptions.defaults())}.
     *
     * @param flow the flow
     * @param params its parameters
     * @param <P> the parameter type
     * @param <R> the result type
     * @return a future completed with the result, or exactly the error the flow threw
     */
    default <P extends @Nullable Object, R extends @Nullable Object> CompletableFuture<R> runAsync(Flow<P, R> flow, P params) {
        return runAsync(flow, params, RunOptions.defaults());
    }

    /**
     * Starts a flow with options and returns at once; never blocks. Cancelling the future cancels
     * the run. The future's stages, and the stages chained to them, never run on a thread that must
     * not block (an event loop): one attached there after the run has ended runs on a new virtual
     * thread.
     *
     * @param flow the flow
     * @param params its parameters
     * @param options how to start it
     * @param <P> the parameter type
     * @param <R> the result type
     * @return a future completed with the result, or exactly the error the flow threw
     * @throws IllegalStateException if the options resume a run and the engine has no result store
     */
    <P extends @Nullable Object, R extends @Nullable Object> CompletableFuture<R> runAsync(Flow<P, R> flow, P params, RunOptions options);

    /**
     * Starts a flow and returns a handle to it at once: its id and state now, its result with
     * {@link Handle#join()}. A caller that wants to block on a run and still know its id uses
     * {@code submit(flow, params).join()}. Short for
     * {@code submit(flow, params, RunOptions.defaults())}.
     *
     * @param flow the flow
     * @param params its parameters
     * @param <P> the parameter type
     * @param <R> the result type
     * @return the run's handle, with its id
     */
    default <P extends @Nullable Object, R extends @Nullable Object> Handle<R> submit(Flow<P, R> flow, P params) {
        return submit(flow, params, RunOptions.defaults());
    }

    /**
     * Starts a flow with options and returns a handle to it at once.
     *
     * @param flow the flow
     * @param params its parameters
     * @param options how to start it
     * @param <P> the parameter type
     * @param <R> the result type
     * @return the run's handle, with its id
     * @throws IllegalStateException if the options resume a run and the engine has no result store
     */
    <P extends @Nullable Object, R extends @Nullable Object> Handle<R> submit(Flow<P, R> flow, P params, RunOptions options);

    /**
     * Runs one task as a run of its own (a root run outside of any run) and returns its result.
     *
     * @param task the task
     * @param input its input
     * @param <I> the input type
     * @param <R> the result type
     * @return the task's result
     */
    <I extends @Nullable Object, R extends @Nullable Object> R run(Task<I, R> task, I input);

    /**
     * Cancels the run with this id, and every run below it, if it belongs to this engine and has
     * not ended.
     *
     * @param runId the run's id
     * @return {@code true} if a run was cancelled by this call
     */
    boolean cancel(UUID runId);

    /**
     * Adds a listener to the event stream until the returned subscription is closed.
     *
     * @param listener the listener
     * @return its subscription
     */
    Subscription subscribe(EventListener listener);

    /**
     * Tells whether {@link #close()} has started.
     *
     * @return {@code true} once the engine no longer admits root runs
     */
    boolean isClosed();

    /**
     * The names of the {@link Resource}s this engine holds open, in order of opening: while it runs,
     * every one opened so far; once {@link #close()} has returned, only those whose closer threw, which
     * may not have been closed. For checks that a program or a test left nothing open, such as
     * {@code loomflow-testing}'s.
     *
     * @return the resources' names; empty when none is open
     */
    List<String> openResources();

    /**
     * Shuts the engine down in order; see the class description.
     *
     * @throws IllegalStateException if called from inside one of this engine's runs
     */
    @Override
    void close();

    /**
     * The configuration of a new {@link Engine}. Not thread-safe; each {@link #build()} makes an
     * independent engine.
     */
    final class Builder {
        private String name = "loomflow";
        private TimeSource clock = TimeSource.system();
        private @Nullable ThreadFactory threadFactory;
        private final Map<String, Integer> limits = new LinkedHashMap<>();
        private final List<EventListener> listeners = new ArrayList<>();
        private final List<NonBlockingThreadDetector> detectors = new ArrayList<>();
        private Duration shutdownGrace = Duration.ofSeconds(10);
        private Duration cancelGrace = Duration.ofSeconds(5);
        private @Nullable ResultStore results;
        private @Nullable Checkpoints checkpoints;
        private @Nullable SharedLimits sharedLimits;
        private @Nullable RemoteRuns remoteRuns;
        private ItemHistory itemHistory = ItemHistory.ALL;
        private final List<RunInterceptor> runInterceptors = new ArrayList<>();

        private Builder() {
        }

        /**
         * Names the engine (default {@code "loomflow"}).
         *
         * @param name a non-blank name
         * @return this builder
         */
        public Builder name(String name) {
            this.name = Names.check("Engine", name);
            return this;
        }

        /**
         * Sets the clock for timestamps, retry delays, timeouts and grace periods (default
         * {@link TimeSource#system()}).
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(TimeSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock must not be null; pass TimeSource.system() for the wall clock");
            return this;
        }

        /**
         * Sets the factory of the threads that execute runs (default: virtual threads named
         * {@code loomflow-<name>-<n>}). Platform threads work too; they should be daemons.
         *
         * @param threadFactory the factory
         * @return this builder
         */
        public Builder threadFactory(ThreadFactory threadFactory) {
            this.threadFactory = Objects.requireNonNull(threadFactory,
                    "threadFactory must not be null; leave it unset for virtual threads");
            return this;
        }

        /**
         * Defines a named concurrency limit: at most {@code permits} runs that use it execute at
         * once. Overrides the size given by {@link Task#withLimit(String, int)}.
         *
         * @param name the limit's name
         * @param permits how many at once, 1 or more
         * @return this builder
         */
        public Builder limit(String name, int permits) {
            Names.check("Limit", name);
            if (permits < 1) {
                throw new IllegalArgumentException("limit '" + name + "' was given " + permits
                        + " permits; pass 1 or more");
            }
            limits.put(name, permits);
            return this;
        }

        /**
         * Shares named limits with other engines, typically those of other worker processes: a
         * limit that {@code sharedLimits} gives a size ({@link SharedLimits#permits}) admits that
         * many runs across all the engines that share it, and its permits are taken from
         * {@code sharedLimits} (released when the run ends, whatever the ending; re-entrant along a
         * lineage like the engine's own). Every other limit stays the engine's own, with no cost
         * added. Default: none shared.
         *
         * @param sharedLimits where the shared limits' permits are taken
         * @return this builder
         */
        public Builder sharedLimits(SharedLimits sharedLimits) {
            this.sharedLimits = Objects.requireNonNull(sharedLimits,
                    "sharedLimits must not be null; leave it unset to keep every limit in this engine");
            return this;
        }

        /**
         * Adds a listener to the event stream; it is closed when the engine closes.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(EventListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
            return this;
        }

        /**
         * Adds a detector of threads that must not block, such as a UI thread; outside of any run,
         * blocking calls on such a thread ({@code run}, {@code call}, joining an unfinished handle)
         * fail at once with {@link BlockingNotAllowedException}. Detectors added here are asked first,
         * then those found with {@link java.util.ServiceLoader} when the engine is built, then the
         * built-in rules for Netty, Vert.x and Reactor; see {@link NonBlockingThreadDetector}.
         *
         * @param detector the detector
         * @return this builder
         */
        public Builder nonBlockingThreadDetector(NonBlockingThreadDetector detector) {
            detectors.add(Objects.requireNonNull(detector, "detector must not be null"));
            return this;
        }

        /**
         * Sets how long {@link Engine#close()} lets runs in flight finish before cancelling them
         * (default 10 s), and how long it then waits for cancelled runs to stop (default 5 s).
         *
         * @param finish the time runs get to finish, zero or positive
         * @param stop the time cancelled runs get to stop, zero or positive
         * @return this builder
         */
        public Builder shutdownGrace(Duration finish, Duration stop) {
            this.shutdownGrace = nonNegative("shutdown grace", finish);
            this.cancelGrace = nonNegative("cancel grace", stop);
            return this;
        }

        /**
         * Sets where the results of tasks that cache or persist them are kept (default: nowhere, and
         * such tasks simply run; {@link RunOptions#resuming(UUID)} needs a store). The engine
         * closes the store after its last run. {@code io.loomflow.store.ResultStores.directory(path)}
         * keeps them as JSON files.
         *
         * @param store the store
         * @return this builder
         */
        public Builder results(ResultStore store) {
            this.results = Objects.requireNonNull(store,
                    "result store must not be null; leave it unset for an engine that stores no results");
            return this;
        }

        /**
         * Sets where the checkpoints of durable runs are kept (default: nowhere, and a run started
         * with {@link RunOptions#withCheckpoints(UUID)} is refused). Unlike a result store, the
         * engine does not close it: its owner (a worker, say) does.
         *
         * @param checkpoints the checkpoints
         * @return this builder
         */
        public Builder checkpoints(Checkpoints checkpoints) {
            this.checkpoints = Objects.requireNonNull(checkpoints,
                    "checkpoints must not be null; leave them unset for an engine without durable runs");
            return this;
        }

        /**
         * Sets where the items of distributed maps go (default: nowhere, and they run here): in a
         * durable run, each item of a map over a task marked {@link Task#withQueue(String)} is
         * submitted as a queued child run and awaited, instead of running on this engine. The engine
         * does not close it: its owner (a worker, say) does.
         *
         * @param remoteRuns the dispatcher of queued child runs
         * @return this builder
         */
        public Builder remoteRuns(RemoteRuns remoteRuns) {
            this.remoteRuns = Objects.requireNonNull(remoteRuns,
                    "remote runs must not be null; leave them unset for an engine that runs every map item itself");
            return this;
        }

        /**
         * Chooses how much a run history keeps of the items of maps whose flows do not choose
         * themselves ({@link Flow#withItemHistory}); default {@link ItemHistory#ALL}.
         *
         * @param history what to keep of each item
         * @return this builder
         */
        public Builder itemHistory(ItemHistory history) {
            this.itemHistory = Objects.requireNonNull(history,
                    "item history must not be null; pass ItemHistory.ALL or ItemHistory.FAILURES");
            return this;
        }

        /**
         * Adds an interceptor that wraps where each run is started and executes, so that context
         * kept per thread (a tracing span) follows the runs, and that is told each run's state
         * changes (default: none); see {@link RunInterceptor}. Several nest in the order they are
         * added: the first is the outermost. {@code io.loomflow.opentelemetry.LoomflowTelemetry}
         * adds one.
         *
         * @param interceptor the interceptor
         * @return this builder
         * @throws IllegalArgumentException if this same interceptor was added already
         */
        public Builder runInterceptor(RunInterceptor interceptor) {
            Objects.requireNonNull(interceptor, "run interceptor must not be null; leave it unset for none");
            for (RunInterceptor added : runInterceptors) {
                if (added == interceptor) {
                    throw new IllegalArgumentException("engine '" + name + "' has the run interceptor " + interceptor
                            + " (" + interceptor.getClass().getName() + ") already; add each interceptor once");
                }
            }
            runInterceptors.add(interceptor);
            return this;
        }

        private static Duration nonNegative(String what, Duration value) {
            Objects.requireNonNull(value, () -> what + " must not be null");
            if (value.isNegative()) {
                throw new IllegalArgumentException(what + " was " + value + "; pass zero or a positive duration");
            }
            return value;
        }

        /**
         * Builds the engine.
         *
         * @return a new, open engine
         */
        public Engine build() {
            ThreadFactory factory = threadFactory != null ? threadFactory
                    : Thread.ofVirtual().name("loomflow-" + name + "-", 1).factory();
            return new EngineImpl(name, clock, factory, Map.copyOf(limits), List.copyOf(listeners),
                    shutdownGrace, cancelGrace, BlockingCheck.of(detectors), results, checkpoints, itemHistory, sharedLimits,
                    remoteRuns, List.copyOf(runInterceptors));
        }
    }
}
