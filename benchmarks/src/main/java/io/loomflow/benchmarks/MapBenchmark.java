package io.loomflow.benchmarks;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.Task;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: wall time of one flow that maps a trivial task over 1,000,000 items under a limit of 64
 * and joins the results, in a fork capped at a 1 GiB heap. Single-shot: each iteration is one
 * whole map, as a caller would see it. Peak heap and memory per pending item are measured by
 * {@link MapHarness}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 10)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class MapBenchmark {

    private static final Task<Integer, Integer> TRIVIAL = Task.named("trivial", (Integer x) -> x + 1)
            .withLimit("cpu");

    private static final Flow<List<Integer>, Integer> MAP = Flow.named("map", (List<Integer> inputs) ->
            TRIVIAL.map(inputs).join().size());

    @Param("1000000")
    public int items;

    @Param("64")
    public int permits;

    private Engine engine;
    private List<Integer> inputs;

    @Setup
    public void setUp() {
        engine = Engine.builder().name("bench").limit("cpu", permits).build();
        inputs = IntStream.range(0, items).boxed().toList();
    }

    @TearDown
    public void tearDown() {
        engine.close();
    }

    @Benchmark
    public int mapUnderLimit() {
        int size = engine.run(MAP, inputs);
        if (size != items) {
            throw new IllegalStateException("map returned " + size + " results for " + items + " items");
        }
        return size;
    }
}
