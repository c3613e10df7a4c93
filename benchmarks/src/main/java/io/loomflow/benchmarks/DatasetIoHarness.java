package io.loomflow.benchmarks;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.Resource;
import io.loomflow.data.Catalog;
import io.loomflow.data.Format;
import io.loomflow.data.Node;
import io.loomflow.data.Pipeline;
import io.loomflow.data.PipelineRun;
import io.loomflow.data.Storages;
import io.loomflow.data.spi.Storage;
import io.loomflow.data.spi.StorageOptions;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Concurrent dataset I/O where latency dominates (scenario S2): a storage that adds a fixed latency
 * L to every call ({@link LatencyStorage}, only in the benchmarks), N datasets loaded by a pipeline node under a
 * dataset-io limit of C, against the ideal L x ceil(N / C) and against loading them one by one; then
 * a node with k inputs against loading its k inputs one by one.
 *
 * <p>Arguments: {@code [latencyMillis=20] [n=200] [c=32] [k=8] [repeats=5]}.
 */
public final class DatasetIoHarness {

    private DatasetIoHarness() {
    }

    public static void main(String[] args) throws Exception {
        Duration latency = Duration.ofMillis(args.length > 0 ? Long.parseLong(args[0]) : 20);
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int c = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        int k = args.length > 3 ? Integer.parseInt(args[3]) : 8;
        int repeats = args.length > 4 ? Integer.parseInt(args[4]) : 5;
        Benchmarks.printEnvironment("DatasetIoHarness");
        System.out.printf(Locale.ROOT, "latency %d ms per storage call, N=%d, C=%d, k=%d, median of %d runs%n%n",
                latency.toMillis(), n, c, k, repeats);

        Storage memory = Storages.provider("mem").open(StorageOptions.none("mem"));
        Resource<Storage> slow = Resource.named("slow mem", () -> new LatencyStorage(memory, latency));
        List<String> names = IntStream.range(0, n).mapToObj(i -> "part" + i).toList();
        for (String name : names) {
            memory.write(URI.create("mem://bench/" + name), ("content of " + name).getBytes());
        }
        Catalog.Builder builder = Catalog.builder();
        names.forEach(name -> builder.add(name, "text", URI.create("mem://bench/" + name)));
        Catalog catalog = builder.build().withStorage("mem", slow);

        try (Engine engine = Engine.builder().limit(Pipeline.IO_LIMIT, c).build()) {
            double sequential = Benchmarks.medianMillis(repeats, () -> engine.run(loadOneByOne(catalog, names), 0));
            double concurrent = Benchmarks.medianMillis(repeats, () -> engine.run(
                    Pipeline.of(readAll("read-all", names)).toFlow("load-all", catalog), PipelineRun.all()));
            double ideal = latency.toNanos() / 1e6 * Math.ceil((double) n / c);
            double efficiency = ideal / concurrent;
            System.out.printf(Locale.ROOT, "N=%d loads, one by one:        %8.1f ms%n", n, sequential);
            System.out.printf(Locale.ROOT, "N=%d loads, pipeline, C=%d:     %8.1f ms (ideal L x ceil(N/C) = %.1f ms)%n",
                    n, c, concurrent, ideal);
            System.out.printf(Locale.ROOT, "RESULT efficiency ideal/measured %.2f (target >= 0.80): %s%n%n", efficiency,
                    efficiency >= 0.8 ? "MET" : "MISSED");

            List<String> inputs = names.subList(0, k);
            double kSequential = Benchmarks.medianMillis(repeats, () -> engine.run(loadOneByOne(catalog, inputs), 0));
            double kConcurrent = Benchmarks.medianMillis(repeats, () -> engine.run(
                    Pipeline.of(readAll("node-with-k-inputs", inputs)).toFlow("k-inputs", catalog), PipelineRun.all()));
            double speedup = kSequential / kConcurrent;
            System.out.printf(Locale.ROOT, "k=%d inputs, one by one: %8.1f ms%n", k, kSequential);
            System.out.printf(Locale.ROOT, "k=%d inputs, one node:   %8.1f ms%n", k, kConcurrent);
            System.out.printf(Locale.ROOT, "RESULT speedup %.2f (target >= 0.8 x k = %.1f): %s%n", speedup, 0.8 * k,
                    speedup >= 0.8 * k ? "MET" : "MISSED");
        }
    }

    /** A node that reads every named dataset and outputs how many it read. */
    private static Node readAll(String name, List<String> inputs) {
        return Node.of(name, inputs, List.of("count"), in -> inputs.stream().map(i -> (String) in.get(i)).count());
    }

    /** A flow that loads the datasets one after the other, the baseline. */
    private static Flow<Integer, Integer> loadOneByOne(Catalog catalog, List<String> names) {
        return Flow.named("one-by-one", (Integer ignored) -> {
            int loaded = 0;
            for (String name : names) {
                catalog.dataset(name, Format.text()).load();
                loaded++;
            }
            return loaded;
        });
    }
}
