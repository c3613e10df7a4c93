package io.loomflow.benchmarks;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.Task;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: the mean cost of one {@code task.call} inside a running flow, and of the floor (start and
 * join one virtual thread from inside a virtual thread), in the same fork.
 *
 * <p>JMH calls benchmark methods on a platform thread, so each invocation moves onto a virtual
 * thread once and then performs {@link #BATCH} operations there; {@link OperationsPerInvocation}
 * divides the time by {@link #BATCH}. The one hand-off per invocation (start and join of the
 * driving virtual thread, or the root run of the flow) is thereby spread over 1,000 operations.
 * JMH reports means; {@link CallLatency} reports medians and tails of individually timed
 * operations.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(1)
public class CallBenchmark {

    static final int BATCH = 1_000;

    private static final Runnable NOOP = () -> { };

    private static final Task<Integer, Integer> INCREMENT = Task.named("increment", (Integer x) -> x + 1);

    private static final Flow<Integer, Long> CALLS = Flow.named("calls", (Integer count) -> {
        long sink = 0;
        for (int i = 0; i < count; i++) {
            sink += INCREMENT.call(i);
        }
        return sink;
    });

    private Engine engine;

    @Setup
    public void openEngine() {
        engine = Engine.builder().name("bench").build();
    }

    @TearDown
    public void closeEngine() {
        engine.close();
    }

    /** The floor: from inside a virtual thread, start one virtual thread and join it. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void floorStartJoinVirtualThread() throws InterruptedException {
        Thread driver = Thread.startVirtualThread(() -> {
            try {
                for (int i = 0; i < BATCH; i++) {
                    Thread.startVirtualThread(NOOP).join();
                }
            } catch (InterruptedException interrupted) {
                throw new IllegalStateException(interrupted);
            }
        });
        driver.join();
    }

    /** One {@code task.call(i)} inside a running flow: no retries, timeout, limit or listeners. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long taskCallInFlow() {
        return engine.run(CALLS, BATCH);
    }
}
