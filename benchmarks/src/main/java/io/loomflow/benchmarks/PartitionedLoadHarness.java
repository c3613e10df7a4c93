package io.loomflow.benchmarks;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.Resource;
import io.loomflow.azure.AzuriteServer;
import io.loomflow.data.Catalog;
import io.loomflow.data.Format;
import io.loomflow.data.Node;
import io.loomflow.data.Partitions;
import io.loomflow.data.Pipeline;
import io.loomflow.data.PipelineRun;
import io.loomflow.data.Storages;
import io.loomflow.data.spi.Storage;
import io.loomflow.data.spi.StorageOptions;
import io.loomflow.s3.S3Mock;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * A partitioned load of many small objects (issue 17): one partitioned dataset of N objects of
 * about 100 bytes, loaded whole at a {@code dataset-io} limit of C, as a user writes it: a pipeline
 * node whose input is the partitioned dataset and which calls {@link Partitions#loadAll()}, and
 * scenario S1's one line {@code catalog.partitioned("blobs").load().loadAll()} in a flow.
 *
 * <ul>
 *   <li>{@code latency}: on the in-memory storage behind {@link LatencyStorage}, which adds L to
 *       every call, against the ideal L x ceil(N / C) plus one listing (L); the listing alone; and
 *       the same load with L = 0, the engine's own cost of N partition runs.</li>
 *   <li>{@code s3latency}: the same through the {@code s3:} storage, from an S3 endpoint on
 *       127.0.0.1 that answers every request after L ({@link SlowS3Endpoint}), with the storage's
 *       default HTTP connection pool and with a pool of 50 (the AWS SDK's default).</li>
 *   <li>{@code azurite}, {@code s3mock}: against Azurite and S3Mock started by this harness on
 *       127.0.0.1 (as the modules' tests start them) and stopped at its end; the objects are
 *       uploaded first (not timed); the listing; a sample of the partitions loaded one by one, which
 *       gives the latency of one load, extrapolated to N; the concurrent load by the pipeline node;
 *       and the ideal: that latency x ceil(N / C) plus the listing.</li>
 * </ul>
 *
 * <p>Arguments, {@code key=value}: {@code parts} ({@code latency,s3latency,azurite,s3mock}), {@code n}
 * (10000), {@code c} (64), {@code latencyMillis} (20), {@code repeats} (5; median after a warm-up,
 * for the latency part), {@code storeRepeats} (2; the same for the real stores), {@code sample} (500),
 * {@code azurite} (the folder Azurite is installed in, {@code loomflow-azure/target/azurite}),
 * {@code s3mockJar} ({@code loomflow-s3/target/s3mock/s3mock.jar}). Run from the repository root.
 */
public final class PartitionedLoadHarness {

    private static final String DATASET = "blobs";
    /** About 100 bytes of text, each object's content after its id. */
    private static final String FILLER = " lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor"
            + " incididunt ut";

    private PartitionedLoadHarness() {
    }

    public static void main(String[] args) throws Exception {
        Benchmarks.Options options = Benchmarks.Options.parse("PartitionedLoadHarness", args,
                "parts", "latency,s3latency,azurite,s3mock", "n", "10000", "c", "64", "latencyMillis", "20", "repeats", "5",
                "storeRepeats", "2", "sample", "500", "azurite", "loomflow-azure/target/azurite",
                "s3mockJar", "loomflow-s3/target/s3mock/s3mock.jar");
        int n = options.number("n");
        int c = options.number("c");
        List<String> parts = List.of(options.text("parts").split(","));
        List<String> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(String.format(Locale.ROOT, "part-%05d", i));
        }
        System.out.printf(Locale.ROOT, "N=%d partitions of %d bytes, C=%d%n%n", n, content(ids.get(0)).length(), c);
        if (parts.contains("latency")) {
            latency(ids, c, Duration.ofMillis(options.number("latencyMillis")), options.number("repeats"));
        }
        if (parts.contains("s3latency")) {
            s3Latency(ids, c, Duration.ofMillis(options.number("latencyMillis")), options.number("repeats"));
        }
        if (parts.contains("azurite")) {
            System.setProperty("loomflow.azurite.directory", options.text("azurite"));
            try (AzuriteServer azurite = AzuriteServer.start()) {
                Runtime.getRuntime().addShutdownHook(new Thread(azurite::close, "azurite-stop-on-exit"));
                realStore("Azurite " + AzuriteServer.VERSION, URI.create("az://bench-" + UUID.randomUUID() + "/"),
                        Map.of("connectionString", azurite.connectionString(), "createContainers", "true"), ids, c,
                        options);
            }
        }
        if (parts.contains("s3mock")) {
            Path work = Files.createTempDirectory("loomflow-s3mock-");
            System.setProperty("loomflow.s3mock.jar", options.text("s3mockJar"));
            System.setProperty("loomflow.s3mock.log", work.resolve("s3mock.log").toString());
            System.setProperty("loomflow.s3mock.root", work.resolve("data").toString());
            try (S3Mock s3 = S3Mock.start(Clock.systemUTC())) {
                realStore("S3Mock", URI.create("s3://" + S3Mock.BUCKET + "/bench-" + UUID.randomUUID() + "/"),
                        s3.options(Map.of()).values(), ids, c, options);
            } finally {
                Benchmarks.deleteTree(work);
            }
        }
    }

    /** The partitioned load under a simulated latency L on every storage call, against the ideal. */
    private static void latency(List<String> ids, int c, Duration latency, int repeats) throws Exception {
        int n = ids.size();
        Storage memory = Storages.provider("mem").open(StorageOptions.none("mem"));
        URI prefix = URI.create("mem://bench/blobs/");
        for (String id : ids) {
            memory.write(prefix.resolve(id), content(id).getBytes(StandardCharsets.UTF_8));
        }
        double ms = latency.toNanos() / 1e6;
        System.out.printf(Locale.ROOT, "== in-memory storage, L=%.0f ms per storage call, median of %d runs after a"
                + " warm-up%n", ms, repeats);
        Map<Duration, double[]> walls = new LinkedHashMap<>();
        for (Duration each : List.of(latency, Duration.ZERO)) {
            Resource<Storage> slow = Resource.named("mem with latency " + each.toMillis() + " ms",
                    () -> new LatencyStorage(memory, each));
            Catalog catalog = catalog(prefix).withStorage("mem", slow);
            try (Engine engine = Engine.builder().limit(Pipeline.IO_LIMIT, c).build()) {
                walls.put(each, measure(engine, catalog, n, repeats));
            }
        }
        double[] slow = walls.get(latency);
        double[] free = walls.get(Duration.ZERO);
        double ideal = ms * Math.ceil((double) n / c) + ms;
        System.out.printf(Locale.ROOT, "listing %d objects:                     %9.1f ms (L = %.1f ms)%n", n, slow[0], ms);
        System.out.printf(Locale.ROOT, "load all, pipeline node:                %9.1f ms (ideal L x ceil(N/C) + L = %.1f ms;"
                + " efficiency %.2f)%n", slow[1], ideal, ideal / slow[1]);
        System.out.printf(Locale.ROOT, "load all, S1's line in a flow:          %9.1f ms (efficiency %.2f)%n", slow[2],
                ideal / slow[2]);
        System.out.printf(Locale.ROOT, "the same with L=0: listing %.1f ms, node %.1f ms, S1's line %.1f ms"
                + " (%.1f us per partition run)%n", free[0], free[1], free[2], free[1] * 1000 / n);
        System.out.printf(Locale.ROOT, "RESULT latency: efficiency %.2f (node), %.2f (S1's line) against L x ceil(N/C) + L%n%n",
                ideal / slow[1], ideal / slow[2]);
    }

    /**
     * The same load through the {@code s3:} storage (the AWS SDK and its HTTP connection pool) from
     * an S3 endpoint on loopback that answers every request after L: with the storage's default
     * pool, and with a pool of 50, the SDK's own default, which was the storage's before issue 17.
     */
    private static void s3Latency(List<String> ids, int c, Duration latency, int repeats) throws Exception {
        int n = ids.size();
        double ms = latency.toNanos() / 1e6;
        double ideal = ms * Math.ceil((double) n / c) + ms;
        System.out.printf(Locale.ROOT, "== s3: storage against an S3 endpoint on 127.0.0.1 that answers after L=%.0f ms,"
                + " median of %d runs after a warm-up%n", ms, repeats);
        try (SlowS3Endpoint endpoint = new SlowS3Endpoint("bench", latency)) {
            ids.forEach(id -> endpoint.put("blobs/" + id, content(id).getBytes(StandardCharsets.UTF_8)));
            for (String pool : List.of("", "50")) {
                Catalog catalog = catalog(URI.create("s3://bench/blobs/"),
                        endpoint.options(pool.isEmpty() ? Map.of() : Map.of("maxConnections", pool)));
                try (Engine engine = Engine.builder().limit(Pipeline.IO_LIMIT, c).build()) {
                    endpoint.takeMostInFlight();
                    double[] walls = measure(engine, catalog, n, repeats);
                    String name = pool.isEmpty() ? "default pool" : "pool of " + pool;
                    System.out.printf(Locale.ROOT, "%-13s listing %.1f ms; node %.1f ms (efficiency %.2f); S1's line"
                            + " %.1f ms (%.2f); at most %d requests in flight at once%n", name, walls[0], walls[1],
                            ideal / walls[1], walls[2], ideal / walls[2], endpoint.takeMostInFlight());
                    System.out.printf(Locale.ROOT, "RESULT s3 at L, %s: node %.1f ms against the ideal %.1f ms, efficiency"
                            + " %.2f%n", name, walls[1], ideal, ideal / walls[1]);
                }
            }
            System.out.println();
        }
    }

    /** The objects uploaded to a real store, then listed, loaded concurrently and (a sample) one by one. */
    private static void realStore(String store, URI prefix, Map<String, String> storageOptions, List<String> ids, int c,
                                  Benchmarks.Options options) throws Exception {
        int n = ids.size();
        int repeats = options.number("storeRepeats");
        int sampleSize = Math.min(n, options.number("sample"));
        Catalog catalog = catalog(prefix, storageOptions);
        System.out.printf(Locale.ROOT, "== %s on 127.0.0.1, %s, median of %d runs after a warm-up%n", store, prefix,
                repeats);
        try (Engine engine = Engine.builder().limit(Pipeline.IO_LIMIT, c).build()) {
            long start = System.nanoTime();
            engine.run(Flow.named("upload", (Integer ignored) -> {
                Map<String, Supplier<String>> partitions = new LinkedHashMap<>();
                ids.forEach(id -> partitions.put(id, () -> content(id)));
                catalog.partitioned(DATASET).save(partitions);
                return ignored;
            }), 0);
            System.out.printf(Locale.ROOT, "uploaded %d objects in %.1f s (not timed below)%n", n,
                    (System.nanoTime() - start) / 1e9);
            double listing = Benchmarks.medianMillis(repeats, () -> check(n, engine.run(listing(catalog), 0)));
            System.out.printf(Locale.ROOT, "listing %d objects:                     %9.1f ms%n", n, listing);
            List<String> sample = ids.subList(0, sampleSize);
            Flow<Integer, Integer> oneByOne = Flow.named("one-by-one", (Integer ignored) -> {
                Partitions<String> partitions = catalog.partitioned(DATASET, Format.text()).load();
                int loaded = 0;
                for (String id : sample) {
                    loaded += partitions.get(id).get().isEmpty() ? 0 : 1;
                }
                return loaded;
            });
            double sequential = Benchmarks.medianMillis(repeats, () -> check(sampleSize, engine.run(oneByOne, 0)))
                    - listing;
            double perLoad = sequential / sampleSize;
            double extrapolated = listing + perLoad * n;
            double ideal = listing + perLoad * Math.ceil((double) n / c);
            System.out.printf(Locale.ROOT, "one by one, %d of them:                %9.1f ms (%.3f ms a load), so for N:"
                    + " %.1f ms with the listing%s%n", sampleSize, sequential, perLoad, extrapolated,
                    sampleSize < n ? " (extrapolated)" : "");
            double node = Benchmarks.medianMillis(repeats, () -> check(n, engine.run(node(catalog), PipelineRun.all())
                    .get("count")));
            System.out.printf(Locale.ROOT, "load all, pipeline node, C=%d:          %9.1f ms (%.1fx one by one; ideal %.1f ms,"
                    + " efficiency %.2f)%n", c, node, extrapolated / node, ideal, ideal / node);
            System.out.printf(Locale.ROOT, "RESULT %s: node %.1f ms, one by one %.1f ms, %.1fx; efficiency %.2f against"
                    + " the one-by-one latency x ceil(N/C) + listing%n%n", store, node, extrapolated,
                    extrapolated / node, ideal / node);
        }
    }

    /**
     * The medians of: the listing alone, the load of every partition by a pipeline node, and S1's
     * line in a flow; each checks that N partitions were loaded.
     */
    private static double[] measure(Engine engine, Catalog catalog, int n, int repeats) throws Exception {
        Flow<Integer, Integer> line = Flow.named("s1", (Integer ignored) ->
                catalog.partitioned(DATASET).load().loadAll().size());
        double list = Benchmarks.medianMillis(repeats, () -> check(n, engine.run(listing(catalog), 0)));
        double byNode = Benchmarks.medianMillis(repeats, () -> check(n, engine.run(node(catalog), PipelineRun.all())
                .get("count")));
        double byLine = Benchmarks.medianMillis(repeats, () -> check(n, engine.run(line, 0)));
        return new double[] {list, byNode, byLine};
    }

    /** A flow that lists the partitions and reads none. */
    private static Flow<Integer, Integer> listing(Catalog catalog) {
        return Flow.named("list", (Integer ignored) -> catalog.partitioned(DATASET).load().size());
    }

    /** A pipeline whose one node takes the partitioned dataset, loads every partition and counts them. */
    private static Flow<PipelineRun, Map<String, Object>> node(Catalog catalog) {
        return Pipeline.of(Node.of("count", List.of(DATASET), List.of("count"), in -> {
            Partitions<String> partitions = in.get(DATASET);
            return partitions.loadAll().size();
        })).toFlow("load-partitions", catalog);
    }

    private static void check(int expected, Object loaded) {
        if (!Integer.valueOf(expected).equals(loaded)) {
            throw new IllegalStateException("loaded " + loaded + " partitions, not " + expected);
        }
    }

    private static Catalog catalog(URI prefix) {
        return Catalog.builder().addPartitioned(DATASET, prefix, Format.text(), "", false).build();
    }

    private static Catalog catalog(URI prefix, Map<String, String> storageOptions) {
        return Catalog.builder().storage(prefix.getScheme(), storageOptions)
                .addPartitioned(DATASET, prefix, Format.text(), "", false).build();
    }

    private static String content(String id) {
        return id + FILLER;
    }
}
