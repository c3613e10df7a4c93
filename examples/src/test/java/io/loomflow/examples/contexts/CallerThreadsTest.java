package io.loomflow.examples.contexts;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Engine;
import java.util.List;
import java.util.Map;
import java.util.Timer;
import java.util.TimerTask;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The context matrix for the kinds of calling thread: every entry point ({@link EntryPoint}: the
 * default engine's {@code Flow.run}, {@code task.call} and {@code runAsync}, and an engine's
 * {@code run} and {@code runAsync}) runs {@link MatrixFlows} from a new platform thread, a virtual
 * thread, a {@code ForkJoinPool.commonPool()} task, the elements of a parallel stream and a
 * {@code java.util.Timer} thread. For each: the reference result, the calling thread unchanged
 * (checked around every call by {@link EntryPoint#runChecked}), and no thread left behind once the
 * engines close ({@link MatrixHarness}). The main thread is in {@link MainThreadTest}, a bounded pool
 * in {@link BoundedPoolNestingTest}.
 */
class CallerThreadsTest {

    /** The body every context runs: marks the thread as its caller would, then every entry point. */
    private static Map<EntryPoint, String> fromThisThread(String context, Engine engine) {
        try (var _ = CallerState.mark(context)) {
            return MatrixHarness.runEveryEntryPoint(engine);
        }
    }

    @Test
    void everyEntryPointGivesTheSameResultFromANewPlatformThread() throws Exception {
        try (MatrixHarness harness = new MatrixHarness()) {
            FutureTask<Map<EntryPoint, String>> work = new FutureTask<>(() -> {
                assertThat(Thread.currentThread().isVirtual()).isFalse();
                return fromThisThread("platform", harness.engine);
            });
            Thread thread = Thread.ofPlatform().name("context-platform").daemon(false).start(work);
            MatrixHarness.assertSameResults(work.get(30, TimeUnit.SECONDS), "a new platform thread");
            thread.join();
            harness.closeAndAssertNothingLeftBehind();
        }
    }

    @Test
    void everyEntryPointGivesTheSameResultFromAVirtualThread() throws Exception {
        try (MatrixHarness harness = new MatrixHarness()) {
            FutureTask<Map<EntryPoint, String>> work = new FutureTask<>(() -> {
                assertThat(Thread.currentThread().isVirtual()).isTrue();
                return fromThisThread("virtual", harness.engine);
            });
            Thread thread = Thread.ofVirtual().name("context-virtual").start(work);
            MatrixHarness.assertSameResults(work.get(30, TimeUnit.SECONDS), "a virtual thread");
            thread.join();
            harness.closeAndAssertNothingLeftBehind();
        }
    }

    @Test
    void everyEntryPointGivesTheSameResultFromACommonPoolTask() throws Exception {
        try (MatrixHarness harness = new MatrixHarness()) {
            Map<EntryPoint, String> results = ForkJoinPool.commonPool().submit(() -> {
                assertThat(Thread.currentThread()).isInstanceOfSatisfying(ForkJoinWorkerThread.class,
                        worker -> assertThat(worker.getPool()).isSameAs(ForkJoinPool.commonPool()));
                return fromThisThread("common-pool", harness.engine);
            }).get(30, TimeUnit.SECONDS);
            MatrixHarness.assertSameResults(results, "a ForkJoinPool.commonPool() task");
            harness.closeAndAssertNothingLeftBehind();
        }
    }

    @Test
    void everyEntryPointGivesTheSameResultFromTheElementsOfAParallelStream() throws Exception {
        try (MatrixHarness harness = new MatrixHarness()) {
            List<Map<EntryPoint, String>> results = IntStream.range(0, 8).parallel()
                    .mapToObj(i -> fromThisThread("parallel-stream-" + i, harness.engine))
                    .toList();
            assertThat(results).hasSize(8);
            for (Map<EntryPoint, String> result : results) {
                MatrixHarness.assertSameResults(result, "an element of a parallel stream");
            }
            harness.closeAndAssertNothingLeftBehind();
        }
    }

    @Test
    void everyEntryPointGivesTheSameResultFromATimerThread() throws Exception {
        try (MatrixHarness harness = new MatrixHarness()) {
            Timer timer = new Timer("context-timer"); // a non-daemon thread, as Timer makes by default
            AtomicReference<Thread> timerThread = new AtomicReference<>();
            CompletableFuture<Map<EntryPoint, String>> results = new CompletableFuture<>();
            timer.schedule(new TimerTask() {
                @Override
                public void run() {
                    timerThread.set(Thread.currentThread());
                    try {
                        results.complete(fromThisThread("timer", harness.engine));
                    } catch (Throwable failure) {
                        results.completeExceptionally(failure);
                    }
                }
            }, 0);
            try {
                MatrixHarness.assertSameResults(results.get(30, TimeUnit.SECONDS), "a java.util.Timer thread");
            } finally {
                timer.cancel();
            }
            assertThat(timerThread.get().getName()).isEqualTo("context-timer");
            timerThread.get().join(5000);
            harness.closeAndAssertNothingLeftBehind();
        }
    }
}
