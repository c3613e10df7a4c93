package io.loomflow.examples.contexts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The context matrix for many callers at once: 200 platform threads, released together, take turns
 * through the entry points (the default engine's and an engine's, blocking and {@code runAsync})
 * until 10,000 runs of {@link MatrixFlows} have finished. Every result is checked against the
 * reference, every caller's thread is checked unchanged around every call, the whole is bounded in
 * time, and afterwards no thread is left behind.
 */
class ManyCallersTest {

    private static final int CALLERS = 200;
    private static final int RUNS = 10_000;

    @Test
    void twoHundredThreadsRunFlowsUntilTenThousandRunsHaveFinished() throws Exception {
        try (MatrixHarness harness = new MatrixHarness()) {
            AtomicInteger tickets = new AtomicInteger(RUNS);
            AtomicInteger finished = new AtomicInteger();
            Queue<String> wrong = new ConcurrentLinkedQueue<>();
            CountDownLatch start = new CountDownLatch(1);
            EntryPoint[] entryPoints = EntryPoint.values();
            List<Thread> callers = new ArrayList<>();
            for (int i = 0; i < CALLERS; i++) {
                callers.add(Thread.ofPlatform().name("caller-" + i).daemon(false).start(() -> {
                    try (var _ = CallerState.mark(Thread.currentThread().getName())) {
                        start.await();
                        int ticket;
                        while ((ticket = tickets.getAndDecrement()) > 0) {
                            EntryPoint entryPoint = entryPoints[ticket % entryPoints.length];
                            String result = entryPoint.runChecked(harness.engine, MatrixFlows.ITEMS);
                            if (!result.equals(MatrixFlows.reference())) {
                                wrong.add(entryPoint + " gave " + result);
                            }
                            finished.incrementAndGet();
                        }
                    } catch (Throwable failure) {
                        wrong.add(Thread.currentThread().getName() + ": " + failure);
                    }
                }));
            }
            long began = System.nanoTime();
            start.countDown();
            long deadline = began + TimeUnit.SECONDS.toNanos(40);
            for (Thread caller : callers) {
                caller.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
            assertThat(callers.stream().filter(Thread::isAlive).map(Thread::getName).toList())
                    .as("callers still running after %d ms (%d runs finished)", millis, finished.get()).isEmpty();
            assertThat(wrong).as("wrong results or errors").isEmpty();
            assertThat(finished.get()).isEqualTo(RUNS);
            System.out.printf("ManyCallersTest: %d runs from %d threads in %d ms%n", RUNS, CALLERS, millis);
            harness.closeAndAssertNothingLeftBehind();
        }
    }
}
