package io.loomflow.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.Retry;
import io.loomflow.Task;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Spans and metrics of runs, read back from the OpenTelemetry SDK's in-memory exporters. */
class LoomflowTelemetryTest {

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
            .build();
    private final Tracer userTracer = sdk.getTracer("user-code");

    @AfterEach
    void closeSdk() {
        sdk.close();
    }

    private Engine engine() {
        return LoomflowTelemetry.create(sdk).install(Engine.builder().name("otel-test")).build();
    }

    private Map<String, SpanData> byName() {
        return spans.getFinishedSpanItems().stream().collect(Collectors.toMap(SpanData::getName, Function.identity(),
                (a, b) -> {
                    throw new AssertionError("two spans named " + a.getName());
                }));
    }

    private static String attribute(SpanData span, String key) {
        return span.getAttributes().get(AttributeKey.stringKey(key));
    }

    @Test
    void aFlowsTasksSubflowsAndMapItemsNestAsTheRunsDo() {
        Task<String, String> upper = Task.named("upper", (String s) -> s.toUpperCase());
        Task<Integer, Integer> square = Task.named("square", (Integer i) -> i * i);
        Flow<String, String> inner = Flow.named("inner", (String s) -> upper.call(s) + "!");
        Flow<String, String> outer = Flow.named("outer", (String s) -> {
            String a = inner.call(s);
            List<Integer> squares = square.map(List.of(1, 2, 3)).join();
            return a + squares;
        });
        try (Engine engine = engine()) {
            assertThat(engine.run(outer, "hi")).isEqualTo("HI![1, 4, 9]");
        }
        List<SpanData> all = spans.getFinishedSpanItems();
        assertThat(all).hasSize(6);
        SpanData root = all.stream().filter(s -> s.getName().equals("outer")).findFirst().orElseThrow();
        SpanData innerSpan = all.stream().filter(s -> s.getName().equals("inner")).findFirst().orElseThrow();
        SpanData upperSpan = all.stream().filter(s -> s.getName().equals("upper")).findFirst().orElseThrow();
        List<SpanData> items = all.stream().filter(s -> s.getName().equals("square")).toList();

        assertThat(root.getParentSpanContext().isValid()).isFalse();
        assertThat(all).allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(root.getTraceId()));
        assertThat(innerSpan.getParentSpanId()).isEqualTo(root.getSpanId());
        assertThat(upperSpan.getParentSpanId()).isEqualTo(innerSpan.getSpanId());
        assertThat(items).hasSize(3).allSatisfy(item -> {
            assertThat(item.getParentSpanId()).isEqualTo(root.getSpanId());
            assertThat(item.getAttributes().get(AttributeKey.longKey("loomflow.map.size"))).isEqualTo(3L);
        });
        assertThat(items).extracting(s -> s.getAttributes().get(AttributeKey.longKey("loomflow.map.index")))
                .containsExactlyInAnyOrder(0L, 1L, 2L);

        assertThat(attribute(root, "loomflow.run.kind")).isEqualTo("flow");
        assertThat(attribute(upperSpan, "loomflow.run.kind")).isEqualTo("task");
        assertThat(attribute(upperSpan, "loomflow.flow.name")).isEqualTo("outer");
        assertThat(attribute(upperSpan, "loomflow.root.id")).isEqualTo(attribute(root, "loomflow.run.id"));
        assertThat(attribute(upperSpan, "loomflow.run.id")).isNotEqualTo(attribute(root, "loomflow.run.id"));
        assertThat(all).allSatisfy(s -> {
            assertThat(attribute(s, "loomflow.run.state")).isEqualTo("Completed");
            assertThat(s.getAttributes().get(AttributeKey.longKey("loomflow.run.attempt"))).isEqualTo(1L);
            assertThat(s.getKind()).isEqualTo(io.opentelemetry.api.trace.SpanKind.INTERNAL);
        });
    }

    @Test
    void aRootRunStartedInsideASpanContinuesItsTrace() throws Exception {
        Flow<String, String> flow = Flow.named("handler", (String s) -> s);
        Span request = userTracer.spanBuilder("request").startSpan();
        try (Engine engine = engine()) {
            try (Scope ignored = request.makeCurrent()) {
                engine.run(flow, "sync");
                engine.runAsync(flow, "async").get(10, TimeUnit.SECONDS);
            }
            engine.run(flow, "outside");
        } finally {
            request.end();
        }
        List<SpanData> handlers = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals("handler")).toList();
        assertThat(handlers).hasSize(3);
        assertThat(handlers).filteredOn(s -> s.getParentSpanContext().isValid()).hasSize(2).allSatisfy(s -> {
            assertThat(s.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
            assertThat(s.getTraceId()).isEqualTo(request.getSpanContext().getTraceId());
        });
        assertThat(handlers).filteredOn(s -> !s.getParentSpanContext().isValid()).hasSize(1)
                .allSatisfy(s -> assertThat(s.getTraceId()).isNotEqualTo(request.getSpanContext().getTraceId()));
    }

    @Test
    void spansMadeByTheRunsCodeAreChildrenOfTheRunsSpanAndNothingLeaks() {
        List<SpanContext> currentInTasks = new CopyOnWriteArrayList<>();
        Task<Integer, Integer> call = Task.named("call", (Integer i) -> {
            currentInTasks.add(Span.current().getSpanContext());
            Span http = userTracer.spanBuilder("http-" + i).startSpan(); // what an instrumented client does
            http.end();
            return i;
        }).withLimit("one", 1); // one map worker thread runs every item in turn: a leaked scope would show
        Flow<Integer, List<Integer>> flow = Flow.named("calls", (Integer n) -> {
            List<Integer> inputs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                inputs.add(i);
            }
            return call.map(inputs).join();
        });
        try (Engine engine = engine()) {
            assertThat(engine.run(flow, 4)).containsExactly(0, 1, 2, 3);
        }
        assertThat(Context.current()).isSameAs(Context.root());
        Map<String, SpanData> byId = spans.getFinishedSpanItems().stream()
                .collect(Collectors.toMap(SpanData::getSpanId, Function.identity()));
        List<SpanData> https = spans.getFinishedSpanItems().stream().filter(s -> s.getName().startsWith("http-")).toList();
        assertThat(https).hasSize(4).allSatisfy(http -> {
            SpanData parent = byId.get(http.getParentSpanId());
            assertThat(parent.getName()).isEqualTo("call");
            long index = parent.getAttributes().get(AttributeKey.longKey("loomflow.map.index"));
            assertThat(http.getName()).isEqualTo("http-" + index);
        });
        assertThat(currentInTasks).hasSize(4).doesNotHaveDuplicates()
                .allSatisfy(c -> assertThat(byId.get(c.getSpanId()).getName()).isEqualTo("call"));
    }

    @Test
    void retriesAreEventsOfTheRunsSpan() {
        AtomicInteger attempts = new AtomicInteger();
        Task<String, String> flaky = Task.named("flaky", (String s) -> {
            if (attempts.incrementAndGet() < 3) {
                throw new IllegalStateException("transient " + attempts.get());
            }
            return s;
        }).withRetries(Retry.fixed(5, Duration.ofMillis(1)));
        try (Engine engine = engine()) {
            assertThat(engine.run(flaky, "ok")).isEqualTo("ok");
        }
        SpanData span = byName().get("flaky");
        List<EventData> events = span.getEvents();
        assertThat(events).extracting(EventData::getName).containsExactly("loomflow.retry", "loomflow.retry");
        assertThat(events).extracting(e -> e.getAttributes().get(AttributeKey.longKey("loomflow.run.attempt")))
                .containsExactly(1L, 2L);
        assertThat(events).extracting(e -> e.getAttributes().get(AttributeKey.stringKey("exception.message")))
                .containsExactly("transient 1", "transient 2");
        assertThat(span.getAttributes().get(AttributeKey.longKey("loomflow.run.attempt"))).isEqualTo(3L);
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    }

    @Test
    void aFailureIsTheSpansErrorStatusWithTheExceptionRecorded() {
        Task<String, String> broken = Task.named("broken", (String s) -> {
            throw new IllegalArgumentException("bad row 7");
        });
        Flow<String, String> flow = Flow.named("load", (String s) -> broken.call(s));
        try (Engine engine = engine()) {
            assertThatThrownBy(() -> engine.run(flow, "x")).hasMessage("bad row 7");
        }
        Map<String, SpanData> byName = byName();
        for (String name : List.of("broken", "load")) {
            SpanData span = byName.get(name);
            assertThat(span.getStatus().getStatusCode()).as(name).isEqualTo(StatusCode.ERROR);
            assertThat(span.getStatus().getDescription()).isEqualTo("bad row 7");
            assertThat(attribute(span, "loomflow.run.state")).isEqualTo("Failed");
            assertThat(span.getEvents()).extracting(EventData::getName).containsExactly("exception");
            assertThat(span.getEvents().getFirst().getAttributes().get(AttributeKey.stringKey("exception.type")))
                    .isEqualTo(IllegalArgumentException.class.getName());
        }
    }

    @Test
    void metricsCountRunsByStateTimeThemAndTheirWaitForALimit() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Task<Integer, Integer> slow = Task.named("slow", (Integer i) -> {
            release.await();
            return i;
        }).withLimit("single", 1);
        Task<Integer, Integer> fails = Task.named("fails", (Integer i) -> {
            throw new IllegalStateException("no");
        });
        try (Engine engine = engine()) {
            var first = engine.runAsync(Flow.named("first", (Integer i) -> slow.call(i)), 1);
            var second = engine.runAsync(Flow.named("second", (Integer i) -> slow.call(i)), 2);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sum("loomflow.runs.active") == 4);
            Thread.sleep(50); // the second "slow" waits for the limit at least this long
            release.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS) + second.get(10, TimeUnit.SECONDS)).isEqualTo(3);
            assertThatThrownBy(() -> engine.run(fails, 0)).hasMessage("no");
        }
        Collection<MetricData> data = metrics.collectAllMetrics();
        assertThat(longSum(data, "loomflow.runs.started", Map.of())).isEqualTo(5);
        assertThat(longSum(data, "loomflow.runs.ended", Map.of("loomflow.run.state", "Completed"))).isEqualTo(4);
        assertThat(longSum(data, "loomflow.runs.ended", Map.of("loomflow.run.state", "Failed",
                "loomflow.run.name", "fails", "loomflow.run.kind", "task"))).isEqualTo(1);
        assertThat(longSum(data, "loomflow.runs.active", Map.of())).isZero();
        MetricData duration = metric(data, "loomflow.run.duration");
        assertThat(duration.getUnit()).isEqualTo("s");
        assertThat(duration.getHistogramData().getPoints().iterator().next().getBoundaries()).startsWith(0.001, 0.005);
        assertThat(duration.getHistogramData().getPoints().stream().mapToLong(p -> p.getCount()).sum()).isEqualTo(5);
        MetricData wait = metric(data, "loomflow.run.limit.wait");
        assertThat(wait.getHistogramData().getPoints()).singleElement().satisfies(p -> {
            assertThat(p.getCount()).isEqualTo(1);
            assertThat(p.getSum()).isGreaterThanOrEqualTo(0.05);
            assertThat(p.getAttributes().get(AttributeKey.stringKey("loomflow.limit.name"))).isEqualTo("single");
        });
    }

    private long sum(String name) {
        return longSum(metrics.collectAllMetrics(), name, Map.of());
    }

    private static MetricData metric(Collection<MetricData> data, String name) {
        return data.stream().filter(m -> m.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no metric " + name + " in " + data));
    }

    private static long longSum(Collection<MetricData> data, String name, Map<String, String> where) {
        return metric(data, name).getLongSumData().getPoints().stream()
                .filter(p -> where.entrySet().stream().allMatch(
                        e -> e.getValue().equals(p.getAttributes().get(AttributeKey.stringKey(e.getKey())))))
                .mapToLong(p -> p.getValue()).sum();
    }

    @Test
    void aRunTheSamplerDropsIsMeasuredAndItsTraceStillReachesItsCode() {
        InMemorySpanExporter dropped = InMemorySpanExporter.create();
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        List<SpanContext> currentInTasks = new CopyOnWriteArrayList<>();
        Task<Integer, Integer> call = Task.named("call", (Integer i) -> {
            currentInTasks.add(Span.current().getSpanContext());
            return i;
        });
        Flow<Integer, Integer> inner = Flow.named("inner", (Integer i) -> call.call(i));
        Flow<Integer, Integer> flow = Flow.named("calls", (Integer n) -> {
            currentInTasks.add(Span.current().getSpanContext());
            int sum = inner.call(0);
            for (int i = 1; i < n; i++) {
                sum += call.call(i);
            }
            return sum + call.map(List.of(10, 20)).join().stream().mapToInt(Integer::intValue).sum();
        });
        try (OpenTelemetrySdk dropping = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().setSampler(io.opentelemetry.sdk.trace.samplers.Sampler
                        .parentBased(io.opentelemetry.sdk.trace.samplers.Sampler.alwaysOff()))
                        .addSpanProcessor(SimpleSpanProcessor.create(dropped)).build())
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build()).build();
             Engine engine = LoomflowTelemetry.create(dropping).install(Engine.builder()).build()) {
            assertThat(engine.run(flow, 4)).isEqualTo(36);
            assertThat(Context.current()).isSameAs(Context.root());
            Collection<MetricData> data = reader.collectAllMetrics();
            assertThat(longSum(data, "loomflow.runs.started", Map.of("loomflow.run.name", "call"))).isEqualTo(6);
            assertThat(longSum(data, "loomflow.runs.ended", Map.of("loomflow.run.name", "call",
                    "loomflow.run.state", "Completed"))).isEqualTo(6);
            assertThat(longSum(data, "loomflow.runs.active", Map.of())).isZero();
            assertThat(metric(data, "loomflow.run.duration").getHistogramData().getPoints().stream()
                    .mapToLong(p -> p.getCount()).sum()).isEqualTo(8);
        }
        assertThat(dropped.getFinishedSpanItems()).isEmpty();
        // the flow's (dropped) trace is current in its code and in every task's, items of a map and a subflow's task included
        assertThat(currentInTasks).hasSize(7).allSatisfy(c -> {
            assertThat(c.isValid()).isTrue();
            assertThat(c.isSampled()).isFalse();
            assertThat(c.getTraceId()).isEqualTo(currentInTasks.getFirst().getTraceId());
        });
    }

    @Test
    void theTelemetryNestsWithTheEnginesOtherInterceptorsInTheOrderAdded() {
        List<String> seen = new CopyOnWriteArrayList<>();
        Task<String, String> task = Task.named("task", (String s) -> s);
        for (boolean telemetryFirst : List.of(true, false)) {
            seen.clear();
            io.loomflow.spi.RunInterceptor looks = new io.loomflow.spi.RunInterceptor() {
                @Override
                public Object capture(io.loomflow.RunInfo run) {
                    return run.name();
                }

                @Override
                public void execute(io.loomflow.RunInfo info, Object captured, Runnable run) {
                    seen.add(captured + " sees " + (Span.current().getSpanContext().isValid() ? "a span" : "no span"));
                    run.run();
                }
            };
            Engine.Builder builder = Engine.builder();
            if (telemetryFirst) {
                LoomflowTelemetry.create(sdk).install(builder).runInterceptor(looks);
            } else {
                LoomflowTelemetry.create(sdk).install(builder.runInterceptor(looks));
            }
            try (Engine engine = builder.build()) {
                assertThat(engine.run(task, "x")).isEqualTo("x");
            }
            assertThat(seen).containsExactly(telemetryFirst ? "task sees a span" : "task sees no span");
        }
        assertThat(spans.getFinishedSpanItems()).extracting(SpanData::getName).containsExactly("task", "task");
    }

    @Test
    void anOpenTelemetryThatThrowsNeverFailsARunAndSaysSoOnce() {
        List<LogRecord> warnings = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                warnings.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger("io.loomflow.opentelemetry");
        logger.addHandler(handler);
        logger.setUseParentHandlers(false); // the warnings are expected here: kept off the console
        IllegalStateException broken = new IllegalStateException("exporter misconfigured");
        Tracer throwingTracer = name -> {
            throw broken;
        };
        OpenTelemetry throwsWhenUsed = new OpenTelemetry() {
            @Override
            public TracerProvider getTracerProvider() {
                return new TracerProvider() {
                    @Override
                    public Tracer get(String scope) {
                        return throwingTracer;
                    }

                    @Override
                    public Tracer get(String scope, String version) {
                        return throwingTracer;
                    }
                };
            }

            @Override
            public ContextPropagators getPropagators() {
                return ContextPropagators.noop();
            }
        };
        OpenTelemetry throwsWhenAsked = new OpenTelemetry() {
            @Override
            public TracerProvider getTracerProvider() {
                throw broken;
            }

            @Override
            public MeterProvider getMeterProvider() {
                throw broken;
            }

            @Override
            public ContextPropagators getPropagators() {
                return ContextPropagators.noop();
            }
        };
        Task<Integer, Integer> twice = Task.named("twice", (Integer i) -> 2 * i);
        Flow<Integer, Integer> flow = Flow.named("sum", (Integer n) -> {
            List<Integer> inputs = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                inputs.add(i);
            }
            return twice.map(inputs).join().stream().mapToInt(Integer::intValue).sum();
        });
        try {
            for (OpenTelemetry otel : List.of(throwsWhenUsed, throwsWhenAsked)) {
                warnings.clear();
                try (Engine engine = LoomflowTelemetry.create(otel).install(Engine.builder()).build()) {
                    long start = System.nanoTime();
                    assertThat(engine.run(flow, 100)).isEqualTo(10_100);
                    assertThat(engine.run(flow, 10)).isEqualTo(110);
                    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
                }
                assertThat(warnings).isNotEmpty().allSatisfy(w -> {
                    assertThat(w.getMessage()).contains("the OpenTelemetry " + otel.getClass().getName())
                            .contains("runs go on without that telemetry");
                    assertThat(w.getThrown()).isSameAs(broken);
                });
                assertThat(warnings).extracting(LogRecord::getMessage).doesNotHaveDuplicates();
            }
        } finally {
            logger.removeHandler(handler);
            logger.setUseParentHandlers(true);
        }
    }
}
