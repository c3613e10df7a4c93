package io.loomflow.opentelemetry.internal;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The trace context of runs queued for workers, as text headers: written with the
 * {@link OpenTelemetry}'s text map propagator (W3C {@code traceparent} and {@code tracestate} by
 * default) where a run is submitted, and read back and made current where a worker starts it, so
 * that the run's span (captured with the current context as its parent) continues the trace.
 *
 * <p>Every call into OpenTelemetry is guarded: what it throws is logged once per kind
 * ({@link Instruments#warnOnce}) and the run goes on without the context.
 */
public final class Propagation {

    private static final TextMapSetter<Map<String, String>> SETTER = (carrier, key, value) -> {
        if (carrier != null) {
            carrier.put(key, value);
        }
    };
    private static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public @Nullable String get(@Nullable Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private final TextMapPropagator propagator;
    private final Instruments instruments;

    private Propagation(TextMapPropagator propagator, Instruments instruments) {
        this.propagator = propagator;
        this.instruments = instruments;
    }

    /**
     * The propagation of an {@link OpenTelemetry}: its text map propagator, or none (nothing carried)
     * if asking for it throws, which is logged.
     *
     * @param openTelemetry where the propagator comes from
     * @param instruments where failures are logged
     * @return the propagation
     */
    public static Propagation of(OpenTelemetry openTelemetry, Instruments instruments) {
        TextMapPropagator propagator = TextMapPropagator.noop();
        try {
            TextMapPropagator given = openTelemetry.getPropagators().getTextMapPropagator();
            if (given != null) {
                propagator = given;
            }
        } catch (RuntimeException | Error failure) {
            instruments.warnOnce("threw when asked for its propagators", failure);
        }
        return new Propagation(propagator, instruments);
    }

    /**
     * The context current on the calling thread as text headers.
     *
     * @return the headers; empty when there is no context or the propagator failed
     */
    public Map<String, String> inject() {
        Map<String, String> headers = new LinkedHashMap<>();
        try {
            propagator.inject(Context.current(), headers, SETTER);
        } catch (RuntimeException | Error failure) {
            instruments.warnOnce("threw when writing a context as headers", failure);
            return Map.of();
        }
        return headers;
    }

    /**
     * Calls {@code start} with the context the headers carry current, and undoes that before
     * returning; calls it plainly if the headers cannot be read.
     *
     * @param headers what {@link #inject()} gave where the run was submitted
     * @param start starts the run
     * @param <T> what it returns
     * @return what {@code start} returned
     */
    public <T> T continueIn(Map<String, String> headers, Supplier<T> start) {
        if (headers.isEmpty()) {
            return start.get();
        }
        Scope scope;
        try {
            scope = propagator.extract(Context.current(), headers, GETTER).makeCurrent();
        } catch (RuntimeException | Error failure) {
            instruments.warnOnce("threw when reading a context from headers", failure);
            return start.get();
        }
        try {
            return start.get();
        } finally {
            try {
                scope.close();
            } catch (RuntimeException | Error failure) {
                instruments.warnOnce("threw when closing a context's scope", failure);
            }
        }
    }
}
