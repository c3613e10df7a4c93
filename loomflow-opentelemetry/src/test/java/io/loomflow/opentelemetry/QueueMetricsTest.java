package io.loomflow.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Flow;
import io.loomflow.opentelemetry.internal.Instruments;
import io.loomflow.opentelemetry.internal.QueueGauges;
import io.loomflow.store.RunStore;
import io.loomflow.store.contract.Postgres;
import io.loomflow.workers.QueueStats;
import io.loomflow.workers.QueuedRun;
import io.loomflow.workers.Submission;
import io.loomflow.workers.WorkQueue;
import io.loomflow.workers.Worker;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.BatchCallback;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gauges of a work queue's depth and age, on real PostgreSQL, read back with the SDK's
 * {@link InMemoryMetricReader}. One worker takes runs of the queue {@code metered}, one at a time
 * ({@code queueConcurrency}), and its flow holds until released: the first run runs, the others
 * wait in the queue.
 */
class QueueMetricsTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    private static final String QUEUE = "metered";
    private static final Attributes METERED = Attributes.of(AttributeKey.stringKey("loomflow.queue.name"), QUEUE);

    private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build()).build();
    private final CountDownLatch release = new CountDownLatch(1);
    private final Flow<Integer, Integer> held = Flow.named("held", Integer.class, i -> {
        try {
            release.await();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        return i;
    });
    private final List<AutoCloseable> open = new ArrayList<>();
    private WorkQueue queue;

    @BeforeEach
    void startAWorkerAndTheQueue() throws Exception {
        RunStore.open(POSTGRES.url()).close(); // creates the queue's tables, as a worker would
        try (Connection connection = POSTGRES.connect(); Statement statement = connection.createStatement()) {
            statement.execute("DELETE FROM lf_queue"); // the runs an earlier test left queued
        }
        Worker worker = Worker.builder().database(POSTGRES.url()).flows(held).queues(QUEUE).queueConcurrency(QUEUE, 1)
                .pollInterval(Duration.ofMillis(100)).build();
        open.add(() -> worker.close(Duration.ZERO));
        worker.start();
        queue = WorkQueue.connect(POSTGRES.url());
        open.add(queue);
    }

    @AfterEach
    void close() throws Exception {
        release.countDown();
        for (AutoCloseable closeable : open.reversed()) {
            closeable.close();
        }
        sdk.close();
    }

    private List<QueuedRun<Integer>> submit(int runs) {
        List<QueuedRun<Integer>> submitted = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            submitted.add(queue.runAsync(held, i, Submission.defaults().withQueue(QUEUE)));
        }
        return submitted;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(20); // polls under a deadline
        }
    }

    private QueueStats metered() {
        return queue.queues().stream().filter(stats -> stats.queue().equals(QUEUE)).findFirst()
                .orElse(new QueueStats(QUEUE, 0, 0, Duration.ZERO));
    }

    /** The value of a gauge for the metered queue in one collection; null when it reported none. */
    private static Number gauge(Collection<MetricData> collected, String name) {
        for (MetricData metric : collected) {
            if (!metric.getName().equals(name)) {
                continue;
            }
            for (PointData point : metric.getData().getPoints()) {
                if (point.getAttributes().equals(METERED)) {
                    return point instanceof io.opentelemetry.sdk.metrics.data.LongPointData longs ? longs.getValue()
                            : ((io.opentelemetry.sdk.metrics.data.DoublePointData) point).getValue();
                }
            }
        }
        return null;
    }

    @Test
    void theGaugesReportTheQueuedRunsAndHowLongTheOldestHasWaited() throws Exception {
        long before = System.nanoTime();
        submit(3);
        await("one run running, two queued", () -> metered().running() == 1 && metered().queued() == 2);
        BatchCallback observation = LoomflowTelemetry.create(sdk).observe(queue); // closed below, or with the SDK

        await("the oldest queued run has waited a quarter of a second", () -> {
            Number age = gauge(metrics.collectAllMetrics(), "loomflow.queue.age");
            return age != null && age.doubleValue() >= 0.25;
        });
        Collection<MetricData> collected = metrics.collectAllMetrics();
        double waitedAtMost = (System.nanoTime() - before) / 1e9;
        assertThat(gauge(collected, "loomflow.queue.depth")).isEqualTo(2L);
        assertThat(gauge(collected, "loomflow.queue.age").doubleValue()).isBetween(0.25, waitedAtMost + 1.0);
        MetricData depth = collected.stream().filter(metric -> metric.getName().equals("loomflow.queue.depth"))
                .findFirst().orElseThrow();
        assertThat(depth.getUnit()).isEqualTo("{run}");
        assertThat(collected.stream().filter(metric -> metric.getName().equals("loomflow.queue.age")).findFirst()
                .orElseThrow().getUnit()).isEqualTo("s");

        observation.close();
        assertThat(gauge(metrics.collectAllMetrics(), "loomflow.queue.depth")).as("closed: no longer observed").isNull();
    }

    @Test
    void aReadingAnswersCollectionsForASecondAndAnEmptiedQueueReportsZero() throws Exception {
        List<QueuedRun<Integer>> runs = submit(3);
        await("one run running, two queued", () -> metered().running() == 1 && metered().queued() == 2);
        AtomicLong clock = new AtomicLong();
        new QueueGauges(queue, Instruments.of(sdk), clock::get, Duration.ofSeconds(1)).register(sdk);
        assertThat(gauge(metrics.collectAllMetrics(), "loomflow.queue.depth")).isEqualTo(2L);

        runs.addAll(submit(1));
        await("three queued", () -> metered().queued() == 3);
        clock.addAndGet(Duration.ofMillis(999).toNanos());
        assertThat(gauge(metrics.collectAllMetrics(), "loomflow.queue.depth")).as("within a second: the same reading")
                .isEqualTo(2L);
        clock.addAndGet(Duration.ofMillis(1).toNanos());
        assertThat(gauge(metrics.collectAllMetrics(), "loomflow.queue.depth")).as("a second later: read again")
                .isEqualTo(3L);

        release.countDown();
        for (QueuedRun<Integer> run : runs) {
            run.result().get(60, TimeUnit.SECONDS);
        }
        await("the queue is empty", () -> queue.queues().stream().noneMatch(stats -> stats.queue().equals(QUEUE)));
        clock.addAndGet(Duration.ofSeconds(1).toNanos());
        Collection<MetricData> emptied = metrics.collectAllMetrics();
        assertThat(gauge(emptied, "loomflow.queue.depth")).isEqualTo(0L);
        assertThat(gauge(emptied, "loomflow.queue.age")).isEqualTo(0.0);
    }
}
