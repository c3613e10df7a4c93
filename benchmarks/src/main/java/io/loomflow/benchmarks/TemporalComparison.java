package io.loomflow.benchmarks;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.Task;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.stream.IntStream;

/**
 * Harness: the same two flows on Loomflow and on Temporal's in-process test environment
 * ({@code io.temporal:temporal-testing}), timed in one JVM, with the ratio Temporal / Loomflow.
 *
 * <ul>
 *   <li><b>sequential</b>: {@code count} trivial steps one after another, each taking the previous
 *       result ({@code x -> x + 1}): Loomflow {@code increment.call(x)} in a flow body; Temporal an
 *       activity call on an activity stub in a workflow method.</li>
 *   <li><b>fan-out</b>: {@code width} trivial steps at once, joined: Loomflow
 *       {@code increment.map(inputs).join()} (no limit, so all start at once); Temporal
 *       {@code Async.function(activities::increment, i)} per item and {@code Promise.allOf}.</li>
 * </ul>
 * Each measurement is one whole workflow/flow execution as its caller sees it: Temporal
 * {@code stub.run(n)} through the environment's {@code WorkflowClient} (start, history, workflow
 * and activity tasks, result); Loomflow {@code engine.run(flow, n)}. The environment and the
 * engine are started once, before timing; environment start-up is printed separately. Temporal
 * runs with its defaults except time skipping, which is off (no timers here, and it adds a lock
 * round trip per client call). Each shape first runs untimed, at least {@code warmup} times and for
 * at least 5 s (so that both sides are JIT-compiled), then {@code runs} times timed; the medians
 * are compared.
 *
 * <p>Arguments, all optional: {@code [count=100] [width=2000] [warmup=10] [runs=10]}.
 */
public final class TemporalComparison {

    private static final String TASK_QUEUE = "loomflow-benchmark";
    private static final long WARMUP_NANOS = TimeUnit.SECONDS.toNanos(5);

    // ---- Temporal definitions ----

    /** The activity: {@code x -> x + 1}. */
    @ActivityInterface
    public interface IncrementActivities {
        @ActivityMethod
        int increment(int x);
    }

    /** Implements the activity. */
    public static final class IncrementActivitiesImpl implements IncrementActivities {
        @Override
        public int increment(int x) {
            return x + 1;
        }
    }

    /** Sequential: {@code count} activities, each on the previous one's result. */
    @WorkflowInterface
    public interface SequentialWorkflow {
        @WorkflowMethod
        int run(int count);
    }

    /** Implements the sequential workflow. */
    public static final class SequentialWorkflowImpl implements SequentialWorkflow {
        private final IncrementActivities activities = Workflow.newActivityStub(IncrementActivities.class,
                ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(60)).build());

        @Override
        public int run(int count) {
            int x = 0;
            for (int i = 0; i < count; i++) {
                x = activities.increment(x);
            }
            return x;
        }
    }

    /** Fan-out: {@code width} activities started at once, then all awaited. */
    @WorkflowInterface
    public interface FanOutWorkflow {
        @WorkflowMethod
        int run(int width);
    }

    /** Implements the fan-out workflow. */
    public static final class FanOutWorkflowImpl implements FanOutWorkflow {
        private final IncrementActivities activities = Workflow.newActivityStub(IncrementActivities.class,
                ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(60)).build());

        @Override
        public int run(int width) {
            List<Promise<Integer>> results = new ArrayList<>(width);
            for (int i = 0; i < width; i++) {
                results.add(Async.function(activities::increment, i));
            }
            Promise.allOf(results).get();
            int sum = 0;
            for (Promise<Integer> result : results) {
                sum += result.get();
            }
            return sum;
        }
    }

    // ---- Loomflow definitions ----

    private static final Task<Integer, Integer> INCREMENT = Task.named("increment", (Integer x) -> x + 1);

    private static final Flow<Integer, Integer> SEQUENTIAL = Flow.named("sequential", (Integer count) -> {
        int x = 0;
        for (int i = 0; i < count; i++) {
            x = INCREMENT.call(x);
        }
        return x;
    });

    private static final Flow<List<Integer>, Integer> FAN_OUT = Flow.named("fan-out", (List<Integer> inputs) -> {
        int sum = 0;
        for (int result : INCREMENT.map(inputs).join()) {
            sum += result;
        }
        return sum;
    });

    private TemporalComparison() {
    }

    public static void main(String[] args) {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int width = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 10;

        Benchmarks.printEnvironment("TemporalComparison");
        System.out.printf(Locale.ROOT, "sequential: %d activities/task calls; fan-out: %,d; warm-up >= %d runs and >= 5 s,"
                + " then %d timed runs each%n%n", count, width, warmup, runs);

        int expectedSequential = count;
        int expectedFanOut = width * (width + 1) / 2;
        List<Integer> inputs = IntStream.range(0, width).boxed().toList();

        double[] loomSequential;
        double[] loomFanOut;
        try (Engine engine = Engine.builder().name("bench").build()) {
            loomSequential = time("loomflow sequential", warmup, runs, expectedSequential,
                    () -> engine.run(SEQUENTIAL, count));
            loomFanOut = time("loomflow fan-out", warmup, runs, expectedFanOut, () -> engine.run(FAN_OUT, inputs));
        }

        double[] temporalSequential;
        double[] temporalFanOut;
        long startUp = System.nanoTime();
        TestWorkflowEnvironment environment = TestWorkflowEnvironment.newInstance(
                TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
        try {
            Worker worker = environment.newWorker(TASK_QUEUE);
            worker.registerWorkflowImplementationTypes(SequentialWorkflowImpl.class, FanOutWorkflowImpl.class);
            worker.registerActivitiesImplementations(new IncrementActivitiesImpl());
            environment.start();
            System.out.printf(Locale.ROOT, "temporal test environment started in %.0f ms (not counted below)%n",
                    (System.nanoTime() - startUp) / 1e6);
            WorkflowClient client = environment.getWorkflowClient();
            WorkflowOptions options = WorkflowOptions.newBuilder().setTaskQueue(TASK_QUEUE).build();
            temporalSequential = time("temporal sequential", warmup, runs, expectedSequential,
                    () -> client.newWorkflowStub(SequentialWorkflow.class, options).run(count));
            temporalFanOut = time("temporal fan-out", warmup, runs, expectedFanOut,
                    () -> client.newWorkflowStub(FanOutWorkflow.class, options).run(width));
        } finally {
            environment.close();
        }

        System.out.println();
        report("sequential x" + count, loomSequential, temporalSequential);
        report("fan-out x" + width, loomFanOut, temporalFanOut);
    }

    /** Runs {@code body} warm-up and timed times, checks its result, returns the timed runs in ms. */
    private static double[] time(String name, int warmup, int runs, int expected, IntSupplier body) {
        long warmupEnd = System.nanoTime() + WARMUP_NANOS;
        int warmupRuns = 0;
        while (warmupRuns < warmup || System.nanoTime() < warmupEnd) {
            check(name, expected, body.getAsInt());
            warmupRuns++;
        }
        double[] millis = new double[runs];
        for (int run = 0; run < runs; run++) {
            long start = System.nanoTime();
            int result = body.getAsInt();
            millis[run] = (System.nanoTime() - start) / 1e6;
            check(name, expected, result);
        }
        System.out.printf(Locale.ROOT, "%-20s %4d warm-up runs; timed runs (ms): %s  median %.3f ms%n", name,
                warmupRuns, format(millis), median(millis));
        return millis;
    }

    private static void check(String name, int expected, int result) {
        if (result != expected) {
            throw new IllegalStateException(name + " returned " + result + ", expected " + expected);
        }
    }

    private static void report(String shape, double[] loomflow, double[] temporal) {
        double loom = median(loomflow);
        double temp = median(temporal);
        System.out.printf(Locale.ROOT, "RESULT %-16s loomflow median %10.3f ms, temporal median %10.3f ms,"
                + " ratio temporal/loomflow %.1fx%n", shape, loom, temp, temp / loom);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static String format(double[] values) {
        StringBuilder text = new StringBuilder();
        for (double value : values) {
            text.append(text.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "%.2f", value));
        }
        return text.toString();
    }
}
