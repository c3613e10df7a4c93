package io.loomflow;

import io.loomflow.spi.FlowGraph;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A named unit of orchestration: a function from parameters to a result whose body calls tasks and
 * other flows. Each execution is a run with an id, a state and children.
 *
 * <p>A {@code Flow} is an immutable definition, usually a constant; the {@code with*} methods
 * return changed copies. Thread-safe.
 * {@snippet class=io.loomflow.snippets.Reports region=flow}
 *
 * <p><b>Where a run goes.</b> Called inside a run ({@code run}, {@code call}, {@code submit},
 * {@code runAsync}, {@code map}), the flow runs as a subflow: a child of the current run on the same
 * engine, cancelled with it, and awaited before it ends. Called outside any run, it is a root run on
 * the {@linkplain Engine#defaultEngine() default engine}; use {@link Engine#run(Flow, Object)} to
 * choose the engine.
 *
 * <p><b>Errors.</b> {@code run}, {@code call} and {@code join} throw exactly what the flow's code
 * threw (checked exceptions too, although not declared); {@code runAsync} completes its future with
 * it.
 *
 * <p><b>Parameter type.</b> A flow defined with {@link #named(String, Class, CheckedFunction)} knows
 * its parameter type at run time ({@link #parameterType()}), so that tools which start flows from
 * outside Java (the {@code loomflow} command, a web form) can build its parameters, for example a
 * record from {@code --param name=value} pairs.
 *
 * @param <P> the parameter type, ideally a record
 * @param <R> the result type
 */
public final class Flow<P extends @Nullable Object, R extends @Nullable Object> {

    private final RunSpec spec;
    /** Kept beside the spec, not in it: only tools that build parameters need it. */
    private final @Nullable Class<?> parameterType;
    /** Kept beside the spec too: only tools that draw flows read it. */
    private final @Nullable FlowGraph graph;

    private Flow(RunSpec spec, @Nullable Class<?> parameterType) {
        this(spec, parameterType, null);
    }

    private Flow(RunSpec spec, @Nullable Class<?> parameterType, @Nullable FlowGraph graph) {
        this.spec = spec;
        this.parameterType = parameterType;
        this.graph = graph;
    }

    /**
     * Defines a flow.
     *
     * @param name a non-blank name, unique among your flows
     * @param body the flow's code; may throw checked exceptions
     * @param <P> the parameter type
     * @param <R> the result type
     * @return the flow
     */
    public static <P extends @Nullable Object, R extends @Nullable Object> Flow<P, R> named(String name, CheckedFunction<? super P, ? extends R> body) {
        return new Flow<>(RunSpec.of(RunInfo.Kind.FLOW, name, body), null);
    }

    /**
     * Defines a flow whose parameter type is known at run time, ideally a record; see
     * {@link #parameterType()}.
     * {@snippet class=io.loomflow.snippets.FlowSnippets region=flow-with-type}
     *
     * @param name a non-blank name, unique among your flows
     * @param parameterType the class of the parameters
     * @param body the flow's code; may throw checked exceptions
     * @param <P> the parameter type
     * @param <R> the result type
     * @return the flow
     */
    public static <P, R extends @Nullable Object> Flow<P, R> named(String name, Class<P> parameterType,
                                                                   CheckedFunction<? super P, ? extends R> body) {
        RunSpec spec = RunSpec.of(RunInfo.Kind.FLOW, name, body);
        Objects.requireNonNull(parameterType, () -> spec.describe() + ": parameter type must not be null; pass the"
                + " parameter record's class, such as Params.class, or use Flow.named(name, body) for none");
        return new Flow<>(spec, parameterType);
    }

    /**
     * The flow's name.
     *
     * @return the name
     */
    public String name() {
        return spec.name();
    }

    /**
     * The class of the flow's parameters, if it was given to
     * {@link #named(String, Class, CheckedFunction)}. Tools that start flows from the outside treat a
     * flow without one as taking no parameters ({@code null}).
     *
     * @return the parameter type, or empty if the flow was defined without one
     */
    public Optional<Class<?>> parameterType() {
        return Optional.ofNullable(parameterType);
    }

    /**
     * The picture of what the flow runs, if it carries one: the nodes and datasets of a pipeline
     * ({@code loomflow-data}'s {@code Pipeline.toFlow} attaches it), which the server's web UI and
     * {@code loomflow graph} draw.
     *
     * @return the graph, or empty if the flow has none
     */
    public Optional<FlowGraph> graph() {
        return Optional.ofNullable(graph);
    }

    /**
     * Returns a copy that carries {@code graph}: for a flow that runs a pipeline, or wraps a flow
     * that does ({@code Flow.named(...).withGraph(pipeline.graph(catalog))}), so that tools draw it.
     *
     * @param graph the graph
     * @return the changed copy
     */
    public Flow<P, R> withGraph(FlowGraph graph) {
        Objects.requireNonNull(graph, () -> spec.describe() + ": graph must not be null");
        return new Flow<>(spec, parameterType, graph);
    }

    /**
     * Returns a copy whose runs are retried after a failed attempt.
     *
     * @param retry the policy
     * @return the changed copy
     */
    public Flow<P, R> withRetries(Retry retry) {
        return new Flow<>(spec.withRetry(retry), parameterType, graph);
    }

    /**
     * Returns a copy each of whose attempts is cancelled, with its children, after {@code timeout}
     * on the engine's clock, and fails with {@link RunTimeoutException}.
     *
     * @param timeout a positive duration
     * @return the changed copy
     */
    public Flow<P, R> withTimeout(Duration timeout) {
        return new Flow<>(spec.withTimeout(timeout), parameterType, graph);
    }

    /**
     * Returns a copy whose runs each take a permit of the named limit, sized by the engine's
     * configuration ({@link Engine.Builder#limit(String, int)}).
     *
     * @param limit the limit's name
     * @return the changed copy
     * @see Task#withLimit(String)
     */
    public Flow<P, R> withLimit(String limit) {
        return new Flow<>(spec.withLimit(limit), parameterType, graph);
    }

    /**
     * Returns a copy whose runs each take a permit of the named limit, which has {@code permits}
     * permits unless the engine configures another size. A flow run holds its permit for its whole
     * run, children included; limits are re-entrant along the lineage exactly as for tasks
     * ({@link Task#withLimit(String)}): a subflow or task under a run that holds the limit runs under
     * that permit, so nesting under one limit never deadlocks.
     *
     * @param limit the limit's name
     * @param permits its size, 1 or more
     * @return the changed copy
     * @throws IllegalArgumentException if {@code permits} is less than 1
     * @see Task#withLimit(String, int)
     */
    public Flow<P, R> withLimit(String limit, int permits) {
        return new Flow<>(spec.withLimit(limit, permits), parameterType, graph);
    }

    /**
     * Returns a copy that decides what a failing child does to its siblings (default
     * {@link FailurePolicy#CANCEL_SIBLINGS}).
     *
     * @param policy the policy
     * @return the changed copy
     */
    public Flow<P, R> withFailurePolicy(FailurePolicy policy) {
        return new Flow<>(spec.withFailurePolicy(policy), parameterType, graph);
    }

    /**
     * Returns a copy that chooses how much a run history keeps of the items of every map started
     * below its runs (their tasks' and subflows' maps included, unless a subflow chooses again);
     * without it, the engine's choice ({@link Engine.Builder#itemHistory}) applies.
     * {@snippet class=io.loomflow.snippets.FlowSnippets region=item-history}
     *
     * @param history what to keep of each item
     * @return the changed copy
     */
    public Flow<P, R> withItemHistory(ItemHistory history) {
        return new Flow<>(spec.withItemHistory(history), parameterType, graph);
    }

    /**
     * The policy for failing children.
     *
     * @return the failure policy
     */
    public FailurePolicy failurePolicy() {
        return spec.failurePolicy();
    }

    /**
     * Runs the flow to its end and returns its result: a subflow inside a run, a root run on the
     * default engine elsewhere. Blocks the calling thread; interrupting it cancels the run.
     *
     * <p>To know the run's id or state while waiting for it, submit it and join its handle instead:
     * {@code Handle<R> run = flow.submit(params); log(run.runId()); R result = run.join();} gives
     * the same result or error. One difference: interrupting a thread that waits in
     * {@link Handle#join()} ends only its wait; cancel the run with {@link Handle#cancel()}.
     *
     * @param params the parameters
     * @return the result
     * @throws EngineClosedException if the engine is closed
     * @throws RunCancelledException if the run was cancelled or the waiting thread interrupted
     */
    public R run(P params) {
        return cast(EngineImpl.forCaller().run(spec, params, null));
    }

    /**
     * Starts the flow and returns at once; never blocks. Cancelling the future cancels the run. The
     * future's stages, and the stages chained to them, never run on a thread that must not block
     * (an event loop): one attached there after the run has ended runs on a new virtual thread.
     *
     * @param params the parameters
     * @return a future completed with the result, or exactly the error the flow threw
     */
    public CompletableFuture<R> runAsync(P params) {
        return cast(EngineImpl.forCaller().submit(spec, params).future());
    }

    /**
     * Runs the flow as a subflow of the current run and returns its result; outside any run, the
     * same as {@link #run(Object)}.
     *
     * @param params the parameters
     * @return the result
     */
    public R call(P params) {
        return run(params);
    }

    /**
     * Starts the flow (a subflow inside a run, a root run on the default engine elsewhere) and
     * returns its handle at once: its id, its state, a way to cancel it, and {@link Handle#join()}
     * to wait for its result as {@link #run(Object)} does.
     *
     * @param params the parameters
     * @return the run's handle
     */
    public Handle<R> submit(P params) {
        return cast(EngineImpl.forCaller().submit(spec, params));
    }

    /**
     * Runs the flow once per element, concurrently, as subflows; see {@link Task#map(Collection)}.
     * An element whose subflow had not started when the map was cancelled is not a run (no id, no
     * events) and counts as cancelled; see {@link MapHandle}.
     *
     * @param params one parameter value per run
     * @return the handle of the runs, whose results come in input order
     */
    public MapHandle<R> map(Collection<? extends P> params) {
        Objects.requireNonNull(params, () -> spec.describe() + ": map needs a collection of parameters, not null");
        return cast(EngineImpl.forCaller().map(spec, params.toArray()));
    }

    /**
     * Runs the flow once per element of a finite stream; see {@link Task#map(Collection)}.
     *
     * @param params one parameter value per run
     * @return the handle of the runs, whose results come in input order
     */
    public MapHandle<R> map(Stream<? extends P> params) {
        Objects.requireNonNull(params, () -> spec.describe() + ": map needs a stream of parameters, not null");
        return cast(EngineImpl.forCaller().map(spec, params.toArray()));
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
        return "Flow[" + spec.name() + "]";
    }
}
