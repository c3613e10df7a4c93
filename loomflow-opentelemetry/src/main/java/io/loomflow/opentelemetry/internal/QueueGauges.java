package io.loomflow.opentelemetry.internal;

import io.loomflow.workers.QueueStats;
import io.loomflow.workers.WorkQueue;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.BatchCallback;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableDoubleMeasurement;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The gauges of a work queue's depth and age, per queue: {@code loomflow.queue.depth} (runs queued)
 * and {@code loomflow.queue.age} (seconds the oldest due queued run has waited), with the attribute
 * {@code loomflow.queue.name}, observed when the metrics are collected from
 * {@link WorkQueue#queues()}, read at most once per {@link #EVERY}: collections closer together
 * report the last reading. A queue seen once and empty since reports 0 (so its series goes to zero
 * rather than stopping). A reading that fails (the database is down, the queue closed) reports
 * nothing; the first failure of a series is logged.
 */
public final class QueueGauges implements Runnable {

    /** How long one reading of the queue's stats answers collections. */
    public static final Duration EVERY = Duration.ofSeconds(1);
    private static final System.Logger LOG = System.getLogger("io.loomflow.opentelemetry");
    static final AttributeKey<String> QUEUE = AttributeKey.stringKey("loomflow.queue.name");

    private final WorkQueue queue;
    private final Instruments instruments;
    private final LongSupplier nanoTime;
    private final long every;
    private final ReentrantLock lock = new ReentrantLock();
    /** The queues seen, each with its attributes, in the order first seen; guarded by lock. */
    private final Map<String, Attributes> seen = new LinkedHashMap<>();
    private @Nullable List<QueueStats> last; // guarded by lock
    private long readAt; // guarded by lock
    private boolean failing; // guarded by lock: the last reading failed
    private @Nullable ObservableLongMeasurement depth;
    private @Nullable ObservableDoubleMeasurement age;

    /**
     * Gauges of {@code queue}, read at most once per {@code every} on the {@code nanoTime} clock.
     *
     * @param queue the queue whose stats to observe
     * @param instruments where failures are logged
     * @param nanoTime a monotonic clock in nanoseconds, {@code System::nanoTime}
     * @param every how long one reading answers
     */
    public QueueGauges(WorkQueue queue, Instruments instruments, LongSupplier nanoTime, Duration every) {
        this.queue = queue;
        this.instruments = instruments;
        this.nanoTime = nanoTime;
        this.every = every.toNanos();
    }

    /**
     * Registers the gauges with the {@link OpenTelemetry}'s meter {@code io.loomflow}.
     *
     * @param openTelemetry where the measurements go
     * @return closing it stops the observation; a no-op one if the meter threw (which is logged)
     */
    public BatchCallback register(OpenTelemetry openTelemetry) {
        try {
            Meter meter = openTelemetry.getMeter(Instruments.SCOPE);
            ObservableLongMeasurement depthGauge = meter.gaugeBuilder("loomflow.queue.depth").ofLongs()
                    .setDescription("Runs waiting in a work queue for a worker.").setUnit("{run}").buildObserver();
            ObservableDoubleMeasurement ageGauge = meter.gaugeBuilder("loomflow.queue.age")
                    .setDescription("How long the oldest due run of a work queue has waited for a worker.")
                    .setUnit("s").buildObserver();
            depth = depthGauge;
            age = ageGauge;
            return meter.batchCallback(this, depthGauge, ageGauge);
        } catch (RuntimeException | Error failure) {
            instruments.warnOnce("threw when registering the work queue's gauges", failure);
            return new BatchCallback() {
            };
        }
    }

    /** Records the gauges, at a collection. */
    @Override
    public void run() {
        ObservableLongMeasurement depthGauge = depth;
        ObservableDoubleMeasurement ageGauge = age;
        if (depthGauge == null || ageGauge == null) {
            return;
        }
        lock.lock();
        try {
            List<QueueStats> stats = read();
            if (stats == null) {
                return;
            }
            Map<String, QueueStats> now = new LinkedHashMap<>();
            for (QueueStats queueStats : stats) {
                now.put(queueStats.queue(), queueStats);
                seen.computeIfAbsent(queueStats.queue(), name -> Attributes.of(QUEUE, name));
            }
            seen.forEach((name, attributes) -> {
                QueueStats queueStats = now.get(name);
                depthGauge.record(queueStats == null ? 0 : queueStats.queued(), attributes);
                ageGauge.record(queueStats == null ? 0 : queueStats.oldestWait().toNanos() / 1e9, attributes);
            });
        } catch (RuntimeException | Error failure) {
            instruments.warnOnce("threw when recording the work queue's gauges", failure);
        } finally {
            lock.unlock();
        }
    }

    /** The last reading if it is recent, else a new one; null if reading failed. Called under the lock. */
    private @Nullable List<QueueStats> read() {
        long at = nanoTime.getAsLong();
        List<QueueStats> recent = last;
        if (recent != null && at - readAt < every) {
            return recent;
        }
        try {
            recent = List.copyOf(queue.queues());
        } catch (RuntimeException failed) {
            if (!failing) {
                failing = true;
                LOG.log(System.Logger.Level.WARNING, "the gauges of " + queue + " cannot read its stats ("
                        + failed.getMessage() + "); they report nothing until they can, and say so once", failed);
            }
            last = null;
            return null;
        }
        if (failing) {
            failing = false;
            LOG.log(System.Logger.Level.INFO, "the gauges of " + queue + " read its stats again");
        }
        last = recent;
        readAt = at;
        return recent;
    }
}
