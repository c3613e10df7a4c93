package io.loomflow;

import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A named unit of work: a function from one input to one result, run with retries, a timeout and
 * a concurrency limit as configured. Each execution is a run with an id and a state.
 *
 * <p>A {@code Task} is an immutable definition, usually a constant; the {@code with*} methods
 * return changed copies. Thread-safe.
 * {@snippet class=io.loomflow.snippets.Reports region=task}
 *
 * <p><b>Where a run goes.</b> Inside a run, {@code call}, {@code submit} and {@code map} start
 * children of the current run. Outside any run, a task runs as a standalone root run on the
 * {@linkplain Engine#defaultEngine() default engine}.
 *
 * <p><b>Errors.</b> {@code call} and {@code join} throw exactly what the task's code threw
 * (checked exceptions too, although not declared).
 *
 * <p><b>Stored results.</b> A task {@linkplain #withCache(Cache) with a cache} reuses the result of
 * an earlier run with the same name, version and input; a task {@linkplain #withPersistedResult()
 * with a persisted result} keeps its result so that a resume of its flow run
 * ({@link RunOptions#resuming(java.util.UUID)}) can reuse it. A run that reuses a result ends {@link State.Cached} without running. Both
 * need an engine with a {@link io.loomflow.spi.ResultStore} ({@link Engine.Builder#results}); on
 * an engine without one, such tasks simply run.
 *
 * @param <I> the input type
 * @param <R> the result type
 */
public final class Task<I extends @Nullable Object, R extends @Nullable Object> {

    private final RunSpec spec;

    private Task(RunSpec spec) {
        this.spec = spec;
    }

    /**
     * Defines a task.
     *
     * @param name a non-blank name
     * @param body the task's code; may throw checked exceptions
     * @param <I> the input type
     * @param <R> the result type
     * @return the task
     */
    public static <I extends @Nullable Object, R extends @Nullable Object> Task<I, R> named(String name, CheckedFunction<? super I, ? extends R> body) {
        return new Task<>(RunSpec.of(RunInfo.Kind.TASK, name, body));
    }

    /**
     * The task's name.
     *
     * @return the name
     */
    public String name() {
        return spec.name();
    }

    /**
     * Returns a copy whose runs are retried after a failed attempt.
     *
     * @param retry the policy
     * @return the changed copy
     */
    public Task<I, R> withRetries(Retry retry) {
        return new Task<>(spec.withRetry(retry));
    }

    /**
     * Returns a copy each of whose attempts is cancelled, with its children, after {@code timeout}
     * on the engine's clock, and fails with {@link RunTimeoutException}.
     *
     * @param timeout a positive duration
     * @return the changed copy
     */
    public Task<I, R> withTimeout(Duration timeout) {
        return new Task<>(spec.withTimeout(timeout));
    }

    /**
     * Returns a copy whose runs each take a permit of the named limit, which the engine must
     * define ({@link Engine.Builder#limit(String, int)}).
     *
     * <p><b>Nesting.</b> Limits are re-entrant along a run's lineage: a run whose ancestor holds a
     * permit of the same limit runs under that permit instead of taking another, so calls nested
     * under a limit never deadlock, whatever the limit's size and the nesting depth. The limit
     * bounds how many lineages hold it at once.
     *
     * @param limit the limit's name
     * @return the changed copy
     */
    public Task<I, R> withLimit(String limit) {
        return new Task<>(spec.withLimit(limit));
    }

    /**
     * Returns a copy whose runs each take a permit of the named limit, which has {@code permits}
     * permits unless the engine configures another size.
     *
     * @param limit the limit's name
     * @param permits its size, 1 or more
     * @return the changed copy
     * @see #withLimit(String)
     */
    public Task<I, R> withLimit(String limit, int permits) {
        return new Task<>(spec.withLimit(limit, permits));
    }

    /**
     * Returns a copy whose maps are distributed: in a durable run on an engine with a dispatcher of
     * queued runs ({@link Engine.Builder#remoteRuns}, which every {@code loomflow-workers} worker
     * has), each item of {@link #map(Collection)} is submitted to {@code queue} as a queued child
     * run that any worker advertising this task may execute, and the item's run here waits for it.
     *
     * <p>Each child is keyed by the item's checkpoint key in the durable run, so a parent executed
     * again after its process died re-attaches to the children it had submitted instead of
     * submitting new ones; an item's result is checkpointed like any child's. Inputs and results
     * cross processes, so they must be values the dispatcher can write (for workers: JSON records,
     * collections, {@code java.time} values). The task's retries and timeout apply where it
     * executes; the waiting item does not retry. Cancelling the map (or its parent) cancels the
     * child runs, best effort.
     *
     * <p>Elsewhere nothing changes: outside a durable run, on an engine without a dispatcher, and
     * for {@code call} and {@code submit}, the task runs here as any other.
     *
     * @param queue the queue's name, not blank
     * @return the changed copy
     */
    public Task<I, R> withQueue(String queue) {
        return new Task<>(spec.withQueue(queue));
    }

    /**
     * The queue this task's map items are submitted to in durable runs, if it was given one.
     *
     * @return the queue, or empty if the task always runs locally
     * @see #withQueue(String)
     */
    public Optional<String> queue() {
        return Optional.ofNullable(spec.queue());
    }

    /**
     * Returns a copy that caches its results, which never expire; the same as
     * {@code withCache(Cache.forever())}.
     *
     * @return the changed copy
     * @see #withCache(Cache)
     */
    public Task<I, R> withCache() {
        return withCache(Cache.forever());
    }

    /**
     * Returns a copy that reuses results across runs: before a run takes a limit permit or runs, the
     * engine looks for a result stored under the key made of the task's name, the cache's version
     * and the input (see {@link Cache}); if one is found and has not expired on the engine's clock,
     * the run ends {@link State.Cached} with it and the task's code is not called. Otherwise the
     * task runs, and its result is stored when it completes, expiring after the cache's expiry.
     *
     * <p>Needs an engine with a result store ({@link Engine.Builder#results}); on an engine without
     * one the task simply runs. A store that fails, an input that cannot be keyed, or a result that
     * cannot be stored or read back is logged and never fails the run: the task runs instead.
     *
     * @param cache the version and expiry
     * @return the changed copy
     */
    public Task<I, R> withCache(Cache cache) {
        Objects.requireNonNull(cache, () -> spec.describe() + ": cache must not be null; pass Cache.forever() or"
                + " Cache.expiringAfter(duration)");
        return new Task<>(spec.withResults(spec.results().withCache(cache)));
    }

    /**
     * Returns a copy whose input key, part of the keys of its cached and persisted results, is
     * computed by {@code key} instead of the engine's result store (which hashes the input's JSON).
     * Use it when the input cannot be written as JSON, or when only part of it decides the result.
     * It takes effect together with {@link #withCache(Cache)} or {@link #withPersistedResult()}.
     *
     * <p>{@code key} is called on the run's thread before the lookup; it must return the same text
     * for inputs that give the same result, and never {@code null}. If it throws or returns
     * {@code null}, that run neither looks up nor stores its result, and the engine logs why.
     *
     * @param key computes the key of an input
     * @return the changed copy
     */
    @SuppressWarnings("unchecked")
    public Task<I, R> withCacheKey(Function<? super I, String> key) {
        Objects.requireNonNull(key, () -> spec.describe() + ": cache key function must not be null; pass a function"
                + " such as (Request r) -> r.url()");
        return new Task<>(spec.withResults(spec.results().withKey((Function<Object, String>) key)));
    }

    /**
     * Returns a copy that persists its results for resume, without reusing them across runs: each
     * completed run stores its result under its flow run's scope, and when that flow run is resumed
     * ({@link RunOptions#resuming(java.util.UUID)}) a run of this task with the same input
     * ends {@link State.Cached} with the stored result instead of running again. Persisted results
     * do not expire.
     *
     * <p>Needs an engine with a result store ({@link Engine.Builder#results}); failures of the
     * store are logged, never fatal, as for {@link #withCache(Cache)}.
     *
     * @return the changed copy
     */
    public Task<I, R> withPersistedResult() {
        return new Task<>(spec.withResults(spec.results().withPersisted()));
    }

    /**
     * Runs the task and returns its result: a child of the current run inside a run, a standalone
     * root run on the default engine elsewhere. Blocks the calling thread.
     *
     * @param input the input
     * @return the result
     * @throws EngineClosedException if the engine is closed
     * @throws RunCancelledException if the run was cancelled or the waiting thread interrupted
     */
    public R call(I input) {
        return cast(EngineImpl.forCaller().run(spec, input, null));
    }

    /**
     * Starts the task and returns its handle at once. Inside a run, a child that is never joined
     * is still awaited before the run ends.
     *
     * @param input the input
     * @return the run's handle
     */
    public Handle<R> submit(I input) {
        return cast(EngineImpl.forCaller().submit(spec, input));
    }

    /**
     * Runs the task once per input, concurrently, and returns a handle whose {@code join()} gives
     * the results in input order.
     *
     * <p>With a limit, at most as many items run at once as the limit has permits, and items not
     * started yet cost only their place in the input list. The failing item's error reaches
     * {@code join()} unchanged; under {@link FailurePolicy#CANCEL_SIBLINGS} it cancels the
     * items still running. {@link MapHandle#outcomes()} collects every outcome instead. Items that
     * had not started when the map was cancelled never become runs (no id, no events) and count as
     * cancelled; see {@link MapHandle}.
     *
     * @param inputs the inputs
     * @return the handle of the item runs
     */
    public MapHandle<R> map(Collection<? extends I> inputs) {
        Objects.requireNonNull(inputs, () -> spec.describe() + ": map needs a collection of inputs, not null");
        return cast(EngineImpl.forCaller().map(spec, inputs.toArray()));
    }

    /**
     * Runs the task once per element of a finite stream; see {@link #map(Collection)}.
     *
     * @param inputs the inputs
     * @return the handle of the item runs
     */
    public MapHandle<R> map(Stream<? extends I> inputs) {
        Objects.requireNonNull(inputs, () -> spec.describe() + ": map needs a stream of inputs, not null");
        return cast(EngineImpl.forCaller().map(spec, inputs.toArray()));
    }

    RunSpec spec() {
        return spec;
    }

    @SuppressWarnings("unchecked")
    private static <T extends @Nullable Object> T cast(@Nullable Object value) {
        return (T) value;
    }

    @Override
    public String toString() {
        return "Task[" + spec.name() + "]";
    }
}
