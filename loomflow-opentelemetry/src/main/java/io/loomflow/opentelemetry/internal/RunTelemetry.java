package io.loomflow.opentelemetry.internal;

import io.loomflow.Event;
import io.loomflow.EventListener;
import io.loomflow.RunInfo;
import io.loomflow.State;
import io.loomflow.spi.RunInterceptor;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The telemetry of one engine: a span per run, started where the run is started (the engine's
 * {@link RunInterceptor#capture}), current while it executes ({@link RunInterceptor#execute}),
 * and given its events and ended from the engine's event stream; the metrics from the same events.
 *
 * <p>Every call into OpenTelemetry is guarded: what it throws is logged once per kind
 * ({@link Instruments#warnOnce}) and the run goes on.
 */
public final class RunTelemetry implements RunInterceptor, EventListener {

    static final AttributeKey<String> RUN_ID = AttributeKey.stringKey("loomflow.run.id");
    static final AttributeKey<String> RUN_KIND = AttributeKey.stringKey("loomflow.run.kind");
    static final AttributeKey<String> RUN_NAME = AttributeKey.stringKey("loomflow.run.name");
    static final AttributeKey<String> ROOT_ID = AttributeKey.stringKey("loomflow.root.id");
    static final AttributeKey<String> FLOW_NAME = AttributeKey.stringKey("loomflow.flow.name");
    static final AttributeKey<Long> MAP_INDEX = AttributeKey.longKey("loomflow.map.index");
    static final AttributeKey<Long> MAP_SIZE = AttributeKey.longKey("loomflow.map.size");
    static final AttributeKey<String> STATE = AttributeKey.stringKey("loomflow.run.state");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("loomflow.run.attempt");
    static final AttributeKey<String> LIMIT = AttributeKey.stringKey("loomflow.limit.name");
    static final AttributeKey<Long> RETRY_DELAY = AttributeKey.longKey("loomflow.retry.delay_ms");
    static final AttributeKey<String> EXCEPTION_TYPE = AttributeKey.stringKey("exception.type");
    static final AttributeKey<String> EXCEPTION_MESSAGE = AttributeKey.stringKey("exception.message");

    private final Instruments instruments;
    /** The metric attributes of each run name and kind, and of each with a final state: made once. */
    private final ConcurrentHashMap<String, Attributes> attributes = new ConcurrentHashMap<>();
    /** The runs started and not yet ended, by id. */
    private final ConcurrentHashMap<UUID, Traced> live = new ConcurrentHashMap<>();

    /**
     * Telemetry with the given instruments.
     *
     * @param instruments the tracer and metric instruments
     */
    public RunTelemetry(Instruments instruments) {
        this.instruments = instruments;
    }

    /** One run in flight: its span (invalid if none could be made), the context it makes current, and its timings. */
    private static final class Traced {
        final Span span;
        final Context context;
        final String flowName;
        final Attributes metricAttributes;
        volatile @Nullable Instant pendingSince;
        volatile @Nullable String pendingOn;
        volatile int attempt;

        Traced(Span span, Context context, String flowName, Attributes metricAttributes) {
            this.span = span;
            this.context = context;
            this.flowName = flowName;
            this.metricAttributes = metricAttributes;
        }
    }

    @Override
    public Object capture(RunInfo run) {
        Traced parent = run.parentId() == null ? null : live.get(run.parentId());
        Context parentContext = parent != null ? parent.context : Context.current();
        Traced root = run.isRoot() ? null : live.get(run.rootId());
        String flowName = root != null ? root.flowName : run.isRoot() ? run.name() : "";
        Span span = Span.getInvalid();
        try {
            span = instruments.tracer().spanBuilder(run.name())
                    .setParent(parentContext)
                    .setSpanKind(SpanKind.INTERNAL)
                    .startSpan();
            if (span.isRecording()) { // a span the sampler dropped is not given attributes it would not keep
                span.setAttribute(RUN_ID, run.id().toString())
                        .setAttribute(RUN_KIND, kind(run))
                        .setAttribute(ROOT_ID, run.rootId().toString());
                if (!flowName.isEmpty()) {
                    span.setAttribute(FLOW_NAME, flowName);
                }
                if (run.mapItem() != null) {
                    span.setAttribute(MAP_INDEX, (long) run.mapItem().index())
                            .setAttribute(MAP_SIZE, (long) run.mapItem().size());
                }
            }
        } catch (RuntimeException | Error failure) {
            instruments.warnOnce("threw when starting a span", failure);
        }
        Context context = parentContext;
        try {
            context = parentContext.with(span);
        } catch (RuntimeException | Error failure) {
            instruments.warnOnce("threw when putting a span in a context", failure);
        }
        Traced traced = new Traced(span, context, flowName, attributes.computeIfAbsent(kind(run) + ' ' + run.name(),
                key -> Attributes.of(RUN_KIND, kind(run), RUN_NAME, run.name())));
        live.put(run.id(), traced);
        return traced;
    }

    @Override
    public void execute(RunInfo info, @Nullable Object captured, Runnable run) {
        Scope scope = null;
        if (captured instanceof Traced traced) {
            try {
                scope = traced.context.makeCurrent();
            } catch (RuntimeException | Error failure) {
                instruments.warnOnce("threw when making a span current", failure);
            }
        }
        try {
            run.run();
        } finally {
            if (scope != null) {
                try {
                    scope.close();
                } catch (RuntimeException | Error failure) {
                    instruments.warnOnce("threw when closing a span's scope", failure);
                }
            }
        }
    }

    @Override
    public void onEvent(Event event) {
        if (!(event instanceof Event.StateChange change)) {
            return;
        }
        RunInfo run = change.run();
        Traced traced = change.state().isFinal() ? live.remove(run.id()) : live.get(run.id());
        if (traced == null) {
            return; // a run started before the telemetry was installed cannot happen; one without capture is not traced
        }
        try {
            switch (change.state()) {
                case State.Scheduled _ -> {
                    instruments.started().add(1, traced.metricAttributes);
                    instruments.active().add(1, traced.metricAttributes);
                }
                case State.Pending pending -> {
                    traced.pendingOn = pending.limit();
                    traced.pendingSince = change.at();
                }
                case State.Running running -> {
                    traced.attempt = running.attempt();
                    Instant since = traced.pendingSince;
                    if (since != null) {
                        traced.pendingSince = null;
                        instruments.limitWait().record(seconds(since, change.at()), traced.metricAttributes.toBuilder()
                                .put(LIMIT, traced.pendingOn).build());
                    }
                }
                case State.Retrying retrying -> retried(traced, retrying);
                default -> {
                }
            }
        } catch (RuntimeException | Error failure) {
            instruments.warnOnce("threw when recording a measurement", failure);
        }
        if (change.state().isFinal()) {
            ended(traced, run, change);
        }
    }

    private void retried(Traced traced, State.Retrying retrying) {
        try {
            traced.span.addEvent("loomflow.retry", Attributes.of(ATTEMPT, (long) retrying.failedAttempt(),
                    RETRY_DELAY, retrying.delay().toMillis(),
                    EXCEPTION_TYPE, retrying.error().getClass().getName(),
                    EXCEPTION_MESSAGE, String.valueOf(retrying.error().getMessage())));
        } catch (RuntimeException | Error failure) {
            instruments.warnOnce("threw when adding an event to a span", failure);
        }
    }

    private void ended(Traced traced, RunInfo run, Event.StateChange change) {
        State state = change.state();
        try {
            Attributes byState = attributes.computeIfAbsent(kind(run) + ' ' + run.name() + ' ' + state.label(),
                    key -> traced.metricAttributes.toBuilder().put(STATE, state.label()).build());
            instruments.active().add(-1, traced.metricAttributes);
            instruments.ended().add(1, byState);
            instruments.duration().record(seconds(run.createdAt(), change.at()), byState);
        } catch (RuntimeException | Error failure) {
            instruments.warnOnce("threw when recording a measurement", failure);
        }
        Span span = traced.span;
        try {
            span.setAttribute(STATE, state.label());
            if (traced.attempt > 0) {
                span.setAttribute(ATTEMPT, (long) traced.attempt);
            }
            switch (state) {
                case State.Failed failed -> {
                    span.recordException(failed.error());
                    span.setStatus(StatusCode.ERROR, String.valueOf(failed.error().getMessage()));
                }
                case State.Crashed crashed -> span.setStatus(StatusCode.ERROR, crashed.reason());
                default -> {
                }
            }
        } catch (RuntimeException | Error failure) {
            instruments.warnOnce("threw when setting a span's attributes", failure);
        }
        try {
            span.end();
        } catch (RuntimeException | Error failure) {
            instruments.warnOnce("threw when ending a span", failure);
        }
    }

    private static String kind(RunInfo run) {
        return run.kind() == RunInfo.Kind.FLOW ? "flow" : "task";
    }

    private static double seconds(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).toNanos()) / 1e9;
    }
}
