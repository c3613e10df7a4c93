package io.loomflow.benchmarks;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.RunInfo;
import io.loomflow.spi.RunInterceptor;
import io.loomflow.opentelemetry.LoomflowTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Harness: the latency of one {@code task.call(x)} inside a running flow with tracing off, and
 * with {@code loomflow-opentelemetry} installed on an OpenTelemetry SDK that samples nothing, and
 * one that samples every span (recorded, handed to a batch span processor whose exporter drops
 * them), each with the SDK's metrics on, measured in the same JVM and interleaved round by round.
 *
 * <p>The SDKs have a span processor: an SDK tracer provider without one hands out OpenTelemetry's
 * no-op tracer, which would measure nothing of the SDK's sampling.
 *
 * <p>Each engine runs the same flow, whose body (on the engine's virtual thread) times
 * {@code increment.call(i)}, a task {@code x -> x + 1}, with {@link System#nanoTime()}. Rounds
 * run the three engines in turn, so that JIT, GC and carrier-thread drift hit them alike; the first
 * {@code warmupRounds} rounds are discarded. Prints per-round medians, then pooled order
 * statistics and the overhead of each against tracing off (target with nothing sampled: under 10%).
 *
 * <p>Arguments, all optional: {@code [opsPerRound=50000] [rounds=20] [warmupRounds=5]}.
 */
public final class TracingOverhead {

    /** The flow of {@link CallLatency}: it times {@code samples.length} calls of {@code increment}. */
    private static final Flow<long[], Long> CALLS = CallLatency.CALLS;

    private TracingOverhead() {
    }

    public static void main(String[] args) {
        int opsPerRound = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int warmupRounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;

        Benchmarks.printEnvironment("TracingOverhead");
        System.out.printf(Locale.ROOT, "ops per round %,d, rounds %d (first %d discarded as warm-up)%n%n",
                opsPerRound, rounds, warmupRounds);

        List<String> names = List.of("tracing off", "traced, sampler samples nothing", "traced, sampler samples all",
                "a listener that does nothing", "OpenTelemetry.noop()", "sampler samples nothing, no metrics",
                "a run interceptor that does nothing");
        List<Samples> samples = new ArrayList<>();
        for (String name : names) {
            samples.add(new Samples(name, opsPerRound * rounds));
        }
        try (OpenTelemetrySdk none = sdk(Sampler.alwaysOff());
             OpenTelemetrySdk all = sdk(Sampler.alwaysOn());
             Engine off = Engine.builder().name("off").build();
             Engine sampledNone = LoomflowTelemetry.create(none).install(Engine.builder().name("none")).build();
             Engine sampledAll = LoomflowTelemetry.create(all).install(Engine.builder().name("all")).build();
             OpenTelemetrySdk tracesOnly = OpenTelemetrySdk.builder()
                     .setTracerProvider(tracerProvider(Sampler.alwaysOff())).build();
             Engine listener = Engine.builder().name("listener").listener(event -> { }).build();
             Engine noop = LoomflowTelemetry.create(OpenTelemetry.noop()).install(Engine.builder().name("noop")).build();
             Engine noMetrics = LoomflowTelemetry.create(tracesOnly).install(Engine.builder().name("nometrics")).build();
             Engine interceptor = Engine.builder().name("interceptor").runInterceptor(new RunInterceptor() {
                 @Override
                 public Object capture(RunInfo run) {
                     return null;
                 }

                 @Override
                 public void execute(RunInfo info, Object captured, Runnable run) {
                     run.run();
                 }
             }).build()) {
            List<Engine> engines = List.of(off, sampledNone, sampledAll, listener, noop, noMetrics, interceptor);
            for (int round = 0; round < rounds; round++) {
                boolean warmup = round < warmupRounds;
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "round %2d%s", round + 1,
                        warmup ? " (warm-up)" : "          "));
                for (int e = 0; e < engines.size(); e++) {
                    long[] callRound = new long[opsPerRound];
                    engines.get(e).run(CALLS, callRound);
                    line.append("  ").append(engines.get(e).name()).append(' ')
                            .append(Samples.micros(Samples.median(callRound)));
                    if (!warmup) {
                        samples.get(e).addAll(callRound);
                    }
                }
                System.out.println(line);
            }
        }
        System.out.println();
        for (Samples s : samples) {
            System.out.println(s.summary());
        }
        double base = samples.get(0).median();
        double overheadNone = samples.get(1).median() / base - 1;
        double overheadAll = samples.get(2).median() / base - 1;
        System.out.printf(Locale.ROOT, "%nRESULT median task call: off %s, sampled none %s (%+.1f%%, target < +10%%: %s),"
                        + " sampled all %s (%+.1f%%)%n",
                Samples.micros(base), Samples.micros(samples.get(1).median()), 100 * overheadNone,
                overheadNone < 0.10 ? "MET" : "MISSED", Samples.micros(samples.get(2).median()), 100 * overheadAll);
    }

    /**
     * A tracer provider with the given sampler whose sampled spans go to a batch span processor
     * (the usual one; its queue holds a round's spans, exported every 100 ms) whose exporter drops
     * them.
     */
    private static SdkTracerProvider tracerProvider(Sampler sampler) {
        SpanExporter discard = new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode flush() {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode shutdown() {
                return CompletableResultCode.ofSuccess();
            }
        };
        return SdkTracerProvider.builder().setSampler(sampler)
                .addSpanProcessor(BatchSpanProcessor.builder(discard).setMaxQueueSize(1 << 17)
                        .setScheduleDelay(Duration.ofMillis(100)).build()).build(); // a round's spans fit: none is dropped
    }

    /** An SDK with the given sampler and a span exporter that drops the spans, and its metrics read once a minute into nowhere. */
    private static OpenTelemetrySdk sdk(Sampler sampler) {
        MetricExporter discard = new MetricExporter() {
            @Override
            public CompletableResultCode export(Collection<MetricData> metrics) {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode flush() {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode shutdown() {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public AggregationTemporality getAggregationTemporality(InstrumentType type) {
                return AggregationTemporality.CUMULATIVE;
            }
        };
        return OpenTelemetrySdk.builder()
                .setTracerProvider(tracerProvider(sampler))
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(
                        PeriodicMetricReader.builder(discard).setInterval(Duration.ofMinutes(1)).build()).build())
                .build();
    }
}
