package io.loomflow.benchmarks;

import io.loomflow.Engine;
import io.loomflow.data.Catalog;
import io.loomflow.data.Format;
import io.loomflow.data.Node;
import io.loomflow.data.Pipeline;
import io.loomflow.data.PipelineRun;
import io.loomflow.data.Storages;
import io.loomflow.data.spi.StagedWrite;
import io.loomflow.data.spi.Storage;
import io.loomflow.data.spi.StorageOptions;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A large CSV streamed through a pipeline node into JSON lines (issue 17), against the floor of
 * reading and writing the same bytes with no parsing, in one run, on {@code file:} storage.
 * <ul>
 *   <li>floor: the CSV read with {@code Storage.openRead} and written unchanged to another file with
 *       {@code Storage.openWrite} (64 KiB buffers, committed: a temporary file and a rename), the
 *       same calls a streamed dataset makes;</li>
 *   <li>node: a pipeline whose node takes the rows as a {@code Stream} of records ({@code
 *       Format.csvStream}) and returns it, saved as JSON lines ({@code Format.jsonLinesStream})
 *       as it is produced.</li>
 * </ul>
 * Rounds alternate floor and node. For each it prints wall time, rows/s and MB/s (of the CSV read,
 * and of the file written), and the heap high-water: the sum of the heap pools' peak usage
 * ({@code MemoryPoolMXBean}, reset before the phase; with G1 the pools' peaks are taken at different
 * moments, so the sum can exceed the heap's own peak, never fall below it), and the largest heap in
 * use before a collection ({@code HeapWatch}). Run it with {@code -Xmx256m}.
 *
 * <p>Options: {@code mb=2048} (the CSV's size, in MiB; made once, kept in {@code dir} and reused
 * when the size matches), {@code dir=} (default: {@code loomflow-streaming} under the temporary
 * folder), {@code rounds=2}, {@code keep=false} (keep the outputs).
 */
public final class StreamingCsvHarness {

    /** One row of the generated CSV. */
    public record Trip(long id, String company, String city, double km, String started, boolean paid) {
    }

    private static final String[] CITIES = {"Oslo", "Bergen", "Tromsø", "Lyon", "São Paulo", "Zürich", "Kraków", "Porto"};

    private StreamingCsvHarness() {
    }

    public static void main(String[] args) throws Exception {
        Benchmarks.Options options = Benchmarks.Options.parse("StreamingCsvHarness", args, "mb", "2048", "dir",
                Path.of(System.getProperty("java.io.tmpdir"), "loomflow-streaming").toString(), "rounds", "2", "keep", "false");
        long wanted = (long) options.number("mb") * 1024 * 1024;
        Path dir = Path.of(options.text("dir"));
        Files.createDirectories(dir);
        Path csv = dir.resolve("trips-" + options.number("mb") + "m.csv");
        long rows = generate(csv, wanted);
        long csvBytes = Files.size(csv);
        System.out.printf(Locale.ROOT, "input %s: %,d bytes, %,d rows%n%n", csv.getFileName(), csvBytes, rows);

        HeapWatch heap = HeapWatch.install();
        URI input = URI.create("file:" + csv.getFileName());
        URI copy = URI.create("file:floor-copy.csv");
        URI jsonl = URI.create("file:trips.jsonl");
        Map<String, String> root = Map.of("root", dir.toString());
        Catalog catalog = Catalog.builder().storage("file", root)
                .add("trips", input, Format.csvStream(Trip.class))
                .add("trips_jsonl", jsonl, Format.jsonLinesStream(Trip.class))
                .build();
        Pipeline pipeline = Pipeline.of(Node.of("convert", "trips", "trips_jsonl", (Stream<Trip> trips) -> trips));
        List<double[]> floors = new ArrayList<>();
        List<double[]> nodes = new ArrayList<>();
        try (Storage files = Storages.provider("file").open(new StorageOptions("file", root));
             Engine engine = Engine.builder().build()) {
            var flow = pipeline.toFlow("convert", catalog);
            for (int round = 1; round <= options.number("rounds"); round++) {
                floors.add(measure("floor", round, rows, csvBytes, heap, dir.resolve("floor-copy.csv"),
                        () -> copy(files, input, copy)));
                nodes.add(measure("node ", round, rows, csvBytes, heap, dir.resolve("trips.jsonl"),
                        () -> engine.run(flow, PipelineRun.all())));
            }
        }
        double[] floor = best(floors);
        double[] node = best(nodes);
        System.out.printf(Locale.ROOT, "%nbest of %d rounds: floor %.1f s, %.1f MB/s read; node %.1f s, %,.0f rows/s,"
                + " %.1f MB/s read, %.1f MB/s written: %.3f of the floor's read throughput%n", floors.size(), floor[0],
                floor[2], node[0], node[1], node[2], node[3], node[2] / floor[2]);
        System.out.printf(Locale.ROOT, "heap high-water of the node, largest of its rounds: %s (pool peaks), %s"
                + " (before a collection); max heap %s%n", HeapWatch.mib((long) nodes.stream().mapToDouble(n -> n[4]).max()
                .orElseThrow()), HeapWatch.mib((long) nodes.stream().mapToDouble(n -> n[5]).max().orElseThrow()),
                HeapWatch.mib(Runtime.getRuntime().maxMemory()));
        if (!Boolean.parseBoolean(options.text("keep"))) {
            Files.deleteIfExists(dir.resolve("floor-copy.csv"));
            Files.deleteIfExists(dir.resolve("trips.jsonl"));
        }
    }

    /** Runs one phase; returns seconds, rows/s, MB/s read, MB/s written, pool-peak heap, HeapWatch high-water. */
    private static double[] measure(String what, int round, long rows, long csvBytes, HeapWatch heap, Path output,
                                    Benchmarks.Run run) throws Exception {
        Files.deleteIfExists(output);
        System.gc();
        heap.reset();
        List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP).toList();
        pools.forEach(MemoryPoolMXBean::resetPeakUsage);
        long start = System.nanoTime();
        run.run();
        double seconds = (System.nanoTime() - start) / 1e9;
        heap.settle();
        long poolPeak = pools.stream().mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
        long written = Files.size(output);
        double[] figures = {seconds, rows / seconds, csvBytes / seconds / 1e6, written / seconds / 1e6, poolPeak,
            heap.highWaterBytes()};
        System.out.printf(Locale.ROOT, "round %d %s: %6.1f s  %,10.0f rows/s  %7.1f MB/s read  %7.1f MB/s written"
                        + " (%,d bytes)  heap high-water %s (pool peaks), %s (before a collection), %d collections%n",
                round, what, seconds, figures[1], figures[2], figures[3], written, HeapWatch.mib(poolPeak),
                HeapWatch.mib(heap.highWaterBytes()), heap.collections());
        return figures;
    }

    private static double[] best(List<double[]> rounds) {
        return rounds.stream().min((a, b) -> Double.compare(a[0], b[0])).orElseThrow();
    }

    /** The floor: the same bytes read and written through the storage's streams, no parsing. */
    private static void copy(Storage files, URI from, URI to) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = files.openRead(from); StagedWrite out = files.openWrite(to)) {
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                out.write(buffer, 0, read);
            }
            out.commit();
        }
    }

    /** Writes the CSV unless a file of at least {@code wanted} bytes is there; returns its rows. */
    private static long generate(Path csv, long wanted) throws IOException {
        Path count = csv.resolveSibling(csv.getFileName() + ".rows");
        if (Files.exists(csv) && Files.exists(count) && Files.size(csv) >= wanted) {
            return Long.parseLong(Files.readString(count).strip());
        }
        long rows = 0;
        long bytes;
        try (BufferedWriter out = Files.newBufferedWriter(csv)) {
            String header = "id,company,city,km,started,paid\n";
            out.write(header);
            bytes = header.length();
            StringBuilder row = new StringBuilder(128);
            while (bytes < wanted) {
                rows++;
                row.setLength(0);
                row.append(rows).append(",\"Company ").append(rows % 5003).append(", Ltd\",")
                        .append(CITIES[(int) (rows % CITIES.length)]).append(',')
                        .append((rows * 7919) % 100_000 / 100.0).append(',')
                        .append("2026-11-").append(10 + rows % 20).append("T0").append(rows % 10).append(":15:30Z,")
                        .append(rows % 3 != 0).append('\n');
                out.append(row);
                bytes += row.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            }
        }
        Files.writeString(count, Long.toString(rows));
        return rows;
    }
}
