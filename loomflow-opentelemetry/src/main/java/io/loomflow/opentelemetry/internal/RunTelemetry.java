package io.loomflow.opentelemetry.internal;

import io.loomflow.RunInfo;
import io.loomflow.State;
import io.loomflow.TimeSource;
import io.loomflow.spi.RunInterceptor;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The telemetry of one engine, as its {@link RunInterceptor}: a span per run, started where the
 * run is started ({@link #capture}, {@link #captureChild}, under its parent run's span), current
 * while it executes ({@link #execute}), and given its events and ended from the run's state changes
 * ({@link #onStateChange}), which the engine hands over with the run's {@link Traced} state: no
 * event listener, no map of the runs in flight. The runs started and ended are counted in
 * {@link RunCounts} (read when the metrics are collected); the histograms are recorded once per run
 * (its duration) and once per wait for a limit.
 *
 * <p>Cheap when the sampler drops a span: such a span is started (the sampler must see it) and made
 * current (its trace context reaches the code the run calls), and nothing else is done with it.
 *
 * <p>Every call into OpenTelemetry is guarded: what it throws is logged once per kind
 * ({@link Instruments#warnOnce}) and the run goes on.
 */
public final class RunTelemetry implements RunInterceptor {

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

    /**
     * Telemetry with the given instruments.
     *
     * @param instruments the tracer and metric instruments
     */
    public RunTelemetry(Instruments instruments) {
        this.instruments = instruments;
    }

    /**
     * One run in flight: its span (invalid if none could be made), the context it makes current, and
     * its timings. The timings are read and written by {@link #onStateChange} only, which the engine
     * calls under the run's lock, one state change at a time.
     */
    private static final class Traced {
        final Span span;
        /** Whether the sampler kept the span: only then is anything but starting it and making it current done. */
        final boolean recording;
        final Context context;
        final String flowName;
        /** The root run's id as text, made once per tree for the spans' attributes; null if this span is not recording. */
        final @Nullable String rootId;
        final RunCounts.ByName counts;
        @Nullable Instant pendingSince;
        @Nullable String pendingOn;
        int attempt;
        /**
         * The counts of the last child started under this run: a flow calls the same task again and
         * again. Read and written by the threads that start its children, racily: the counts are
         * immutable in what is compared, so a stale one only means a lookup.
         */
        private RunCounts.@Nullable ByName lastChildCounts;

        Traced(Span span, boolean recording, Context context, String flowName, @Nullable String rootId,
               RunCounts.ByName counts) {
            this.span = span;
            this.recording = recording;
            this.context = context;
            this.flowName = flowName;
            this.rootId = rootId;
            this.counts = counts;
        }

        RunCounts.ByName countsOfChild(RunInfo child, RunCounts all) {
            RunCounts.ByName last = lastChildCounts;
            if (last != null && last.isOf(child)) {
                return last;
            }
            RunCounts.ByName counts = all.of(child);
            lastChildCounts = counts;
            return counts;
        }
    }

    @Override
    public Object capture(RunInfo run) {
        return traced(run, Context.current(), run.name()); // a root run: its flow is itself
    }

    @Override
    public Object captureChild(RunInfo run, @Nullable Object parentCaptured) {
        if (parentCaptured instanceof Traced parent) {
            return traced(run, parent, parent.context, parent.flowName);
        }
        return traced(run, null, Context.current(), ""); // the parent's capture failed
    }

    private Traced traced(RunInfo run, Context parentContext, String flowName) {
        return traced(run, null, parentContext, flowName);
    }

    /**
     * Starts the run's span under {@code parentContext}, the context of the parent run's span if
     * it has one ({@code parent}).
     */
    private Traced traced(RunInfo run, @Nullable Traced parent, Context parentContext, String flowName) {
        Span span = Span.getInvalid();
        boolean recording = false;
        String rootId = null;
        try {
            span = instruments.tracer().spanBuilder(run.name())
                    .setParent(parentContext)
                    .setSpanKind(SpanKind.INTERNAL)
                    .startSpan();
            recording = span.isRecording();
            if (recording) { // a span the sampler dropped is not given attributes it would not keep
                String id = run.id().toString();
                rootId = parent == null ? run.isRoot() ? id : run.rootId().toString()
                        : parent.rootId != null ? parent.rootId : run.rootId().toString();
                span.setAttribute(RUN_ID, id)
                        .setAttribute(RUN_KIND, kind(run))
                        .setAttribute(ROOT_ID, rootId);
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
        RunCounts.ByName counts = parent != null ? parent.countsOfChild(run, instruments.counts())
                : instruments.counts().of(run);
        if (!recording && parent != null && !parent.recording && parent.span.getSpanContext().isValid()) {
            // Dropped, under a dropped span of the same trace: its context is its parent's (same trace, not
            // sampled), and nothing is made for it.
            return new Traced(span, false, parentContext, flowName, null, counts);
        }
        Context context = parentContext;
        try {
            context = parentContext.with(span);
        } catch (RuntimeException | Error failure) {
            instruments.warnOnce("threw when putting a span in a context", failure);
        }
        return new Traced(span, recording, context, flowName, rootId, counts);
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
    public void onStateChange(RunInfo run, @Nullable Object captured, State state, TimeSource clock) {
        if (!(captured instanceof Traced traced)) {
            return; // its capture failed: not traced
        }
        // instanceof, not a switch over the sealed type: this runs on every state change of every run
        if (state instanceof State.Scheduled) {
            traced.counts.started();
        } else if (state instanceof State.Running running) {
            traced.attempt = running.attempt();
            Instant since = traced.pendingSince;
            if (since != null) {
                traced.pendingSince = null;
                try {
                    instruments.limitWait().record(seconds(since, clock.now()), traced.counts.limit(traced.pendingOn));
                } catch (RuntimeException | Error failure) {
                    instruments.warnOnce("threw when recording a measurement", failure);
                }
            }
        } else if (state instanceof State.Pending pending) {
            traced.pendingOn = pending.limit();
            traced.pendingSince = clock.now();
        } else if (state instanceof State.Retrying retrying) {
            if (traced.recording) {
                retried(traced, retrying);
            }
        } else {
            ended(traced, run, state, clock);
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

    /** The run reached its final {@code state}: counts it, records its duration, and ends its span. */
    private void ended(Traced traced, RunInfo run, State state, TimeSource clock) {
        Attributes byState = traced.counts.ended(state.kind());
        try {
            instruments.duration().record(seconds(run.createdAt(), clock.now()), byState);
        } catch (RuntimeException | Error failure) {
            instruments.warnOnce("threw when recording a measurement", failure);
        }
        if (!traced.recording) {
            return; // a dropped span: ending it would do nothing
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

    /** The seconds from {@code from} to {@code to}, at least 0; no {@link java.time.Duration} is made. */
    private static double seconds(Instant from, Instant to) {
        double seconds = (to.getEpochSecond() - from.getEpochSecond()) + (to.getNano() - from.getNano()) / 1e9;
        return Math.max(0, seconds);
    }
}
