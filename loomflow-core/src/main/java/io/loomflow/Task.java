package io.loomflow;

import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * A named unit of work: a function from one input to one result, run with retries, a timeout and
 * a concurrency limit as configured. Each execution is a run with an id and a state.
 *
 * <p>A {@code Task} is an immutable definition, usually a constant; the {@code with*} methods
 * return changed copies. Thread-safe.
 * {@snippet :
 * static final Task<String, Row> fetch = Task.named("fetch", (String id) -> client.get(id))
 *         .withRetries(Retry.exponential(3, Duration.ofMillis(200)))
 *         .withTimeout(Duration.ofSeconds(30))
 *         .withLimit("http", 16);
 * }
 *
 * <p><b>Where a run goes.</b> Inside a run, {@code call}, {@code submit} and {@code map} start
 * children of the current run. Outside any run, a task runs as a standalone root run on the
 * {@linkplain Engine#defaultEngine() default engine}.
 *
 * <p><b>Errors.</b> {@code call} and {@code join} throw exactly what the task's code threw
 * (checked exceptions too, although not declared).
 *
 * @param <I> the input type
 * @param <R> the result type
 */
public final class Task<I, R> {

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
    public static <I, R> Task<I, R> named(String name, CheckedFunction<? super I, ? extends R> body) {
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
        return new Task<>(spec.withLimit(limit, 0));
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
        if (permits < 1) {
            throw new IllegalArgumentException(spec.describe() + ": limit '" + limit + "' was given " + permits
                    + " permits; pass 1 or more");
        }
        return new Task<>(spec.withLimit(limit, permits));
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
        return cast(EngineImpl.forCaller().run(spec, input));
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
     * items still running. {@link MapHandle#outcomes()} collects every outcome instead.
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
    private static <T> T cast(Object value) {
        return (T) value;
    }

    @Override
    public String toString() {
        return "Task[" + spec.name() + "]";
    }
}
