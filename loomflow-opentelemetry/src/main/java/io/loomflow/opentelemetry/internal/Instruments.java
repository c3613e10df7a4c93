package io.loomflow.opentelemetry.internal;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import io.opentelemetry.api.trace.Tracer;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The tracer and the metric instruments taken from one {@link OpenTelemetry}, and the log of what
 * it threw: each kind of failure is logged once.
 *
 * <p>The runs started, ended and in flight are counted in {@link RunCounts} and read by
 * asynchronous instruments when the metrics are collected; the histograms are synchronous.
 *
 * @param tracer where the runs' spans are made
 * @param counts the runs started and ended, read by the asynchronous instruments
 * @param duration run durations, in seconds
 * @param limitWait time waiting for a limit, in seconds
 * @param failures what has been logged already
 * @param source the OpenTelemetry's class name, for the log
 */
public record Instruments(Tracer tracer, RunCounts counts, DoubleHistogram duration, DoubleHistogram limitWait, Set<String> failures, String source) {

    static final String SCOPE = "io.loomflow";
    /** Buckets from milliseconds to an hour: OpenTelemetry's duration buckets, and longer ones for whole flows. */
    private static final List<Double> SECONDS = List.of(0.001, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75,
            1.0, 2.5, 5.0, 7.5, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0);
    private static final System.Logger LOG = System.getLogger("io.loomflow.opentelemetry");

    /**
     * Takes the tracer and instruments of {@code openTelemetry}; a part that throws is logged and
     * replaced by OpenTelemetry's no-op one.
     *
     * @param openTelemetry the OpenTelemetry to take them from
     * @return the instruments
     */
    public static Instruments of(OpenTelemetry openTelemetry) {
        Set<String> failures = ConcurrentHashMap.newKeySet();
        String source = openTelemetry.getClass().getName();
        OpenTelemetry noop = OpenTelemetry.noop();
        Tracer tracer = taken(failures, source, "its tracer",
                () -> openTelemetry.getTracer(SCOPE), () -> noop.getTracer(SCOPE));
        Meter meter = taken(failures, source, "its meter", () -> openTelemetry.getMeter(SCOPE), () -> noop.getMeter(SCOPE));
        Meter fallback = noop.getMeter(SCOPE);
        RunCounts counts = new RunCounts();
        observe(failures, source, "an asynchronous counter", counts::observeStarted, callback -> meter
                .counterBuilder("loomflow.runs.started").setDescription("Runs started (created and scheduled).")
                .setUnit("{run}").buildWithCallback(callback));
        observe(failures, source, "an asynchronous counter", counts::observeEnded, callback -> meter
                .counterBuilder("loomflow.runs.ended").setDescription("Runs ended, by final state.")
                .setUnit("{run}").buildWithCallback(callback));
        observe(failures, source, "an asynchronous up-down counter", counts::observeActive, callback -> meter
                .upDownCounterBuilder("loomflow.runs.active").setDescription("Runs started and not yet ended.")
                .setUnit("{run}").buildWithCallback(callback));
        return new Instruments(tracer, counts,
                taken(failures, source, "a histogram", () -> meter.histogramBuilder("loomflow.run.duration")
                        .setDescription("Time from a run's creation to its end.").setUnit("s")
                        .setExplicitBucketBoundariesAdvice(SECONDS).build(),
                        () -> fallback.histogramBuilder("loomflow.run.duration").build()),
                taken(failures, source, "a histogram", () -> meter.histogramBuilder("loomflow.run.limit.wait")
                        .setDescription("Time a run waited for a concurrency limit's permit (Pending to Running).")
                        .setUnit("s").setExplicitBucketBoundariesAdvice(SECONDS).build(),
                        () -> fallback.histogramBuilder("loomflow.run.limit.wait").build()),
                failures, source);
    }

    /**
     * Registers an asynchronous instrument whose callback {@code report}s; what registering throws,
     * or the callback throws when the metrics are collected, is logged once.
     */
    private static void observe(Set<String> failures, String source, String what,
                                Consumer<ObservableLongMeasurement> report,
                                Consumer<Consumer<ObservableLongMeasurement>> register) {
        try {
            register.accept(measurement -> {
                try {
                    report.accept(measurement);
                } catch (RuntimeException | Error failure) {
                    warn(failures, source, "threw when recording a measurement", failure);
                }
            });
        } catch (RuntimeException | Error failure) {
            warn(failures, source, "threw when asked for " + what, failure);
        }
    }

    private static <T> T taken(Set<String> failures, String source, String what, Supplier<T> get, Supplier<T> fallback) {
        try {
            T value = get.get();
            if (value != null) {
                return value;
            }
            warn(failures, source, "gave null for " + what, null);
        } catch (RuntimeException | Error failure) {
            warn(failures, source, "threw when asked for " + what, failure);
        }
        return fallback.get();
    }

    /**
     * Logs, the first time only for each {@code what}, that the OpenTelemetry failed.
     *
     * @param what what it failed to do, such as "threw when starting a span"
     * @param failure what it threw, or {@code null}
     */
    void warnOnce(String what, @Nullable Throwable failure) {
        warn(failures, source, what, failure);
    }

    private static void warn(Set<String> failures, String source, String what, @Nullable Throwable failure) {
        if (failures.add(what)) {
            LOG.log(Level.WARNING, "the OpenTelemetry " + source + " " + what + "; Loomflow's runs go on without"
                    + " that telemetry, and this is logged once; check the OpenTelemetry SDK's configuration"
                    + " (or pass OpenTelemetry.noop() to turn telemetry off)", failure);
        }
    }
}
