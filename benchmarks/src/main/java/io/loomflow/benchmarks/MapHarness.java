package io.loomflow.benchmarks;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * Harness: a flow that maps a trivial task over 1,000,000 items under a limit of 64. Run it with
 * {@code -Xmx1g}: finishing at all proves the map fits in 1 GiB of heap.
 *
 * <p><b>Part 1, wall time and heap.</b> {@code runs} times in one JVM: a full collection, then
 * {@code engine.run(flow, inputs)} timed with {@link System#nanoTime()}, where the flow body is
 * {@code trivial.map(inputs).join()}. The input list exists before the timing starts. Prints each
 * run's wall time and the heap figures of {@link HeapWatch} (high-water mark including garbage,
 * largest live set after a collection).
 *
 * <p><b>Part 2, memory per pending item.</b> The same map over a task that blocks on a latch:
 * 64 items run and block, the other 999,936 wait their turn. Heap in use after full collections
 * is taken before the flow starts and again while the items are pending; the difference divided
 * by the number of pending items is the memory per pending item. The difference also includes
 * the 64 running items (their runs, threads and stacks) and the flow's own run, so the figure is
 * an upper bound. Then the latch is released and the map finishes.
 *
 * <p>Arguments, all optional: {@code [items=1000000] [permits=64] [runs=5]}.
 */
public final class MapHarness {

    private static final double WALL_TARGET_SECONDS = 3.0;
    private static final long HEAP_TARGET_BYTES = 1L << 30;
    private static final long PER_ITEM_TARGET_BYTES = 4096;

    private static final Task<Integer, Integer> TRIVIAL = Task.named("trivial", (Integer x) -> x + 1)
            .withLimit("cpu");

    private static final Flow<List<Integer>, Integer> MAP = Flow.named("map", (List<Integer> inputs) ->
            TRIVIAL.map(inputs).join().size());

    private MapHarness() {
    }

    public static void main(String[] args) throws Exception {
        int items = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int permits = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;

        Benchmarks.printEnvironment("MapHarness");
        System.out.printf(Locale.ROOT, "map of %,d trivial items under a limit of %d, %d runs in this JVM%n%n",
                items, permits, runs);

        HeapWatch watch = HeapWatch.install();
        List<Integer> inputs = IntStream.range(0, items).boxed().toList();
        List<Double> seconds = new ArrayList<>();
        long highWater = 0;
        long largestLive = 0;
        try (Engine engine = Engine.builder().name("bench").limit("cpu", permits).build()) {
            for (int run = 1; run <= runs; run++) {
                HeapWatch.usedAfterFullGc();
                watch.reset();
                long start = System.nanoTime();
                int results = engine.run(MAP, inputs);
                long elapsed = System.nanoTime() - start;
                watch.settle();
                if (results != items) {
                    throw new IllegalStateException("map returned " + results + " results for " + items + " items");
                }
                double wall = elapsed / 1e9;
                seconds.add(wall);
                highWater = Math.max(highWater, watch.highWaterBytes());
                largestLive = Math.max(largestLive, watch.largestLiveBytes());
                System.out.printf(Locale.ROOT,
                        "run %d%s  wall %.3f s  (%.2f us/item)  heap high-water %s  largest live set %s  %d GCs, %d ms%n",
                        run, run == 1 ? " (cold)" : "       ", wall, elapsed / 1e3 / items,
                        HeapWatch.mib(watch.highWaterBytes()), HeapWatch.mib(watch.largestLiveBytes()),
                        watch.collections(), watch.collectionMillis());
            }

            System.out.println();
            PendingMemory pending = measurePending(engine, inputs, permits);
            System.out.printf(Locale.ROOT, "pending: heap after full GC %s before the map, %s with %,d items"
                            + " pending and %d running: %,d bytes more, %.1f bytes per pending item%n",
                    HeapWatch.mib(pending.before()), HeapWatch.mib(pending.during()), pending.pendingItems(),
                    permits, pending.during() - pending.before(), pending.bytesPerItem());

            double[] sorted = seconds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double median = sorted[(sorted.length - 1) / 2];
            double worst = sorted[sorted.length - 1];
            long maxHeap = Runtime.getRuntime().maxMemory();
            System.out.println();
            System.out.printf(Locale.ROOT, "RESULT wall: cold %.3f s, median %.3f s, worst %.3f s of %d runs"
                            + " (target < %.0f s): %s%n", seconds.getFirst(), median, worst, runs,
                    WALL_TARGET_SECONDS, worst < WALL_TARGET_SECONDS ? "MET" : "MISSED");
            System.out.printf(Locale.ROOT, "RESULT heap: high-water %s, largest live set %s, max heap %s"
                            + " (target < 1 GiB): %s%n", HeapWatch.mib(highWater), HeapWatch.mib(largestLive),
                    HeapWatch.mib(maxHeap), highWater < HEAP_TARGET_BYTES ? "MET" : "MISSED");
            System.out.printf(Locale.ROOT, "RESULT memory per pending item: %.1f bytes (target <= %d bytes): %s%n",
                    pending.bytesPerItem(), PER_ITEM_TARGET_BYTES,
                    pending.bytesPerItem() <= PER_ITEM_TARGET_BYTES ? "MET" : "MISSED");
        }
    }

    record PendingMemory(long before, long during, int pendingItems) {
        double bytesPerItem() {
            return (double) (during - before) / pendingItems;
        }
    }

    private static PendingMemory measurePending(Engine engine, List<Integer> inputs, int permits)
            throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        Task<Integer, Integer> blocked = Task.named("blocked", (Integer x) -> {
            running.incrementAndGet();
            release.await();
            return x;
        }).withLimit("cpu");
        Flow<List<Integer>, Integer> blockedMap = Flow.named("blocked-map", (List<Integer> xs) ->
                blocked.map(xs).join().size());

        long before = HeapWatch.usedAfterFullGc();
        CompletableFuture<Integer> result = engine.runAsync(blockedMap, inputs);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (running.get() < permits) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + running.get() + " of " + permits + " items started in 30 s");
            }
            Thread.sleep(1);
        }
        long during = HeapWatch.usedAfterFullGc();
        if (running.get() != permits) {
            throw new IllegalStateException(running.get() + " items run at once under a limit of " + permits);
        }
        release.countDown();
        int results = result.join();
        if (results != inputs.size()) {
            throw new IllegalStateException("blocked map returned " + results + " results for " + inputs.size());
        }
        return new PendingMemory(before, during, inputs.size() - permits);
    }
}
