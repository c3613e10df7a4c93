package io.loomflow.examples.contexts;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The context matrix for a bounded pool: an {@code ExecutorService} of 2 platform threads runs 20
 * jobs, each of which runs a flow or task (through each entry point in turn: {@code Flow.run},
 * {@code engine.run}, {@code task.call}, {@code engine.run(task)}, {@code runAsync},
 * {@code engine.runAsync}) whose body runs another flow with {@code flow.run} ({@link MatrixFlows},
 * itself mapping a task and calling a subflow).
 * With only 2 pool threads and 20 jobs, each blocked in a run that blocks in a nested run, a design
 * that ran work on the caller's pool would deadlock; the jobs must all finish within the bound, with
 * the reference result, on pool threads left as they were, and with no thread left behind.
 */
class BoundedPoolNestingTest {

    private static final int JOBS = 20;

    /** The outer flow: runs the matrix flow from inside its body. */
    private static final Flow<Integer, String> OUTER = Flow.named("outer", (Integer items) -> MatrixFlows.FLOW.run(items));

    /** The same as a task, for {@code task.call} and {@code engine.run(task, x)} from the pool. */
    private static final Task<Integer, String> OUTER_TASK = Task.named("outer-task",
            (Integer items) -> MatrixFlows.FLOW.run(items));

    private static String job(int index, Engine engine) {
        try (var _ = CallerState.mark("pool-job-" + index)) {
            CallerState before = CallerState.capture();
            String result = switch (index % 6) {
                case 0 -> OUTER.run(MatrixFlows.ITEMS);
                case 1 -> engine.run(OUTER, MatrixFlows.ITEMS);
                case 2 -> OUTER_TASK.call(MatrixFlows.ITEMS);
                case 3 -> engine.run(OUTER_TASK, MatrixFlows.ITEMS);
                case 4 -> OUTER.runAsync(MatrixFlows.ITEMS).join();
                default -> engine.runAsync(OUTER, MatrixFlows.ITEMS).join();
            };
            CallerState after = CallerState.capture();
            if (!after.equals(before) || after.interrupted()) {
                throw new AssertionError("job " + index + " changed its pool thread: before " + before + ", after " + after);
            }
            return result;
        }
    }

    private static List<String> runJobs(ExecutorService pool, Engine engine) throws Exception {
        List<Future<String>> futures = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            int index = i;
            futures.add(pool.submit(() -> job(index, engine)));
        }
        List<String> results = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (Future<String> future : futures) {
            // A deadlock shows up here as a timeout, not as a hung build.
            results.add(future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
        }
        return results;
    }

    @Test
    void twentyJobsOnTwoPlatformThreadsEachRunningAFlowThatRunsAFlowAllFinish() throws Exception {
        try (MatrixHarness harness = new MatrixHarness()) {
            AtomicInteger poolThreads = new AtomicInteger();
            ThreadFactory platform = Thread.ofPlatform().name("bounded-pool-", 1).daemon(false).factory();
            ExecutorService pool = Executors.newFixedThreadPool(2, body -> {
                poolThreads.incrementAndGet();
                return platform.newThread(body);
            });
            List<String> results;
            try {
                results = runJobs(pool, harness.engine);
            } finally {
                pool.shutdownNow();
                assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).as("the pool terminated").isTrue();
            }
            assertThat(results).hasSize(JOBS).containsOnly(MatrixFlows.reference());
            assertThat(poolThreads.get()).isEqualTo(2);
            harness.closeAndAssertNothingLeftBehind();
        }
    }

    /**
     * The same with a named limit of one permit held by the outer flow and taken again by the inner
     * one: lineage re-entrancy must let the inner run go under the outer's permit.
     */
    @Test
    void nestingUnderAOnePermitLimitFromTwoPoolThreadsDoesNotDeadlock() throws Exception {
        Flow<Integer, String> inner = MatrixFlows.FLOW.withLimit("one");
        Flow<Integer, String> outer = Flow.named("outer-limited", (Integer items) -> inner.run(items)).withLimit("one");
        TrackingThreadFactory threads = new TrackingThreadFactory("loomflow-limited-");
        Engine engine = Engine.builder().name("limited").limit("one", 1).threadFactory(threads).build();
        ExecutorService pool = Executors.newFixedThreadPool(2, Thread.ofPlatform().name("limited-pool-", 1).factory());
        try {
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                futures.add(pool.submit(() -> engine.run(outer, MatrixFlows.ITEMS)));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            for (Future<String> future : futures) {
                assertThat(future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS))
                        .isEqualTo(MatrixFlows.reference());
            }
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).as("the pool terminated").isTrue();
            engine.close();
        }
        assertThat(threads.notTerminated()).as("threads of the engine alive after close()").isEmpty();
    }
}
