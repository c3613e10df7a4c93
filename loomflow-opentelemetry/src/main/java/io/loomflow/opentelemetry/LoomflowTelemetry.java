package io.loomflow.opentelemetry;

import io.loomflow.Engine;
import io.loomflow.opentelemetry.internal.Instruments;
import io.loomflow.opentelemetry.internal.RunTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.util.Objects;

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
 * <p>Thread-safe; one instance may be installed on any number of engine builders, whose runs it
 * counts together.
 */
public final class LoomflowTelemetry {

    private final Instruments instruments;

    private LoomflowTelemetry(Instruments instruments) {
        this.instruments = instruments;
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
        return new LoomflowTelemetry(Instruments.of(openTelemetry));
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
}
