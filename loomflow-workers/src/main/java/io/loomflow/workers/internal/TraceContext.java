package io.loomflow.workers.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.loomflow.spi.ContextPropagator;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The context a queued run carries ({@code lf_queue.trace_context}): the headers of a
 * {@link ContextPropagator}, taken where the run is submitted and stored as one JSON object of
 * strings, and handed back where a worker starts the run. Without a propagator it stores and
 * continues nothing. What the propagator throws is logged once (per instance) and the run goes on
 * without the context: carrying a trace never fails a run.
 */
final class TraceContext {

    private static final System.Logger LOG = System.getLogger("io.loomflow.workers");
    private static final TypeReference<LinkedHashMap<String, String>> HEADERS = new TypeReference<>() {
    };

    private final @Nullable ContextPropagator propagator;
    private final String owner;
    private final Json json = new Json();
    private final AtomicBoolean warned = new AtomicBoolean();

    /**
     * @param propagator the propagator, {@code null} for none
     * @param owner who carries the context, for the log (such as "worker W")
     */
    TraceContext(@Nullable ContextPropagator propagator, String owner) {
        this.propagator = propagator;
        this.owner = owner;
    }

    /** The context current on the calling thread as stored text; {@code null} when there is none to carry. */
    @Nullable String inject() {
        if (propagator == null) {
            return null;
        }
        try {
            Map<String, String> headers = propagator.inject();
            return headers == null || headers.isEmpty() ? null : json.mapper().writeValueAsString(headers);
        } catch (JsonProcessingException | RuntimeException | Error failure) {
            warnOnce("inject()", failure);
            return null;
        }
    }

    /**
     * Calls {@code start} (once) inside the context {@code stored} carries, or plainly when there is
     * no propagator, no context or the propagator fails; what {@code start} throws is thrown.
     */
    <T> T continueIn(@Nullable String stored, Supplier<T> start) {
        if (propagator == null || stored == null) {
            return start.get();
        }
        Map<String, String> headers;
        try {
            headers = json.mapper().readValue(stored, HEADERS);
        } catch (JsonProcessingException unreadable) {
            warnOnce("reading the stored context " + abbreviated(stored), unreadable);
            return start.get();
        }
        Object[] result = new Object[1];
        RuntimeException[] thrown = new RuntimeException[1];
        AtomicBoolean started = new AtomicBoolean();
        try {
            propagator.continueIn(headers, () -> {
                if (started.compareAndSet(false, true)) {
                    try {
                        result[0] = start.get();
                    } catch (RuntimeException failed) {
                        thrown[0] = failed;
                    }
                }
                return null;
            });
        } catch (RuntimeException | Error failure) {
            warnOnce("continueIn(...)", failure);
        }
        if (!started.get()) {
            return start.get();
        }
        if (thrown[0] != null) {
            throw thrown[0];
        }
        @SuppressWarnings("unchecked")
        T value = (T) result[0];
        return value;
    }

    private void warnOnce(String what, Throwable failure) {
        if (warned.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, owner + ": the context propagator " + (propagator == null ? "" : propagator.getClass()
                    .getName()) + " failed in " + what + "; the runs go on without the carried context, and further"
                    + " errors of it are not logged", failure);
        }
    }

    private static String abbreviated(String text) {
        return text.length() <= 100 ? text : text.substring(0, 100) + "...";
    }
}
