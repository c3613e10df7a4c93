package io.loomflow.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Flow;
import io.loomflow.Task;
import io.loomflow.store.contract.Postgres;
import io.loomflow.workers.QueuedRun;
import io.loomflow.workers.Submission;
import io.loomflow.workers.WorkQueue;
import io.loomflow.workers.Worker;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Trace context crossing to workers, on real PostgreSQL with an in-process worker: a run submitted
 * inside a span continues that trace where the worker executes it, and so do the items of a
 * distributed map, read back from the SDK's in-memory exporter.
 */
class WorkerTracingTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    private static final AttributeKey<String> KIND = AttributeKey.stringKey("loomflow.run.kind");
    private static final AttributeKey<Long> MAP_INDEX = AttributeKey.longKey("loomflow.map.index");

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    private final Tracer userTracer = sdk.getTracer("user-code");
    private final LoomflowTelemetry telemetry = LoomflowTelemetry.create(sdk);
    private final List<AutoCloseable> open = new ArrayList<>();

    private final Task<String, String> greet = Task.named("greet", (String name) -> "hello " + name);
    private final Flow<String, String> hello = Flow.named("hello", (String name) -> greet.call(name) + "!");
    private final Task<Integer, Integer> square = Task.named("square", (Integer i) -> i * i).withQueue("items");
    private final Flow<Integer, Integer> sumOfSquares = Flow.named("sum-of-squares", Integer.class,
            count -> square.map(java.util.stream.IntStream.range(0, count).boxed().toList()).join().stream()
                    .mapToInt(Integer::intValue).sum());

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : open.reversed()) {
            closeable.close();
        }
        sdk.close();
    }

    private Worker worker(Worker.Builder builder) {
        Worker worker = builder.database(POSTGRES.url()).pollInterval(Duration.ofMillis(100))
                .engine(telemetry::install).build();
        open.add(() -> worker.close(Duration.ZERO));
        return worker.start();
    }

    private WorkQueue queue(WorkQueue.Builder builder) {
        WorkQueue queue = builder.database(POSTGRES.url()).connect();
        open.add(queue);
        return queue;
    }

    /** The finished spans once {@code done} holds of them; the spans end a moment after the run's end is recorded. */
    private List<SpanData> spansWhen(Predicate<List<SpanData>> done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            List<SpanData> finished = spans.getFinishedSpanItems();
            if (done.test(finished)) {
                return finished;
            }
            assertThat(System.nanoTime()).as("spans awaited: " + finished).isLessThan(deadline);
            Thread.sleep(10); // polls the exporter under a deadline
        }
    }

    private static SpanData named(List<SpanData> spans, String name) {
        List<SpanData> found = spans.stream().filter(span -> span.getName().equals(name)).toList();
        assertThat(found).as("spans named " + name).hasSize(1);
        return found.getFirst();
    }

    @Test
    void aRunSubmittedInsideASpanContinuesThatTraceOnTheWorker() throws Exception {
        worker(Worker.builder().flows(hello).propagator(telemetry));
        WorkQueue queue = queue(WorkQueue.builder().propagator(telemetry));
        Span request = userTracer.spanBuilder("request").startSpan();
        QueuedRun<String> run;
        try (Scope ignored = request.makeCurrent()) {
            run = queue.runAsync(hello, "ada", Submission.defaults());
        } finally {
            request.end();
        }

        assertThat(run.result().get(60, TimeUnit.SECONDS)).isEqualTo("hello ada!");
        List<SpanData> finished = spansWhen(all -> all.stream().anyMatch(span -> span.getName().equals("hello")));
        SpanData flow = named(finished, "hello");
        SpanData task = named(finished, "greet");
        SpanContext submitted = request.getSpanContext();
        assertThat(flow.getTraceId()).as("the worker's flow span is in the submitter's trace")
                .isEqualTo(submitted.getTraceId());
        assertThat(flow.getParentSpanId()).as("its parent is the span the run was submitted in")
                .isEqualTo(submitted.getSpanId());
        assertThat(flow.getParentSpanContext().isRemote()).isTrue();
        assertThat(task.getTraceId()).isEqualTo(submitted.getTraceId());
        assertThat(task.getParentSpanId()).isEqualTo(flow.getSpanId());
    }

    @Test
    void withoutAPropagatorOnTheQueueTheWorkersRunStartsATraceOfItsOwn() throws Exception {
        worker(Worker.builder().flows(hello).propagator(telemetry));
        WorkQueue queue = queue(WorkQueue.builder());
        Span request = userTracer.spanBuilder("request").startSpan();
        QueuedRun<String> run;
        try (Scope ignored = request.makeCurrent()) {
            run = queue.runAsync(hello, "bob", Submission.defaults());
        } finally {
            request.end();
        }

        assertThat(run.result().get(60, TimeUnit.SECONDS)).isEqualTo("hello bob!");
        SpanData flow = named(spansWhen(all -> all.stream().anyMatch(span -> span.getName().equals("hello"))), "hello");
        assertThat(flow.getTraceId()).isNotEqualTo(request.getSpanContext().getTraceId());
        assertThat(flow.getParentSpanContext().isValid()).isFalse();
    }

    @Test
    void theItemsOfADistributedMapContinueTheirParentRunsTraceOnTheWorkersThatRunThem() throws Exception {
        int items = 4;
        worker(Worker.builder().flows(sumOfSquares).name("parent").propagator(telemetry));
        worker(Worker.builder().tasks(square).queues("items").concurrency(4).name("items").propagator(telemetry));
        WorkQueue queue = queue(WorkQueue.builder().propagator(telemetry));
        Span request = userTracer.spanBuilder("request").startSpan();
        QueuedRun<Integer> run;
        try (Scope ignored = request.makeCurrent()) {
            run = queue.runAsync(sumOfSquares, items, Submission.defaults());
        } finally {
            request.end();
        }

        assertThat(run.result().get(60, TimeUnit.SECONDS)).isEqualTo(0 + 1 + 4 + 9);
        // Per item: its local run in the parent (a task span with the map index), and on the item worker
        // a root flow named like the task with the task as its child.
        List<SpanData> finished = spansWhen(all -> all.stream().filter(span -> span.getName().equals("square"))
                .count() == 3L * items && all.stream().anyMatch(span -> span.getName().equals("sum-of-squares")));
        assertThat(finished).as("every span is in the submitter's trace").extracting(SpanData::getTraceId)
                .containsOnly(request.getSpanContext().getTraceId());
        SpanData parent = named(finished, "sum-of-squares");
        Map<String, SpanData> localItems = finished.stream()
                .filter(span -> span.getName().equals("square") && span.getAttributes().get(MAP_INDEX) != null)
                .collect(Collectors.toMap(SpanData::getSpanId, span -> span));
        assertThat(localItems).hasSize(items);
        assertThat(localItems.values()).extracting(SpanData::getParentSpanId).containsOnly(parent.getSpanId());
        List<SpanData> remoteRoots = finished.stream().filter(span -> span.getName().equals("square")
                && "flow".equals(span.getAttributes().get(KIND))).toList();
        assertThat(remoteRoots).hasSize(items);
        assertThat(remoteRoots).as("each item's run on the item worker is a child of the item's run in the parent")
                .allSatisfy(root -> {
                    assertThat(localItems).containsKey(root.getParentSpanId());
                    assertThat(root.getParentSpanContext().isRemote()).isTrue();
                });
        assertThat(remoteRoots.stream().map(SpanData::getParentSpanId).distinct()).hasSize(items);
    }
}
