package io.loomflow.benchmarks;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Heap figures from the JVM's own accounting, without sampling threads:
 * <ul>
 *   <li><b>high-water mark</b>: the largest heap use (live objects and garbage) seen just before
 *       any collection during the watch, or at its end; every collection reports the heap as it
 *       was when it started, so no peak between collections is missed;</li>
 *   <li><b>largest live set</b>: the largest heap use just after a collection;</li>
 *   <li>{@link #usedAfterFullGc()}: heap in use after explicit full collections, for differences.</li>
 * </ul>
 * Thread-safe: the JVM delivers notifications on its own thread.
 */
final class HeapWatch implements NotificationListener {

    private final AtomicLong highWater = new AtomicLong();
    private final AtomicLong largestLive = new AtomicLong();
    private final AtomicLong collections = new AtomicLong();
    private final AtomicLong pauseMillis = new AtomicLong();
    private final AtomicLong longestMillis = new AtomicLong();
    private final List<NotificationEmitter> emitters = new ArrayList<>();

    static HeapWatch install() {
        HeapWatch watch = new HeapWatch();
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (collector instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(watch, null, null);
                watch.emitters.add(emitter);
            }
        }
        return watch;
    }

    /** Starts a new watch period. */
    void reset() {
        highWater.set(usedNow());
        largestLive.set(0);
        collections.set(0);
        pauseMillis.set(0);
        longestMillis.set(0);
    }

    /** Ends a watch period: waits briefly for notifications still in flight and counts the heap now. */
    void settle() throws InterruptedException {
        highWater.accumulateAndGet(usedNow(), Math::max);
        Thread.sleep(200);
    }

    long highWaterBytes() {
        return highWater.get();
    }

    long largestLiveBytes() {
        return largestLive.get();
    }

    long collections() {
        return collections.get();
    }

    long collectionMillis() {
        return pauseMillis.get();
    }

    /** The longest collection of the period (as the JVM times it, concurrent phases included). */
    long longestCollectionMillis() {
        return longestMillis.get();
    }

    @Override
    public void handleNotification(Notification notification, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            return;
        }
        var info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        highWater.accumulateAndGet(sum(info.getGcInfo().getMemoryUsageBeforeGc()), Math::max);
        largestLive.accumulateAndGet(sum(info.getGcInfo().getMemoryUsageAfterGc()), Math::max);
        collections.incrementAndGet();
        pauseMillis.addAndGet(info.getGcInfo().getDuration());
        longestMillis.accumulateAndGet(info.getGcInfo().getDuration(), Math::max);
    }

    private static long sum(Map<String, MemoryUsage> pools) {
        long used = 0;
        for (MemoryUsage usage : pools.values()) {
            used += usage.getUsed();
        }
        return used;
    }

    static long usedNow() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Heap in use after three explicit full collections (System.gc() is a full collection with G1's defaults). */
    static long usedAfterFullGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return usedNow();
    }

    static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
