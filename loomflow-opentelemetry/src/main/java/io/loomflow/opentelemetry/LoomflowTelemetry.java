package io.loomflow.opentelemetry;

import io.loomflow.Engine;
import io.loomflow.opentelemetry.internal.Instruments;
import io.loomflow.opentelemetry.internal.Propagation;
import io.loomflow.opentelemetry.internal.QueueGauges;
import io.loomflow.opentelemetry.internal.RunTelemetry;
import io.loomflow.spi.ContextPropagator;
import io.loomflow.workers.WorkQueue;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.BatchCallback;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Traces and measures the runs of an engine with OpenTelemetry.
 *
 * <p>{@code LoomflowTelemetry.create(openTelemetry).install(Engine.builder())} gives the engine
 * it builds:
 * <ul>
 *   <li>a span per run, named as the flow or task, of kind {@code INTERNAL}, with the attributes
 *       (on spans the sampler keeps) {@code loomflow.run.id}, {@code loomflow.run.kind} ({@code flow} or {@code task}),
 *       {@code loomflow.root.id} and {@code loomflow.flow.name} (the root run's), for a map's item
 *       {@code loomflow.map.index} and {@code loomflow.map.size}, and when it ends
 *       {@code loomflow.run.state} (such as {@code Completed}) and {@code loomflow.run.attempt};
 *       a failed run's span has status {@code ERROR} and the exception recorded, and each retry
 *       is a span event {@code loomflow.retry};</li>
 *   <li>the parents the runs have: a subflow's or task's span is a child of its parent run's, a
 *       map's items are children of the run that called {@code map}, and a root run's span is a
 *       child of the span current where it was started (so a flow run inside a request continues
 *       the request's trace);</li>
 *   <li>while a run's code executes, its span is current on the run's thread (and only then), so
 *       spans that instrumented code makes there (an HTTP client's) are its children;</li>
 *   <li>metrics, through the same {@link OpenTelemetry}'s meter {@code io.loomflow}: the
 *       asynchronous counters {@code loomflow.runs.started} and {@code loomflow.runs.ended} (by
 *       {@code loomflow.run.state}) and up-down counter {@code loomflow.runs.active} (runs in
 *       flight), counted in memory and reported when the metrics are collected, and the histograms {@code loomflow.run.duration} (from creation to end, in seconds,
 *       by state) and {@code loomflow.run.limit.wait} (time from {@code Pending} on a limit to
 *       {@code Running}, in seconds, by {@code loomflow.limit.name}); each also by
 *       {@code loomflow.run.kind} and {@code loomflow.run.name}.</li>
 * </ul>
 *
 * <p>Nothing is global: the engine uses the {@link OpenTelemetry} it is given (pass
 * {@code GlobalOpenTelemetry.get()} to use the global one). Telemetry never fails a run: an
 * exception thrown by the OpenTelemetry implementation is logged once per kind of call, as a
 * warning of the logger {@code io.loomflow.opentelemetry}, and the run goes on without the span or
 * measurement it was for.
 *
 * <p>A span the sampler drops is started and its trace context made current where the run's code
 * executes; it is given no attributes or events.
 *
 * <p>With {@code loomflow-workers} (an optional dependency: add it yourself), it is also the
 * {@link ContextPropagator} of a {@code WorkQueue} and its workers, through the
 * {@link OpenTelemetry}'s text map propagator, so a run submitted inside a span continues that trace
 * where a worker executes it; and {@link #observe(WorkQueue)} adds gauges of the queues' depth and
 * age.
 *
 * <p>Thread-safe; one instance may be installed on any number of engine builders, whose runs it
 * counts together.
 */
public final class LoomflowTelemetry implements ContextPropagator {

    private final OpenTelemetry openTelemetry;
    private final Instruments instruments;
    private final Propagation propagation;

    private LoomflowTelemetry(OpenTelemetry openTelemetry, Instruments instruments) {
        this.openTelemetry = openTelemetry;
        this.instruments = instruments;
        this.propagation = Propagation.of(openTelemetry, instruments);
    }

    /**
     * Traces and measures runs with the given OpenTelemetry. If it throws when asked for its
     * tracer or meter, that is logged, and that part is left out (no spans, or no metrics).
     *
     * @param openTelemetry where spans and measurements go, typically the application's SDK
     * @return telemetry to install on engine builders
     */
    public static LoomflowTelemetry create(OpenTelemetry openTelemetry) {
        Objects.requireNonNull(openTelemetry, "openTelemetry must not be null; pass OpenTelemetry.noop() for none");
        return new LoomflowTelemetry(openTelemetry, Instruments.of(openTelemetry));
    }

    /**
     * Installs the telemetry on an engine builder: adds a run interceptor
     * ({@link Engine.Builder#runInterceptor}), which starts each run's span where the run is
     * started, makes it current while the run executes, and ends it and measures the run from the
     * run's state changes. It nests with the builder's other run interceptors in the order they
     * were added.
     *
     * @param builder the builder of the engine to trace and measure
     * @return the same builder
     */
    public Engine.Builder install(Engine.Builder builder) {
        Objects.requireNonNull(builder, "builder must not be null");
        return builder.runInterceptor(new RunTelemetry(instruments));
    }

    /**
     * The trace context current on the calling thread, as the {@link OpenTelemetry}'s text map
     * propagator writes it (W3C {@code traceparent} and {@code tracestate} by default); a
     * {@code WorkQueue} built with this as its propagator stores it with each run it submits.
     *
     * @return the headers; empty outside a span, or if the propagator threw (logged once)
     */
    @Override
    public Map<String, String> inject() {
        return propagation.inject();
    }

    /**
     * Calls {@code start} with the trace context the headers carry current, so that a root run
     * started there (on an engine this telemetry is installed on) has the span they name as its
     * parent; a worker given this as its propagator starts each queued run so.
     *
     * @param headers what {@link #inject()} gave where the run was submitted
     * @param start starts the run
     * @param <T> what {@code start} returns
     * @return what {@code start} returned
     */
    @Override
    public <T> T continueIn(Map<String, String> headers, Supplier<T> start) {
        Objects.requireNonNull(headers, "headers must not be null; pass Map.of() for none");
        Objects.requireNonNull(start, "start must not be null");
        return propagation.continueIn(headers, start);
    }

    /**
     * Observes a work queue ({@code loomflow-workers}) with two asynchronous gauges of the meter
     * {@code io.loomflow}, per queue (attribute {@code loomflow.queue.name}):
     * {@code loomflow.queue.depth} (runs waiting, unit <code>{run}</code>) and {@code loomflow.queue.age}
     * (seconds the oldest due queued run has waited, {@code s}). They are read from
     * {@link WorkQueue#queues()} when the metrics are collected, at most once a second (collections
     * closer together report the same reading), never per run. A queue seen once reports 0 when it
     * has emptied. A reading that fails (the database is down, the queue was closed) reports
     * nothing, and the first failure is logged.
     *
     * @param queue the queue to observe; one observation per queue is enough, whichever the queues
     * @return closing it stops the observation (close it before the queue)
     */
    public BatchCallback observe(WorkQueue queue) {
        Objects.requireNonNull(queue, "queue must not be null");
        return new QueueGauges(queue, instruments, System::nanoTime, QueueGauges.EVERY).register(openTelemetry);
    }
}
