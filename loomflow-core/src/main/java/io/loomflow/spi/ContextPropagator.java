package io.loomflow.spi;

import java.util.Map;
import java.util.function.Supplier;

/**
 * Carries context a library keeps per thread (a trace) from where a run is submitted to the process
 * that executes it, as text headers: a queue of runs asks for the headers on the submitting thread,
 * stores them with the run, and hands them back where the run starts, so that the run continues the
 * submitter's trace there.
 *
 * <p>{@code loomflow-workers} takes one ({@code WorkQueue.builder().propagator(...)},
 * {@code Worker.builder().propagator(...)}); {@code loomflow-opentelemetry}'s
 * {@code LoomflowTelemetry} is one, with the {@code OpenTelemetry}'s text map propagator (W3C
 * {@code traceparent} and {@code tracestate} by default). It works with a {@link RunInterceptor}
 * that takes the context current where a root run is started as the run's parent: the worker starts
 * the run inside {@link #continueIn}.
 *
 * <p><b>Failures.</b> Implementations must not throw: a context that cannot be written gives no
 * headers, and headers that cannot be read start the run as if none were carried.
 *
 * <p><b>Thread-safety.</b> Implementations must be thread-safe.
 */
public interface ContextPropagator {

    /**
     * The context current on the calling thread, as text headers to carry with a run submitted
     * from it.
     *
     * @return header names and values, empty when there is nothing to carry; never {@code null}
     */
    Map<String, String> inject();

    /**
     * Calls {@code start} with the context that {@code headers} carry made current on the calling
     * thread, and undoes that before returning: a root run started inside it (and so captured
     * there by the engine's run interceptor) is a child of the carried context.
     *
     * @param headers what {@link #inject()} returned where the run was submitted; may be empty
     * @param start starts the run, on the calling thread
     * @param <T> what {@code start} returns
     * @return what {@code start} returned
     */
    <T> T continueIn(Map<String, String> headers, Supplier<T> start);
}
