package io.loomflow.benchmarks;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.data.Catalog;
import io.loomflow.data.Format;
import io.loomflow.data.Node;
import io.loomflow.data.Pipeline;
import io.loomflow.data.PipelineRun;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * The dataset loads of {@link DatasetIoHarness} against a real object store: N small objects are
 * written under a fresh prefix, then loaded one by one and by one pipeline node under a
 * {@code dataset-io} limit of C. For the record: there is no target, latency is the store's own.
 *
 * <p>Arguments: {@code <base URI> [key=value storage options ...]}, for example
 * {@code az://bench/ connectionString=... createContainers=true} or
 * {@code s3://bench/ region=us-east-1 endpoint=http://127.0.0.1:9090 pathStyle=true accessKey=a secretKey=b};
 * system properties {@code n} (200), {@code c} (32) and {@code repeats} (5).
 */
public final class ObjectStorageLoadHarness {

    private ObjectStorageLoadHarness() {
    }

    public static void main(String[] args) throws Exception {
        URI base = URI.create(args[0].endsWith("/") ? args[0] : args[0] + "/");
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            int equals = args[i].indexOf('=');
            options.put(args[i].substring(0, equals), args[i].substring(equals + 1));
        }
        int n = Integer.getInteger("n", 200);
        int c = Integer.getInteger("c", 32);
        int repeats = Integer.getInteger("repeats", 5);
        Benchmarks.printEnvironment("ObjectStorageLoadHarness");
        System.out.printf(Locale.ROOT, "store %s, N=%d objects of about 30 bytes, C=%d, median of %d runs%n%n",
                base.getScheme() + ":", n, c, repeats);

        String prefix = "bench-" + UUID.randomUUID() + "/";
        List<String> names = IntStream.range(0, n).mapToObj(i -> "part" + i).toList();
        Catalog.Builder builder = Catalog.builder().storage(base.getScheme(), options);
        names.forEach(name -> builder.add(name, "text", base.resolve(prefix + name)));
        Catalog catalog = builder.build();

        try (Engine engine = Engine.builder().limit(Pipeline.IO_LIMIT, c).build()) {
            engine.run(Flow.named("write", (Integer i) -> {
                for (String name : names) {
                    catalog.dataset(name, Format.text()).save("content of " + name);
                }
                return i;
            }), 0);
            Flow<Integer, Integer> oneByOne = Flow.named("one-by-one", (Integer i) -> {
                names.forEach(name -> catalog.dataset(name, Format.text()).load());
                return names.size();
            });
            Flow<PipelineRun, Map<String, Object>> node = Pipeline.of(Node.of("read-all", names, List.of("count"),
                    in -> names.size())).toFlow("load-all", catalog);
            double sequential = Benchmarks.medianMillis(repeats, () -> engine.run(oneByOne, 0));
            double concurrent = Benchmarks.medianMillis(repeats, () -> engine.run(node, PipelineRun.all()));
            System.out.printf(Locale.ROOT, "N=%d loads, one by one:     %8.1f ms (%.2f ms per load)%n", n, sequential,
                    sequential / n);
            System.out.printf(Locale.ROOT, "N=%d loads, one node, C=%d: %8.1f ms%n", n, c, concurrent);
            System.out.printf(Locale.ROOT, "RESULT %s: one by one %.1f ms, concurrent %.1f ms, %.1fx faster%n",
                    base.getScheme(), sequential, concurrent, sequential / concurrent);
        }
    }

}
