package io.loomflow.benchmarks;

import io.loomflow.Engine;
import io.loomflow.Event;
import io.loomflow.Flow;
import io.loomflow.Handle;
import io.loomflow.RunInfo;
import io.loomflow.Task;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * Harness: how long cancelling a large map takes, in one engine with no server and no store.
 *
 * <p>The flow {@code big} maps the task {@code work} over {@code tasks} items (default 1,000,000);
 * each item sleeps {@code sleepMillis} (default one minute, so that no item ends by itself). With
 * {@code limit=0} (the default) the map has no limit: one thread per item, and every item is
 * running when the harness cancels; with {@code limit=N} at most N run at once and the rest wait
 * their turn. The harness waits until {@code started} items have entered their code (default: all
 * of them without a limit, else the limit), then cancels the root run ({@link Handle#cancel()}) and
 * prints the time the call took, and the time from the cancel to the root run's end (its handle is
 * done; the map ends only once every item has settled, so this is also the time until every item
 * has settled).
 *
 * <p>With {@code listener=count} (the default), a listener counts the items' events, as a run
 * history would see them: events in all, items seen (their first event), and items ended, with the
 * time from the cancel to the last item's final event; the items never seen are the ones that never
 * started. With {@code listener=none} the engine has no listener and publishes no events.
 *
 * <p>First, the same is done once with {@code warmTasks} items (default 100,000; 0 skips it), not
 * counted: in a JVM where no run was ever cancelled, the code of the cancel's path is compiled
 * without it, and every one of a million suspended threads deoptimises its own frames on the way
 * out, which measures the JIT rather than the engine. A server has cancelled runs before.
 *
 * <p>Without a limit, and with {@code floor=true} (the default), it then measures the floor in the
 * same JVM: as many plain virtual threads, each sleeping like an item, interrupted one by one once
 * all sleep, and the time until every one has ended; no engine can cancel running items faster.
 *
 * <p>Arguments, all optional, as {@code key=value}: {@code tasks=1000000}, {@code limit=0},
 * {@code sleepMillis=60000}, {@code started=0} (0: as described above), {@code listener=count},
 * {@code warmTasks=100000}, {@code floor=true}.
 * A million running items need a few GiB of heap: run it with {@code -Xmx8g}.
 */
public final class MapCancel {

    private static final String[] DEFAULTS = {
            "tasks", "1000000", "limit", "0", "sleepMillis", "60000", "started", "0", "listener", "count",
            "warmTasks", "100000", "floor", "true"};
    private static final double CANCEL_TARGET_MILLIS = 2000;

    private final AtomicLong entered = new AtomicLong();
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong itemsSeen = new AtomicLong();
    private final AtomicLong itemsEnded = new AtomicLong();
    private final AtomicLong lastItemEnded = new AtomicLong();

    private MapCancel() {
    }

    /**
     * Runs the measurement once.
     *
     * @param args {@code key=value} options (see the class description)
     * @throws Exception if the run fails otherwise than by being cancelled
     */
    public static void main(String[] args) throws Exception {
        new MapCancel().measure(Benchmarks.Options.parse("MapCancel", args, DEFAULTS));
    }

    private void measure(Benchmarks.Options options) throws Exception {
        if (options.number("warmTasks") > 0) {
            System.out.printf(Locale.ROOT, "warm-up with %,d items, not counted:%n", options.number("warmTasks"));
            new MapCancel().measure(options, options.number("warmTasks"));
            System.out.println("measured:");
        }
        measure(options, options.number("tasks"));
        if (options.number("limit") == 0 && Boolean.parseBoolean(options.text("floor"))) {
            floor(options.number("tasks"), options.number("sleepMillis"));
        }
    }

    /** Plain virtual threads, each sleeping, interrupted once all sleep: the time until all have ended. */
    private static void floor(int tasks, int sleepMillis) throws InterruptedException {
        AtomicLong asleep = new AtomicLong();
        Thread[] threads = new Thread[tasks];
        for (int i = 0; i < tasks; i++) {
            threads[i] = Thread.ofVirtual().start(() -> {
                asleep.incrementAndGet();
                try {
                    Thread.sleep(sleepMillis);
                } catch (InterruptedException cancelled) {
                    // the end this measures
                }
            });
        }
        while (asleep.get() < tasks) {
            Thread.sleep(10);
        }
        long interrupting = System.nanoTime();
        for (Thread thread : threads) {
            thread.interrupt();
        }
        long interrupted = System.nanoTime();
        for (Thread thread : threads) {
            thread.join();
        }
        long ended = System.nanoTime();
        System.out.printf(Locale.ROOT, "RESULT floor, %,d plain virtual threads asleep, interrupted: interrupting took"
                + " %.1f ms, every thread ended after %.1f ms%n", tasks, (interrupted - interrupting) / 1e6,
                (ended - interrupting) / 1e6);
    }

    private void measure(Benchmarks.Options options, int tasks) throws Exception {
        int limit = options.number("limit");
        int sleepMillis = options.number("sleepMillis");
        int started = options.number("started") > 0 ? options.number("started") : limit > 0 ? limit : tasks;
        Task<Integer, Integer> work = Task.named("work", (Integer millis) -> {
            entered.incrementAndGet();
            Thread.sleep(millis);
            return millis;
        });
        if (limit > 0) {
            work = work.withLimit("io");
        }
        Task<Integer, Integer> item = work;
        Flow<Integer, Integer> big = Flow.named("big", (Integer n) -> item.map(
                IntStream.range(0, n).mapToObj(i -> sleepMillis).toList()).join().size());
        Engine.Builder builder = Engine.builder().name("map-cancel");
        if (limit > 0) {
            builder.limit("io", limit);
        }
        boolean listening = options.text("listener").equals("count");
        if (listening) {
            builder.listener(this::count);
        }
        try (Engine engine = builder.build()) {
            long submitted = System.nanoTime();
            Handle<Integer> run = engine.submit(big, tasks);
            while (entered.get() < started) {
                if (run.isDone()) {
                    throw new IllegalStateException("the run ended before " + started + " items started: " + run.state());
                }
                Thread.sleep(10);
            }
            System.out.printf(Locale.ROOT, "%,d items started %.1f s after the submit; cancelling at %s%s%n",
                    entered.get(), (System.nanoTime() - submitted) / 1e9, java.time.Instant.now(), listening ? String.format(Locale.ROOT,
                            " (%,d events so far)", events.get()) : "");
            long eventsBefore = events.get();
            long cancelling = System.nanoTime();
            boolean cancelled = run.cancel();
            long answered = System.nanoTime();
            CountDownLatch ended = new CountDownLatch(1);
            Thread.ofPlatform().start(() -> {
                run.outcome();
                ended.countDown();
            });
            if (!ended.await(5, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the run did not end within 5 minutes of the cancel");
            }
            long rootEnded = System.nanoTime();
            double endMillis = (rootEnded - cancelling) / 1e6;
            System.out.printf(Locale.ROOT, "cancel() returned %s after %.1f ms; the root run ended %s after %.1f ms%n",
                    cancelled, (answered - cancelling) / 1e6, run.state().label(), endMillis);
            if (listening) {
                System.out.printf(Locale.ROOT, "events: %,d in all, %,d after the cancel; items seen %,d, ended %,d,"
                                + " never started (no events) %,d; last item ended %.1f ms after the cancel%n",
                        events.get(), events.get() - eventsBefore, itemsSeen.get(), itemsEnded.get(),
                        tasks - itemsSeen.get(), (lastItemEnded.get() - cancelling) / 1e6);
            }
            System.out.printf(Locale.ROOT, "RESULT cancel of a %,d-item map (%s, listener %s): every item settled and"
                            + " the root ended after %.1f ms (target < %.0f ms): %s%n", tasks,
                    limit > 0 ? "limit " + limit : "no limit", options.text("listener"), endMillis,
                    CANCEL_TARGET_MILLIS, endMillis < CANCEL_TARGET_MILLIS ? "MET" : "MISSED");
        }
    }

    /** Counts the items' events: every event, each item's first, and each item's final state. */
    private void count(Event event) {
        events.incrementAndGet();
        if (!(event instanceof Event.StateChange change) || !change.run().isMapItem()) {
            return;
        }
        RunInfo.MapItem item = change.run().mapItem();
        if (change.previous() == null && item != null) {
            itemsSeen.incrementAndGet();
        }
        if (change.state().isFinal()) {
            itemsEnded.incrementAndGet();
            lastItemEnded.accumulateAndGet(System.nanoTime(), Math::max);
        }
    }
}
