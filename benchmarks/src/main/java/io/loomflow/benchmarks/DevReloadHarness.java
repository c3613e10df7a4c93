package io.loomflow.benchmarks;

import io.loomflow.server.LoomflowServer;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;

/**
 * Dev mode's reload: from a saved edit of one flow source to the new generation serving, in a
 * directory of ten flow sources. A {@link LoomflowServer} in dev mode runs in this JVM on a
 * temporary directory of ten small flows (records for parameters and results, tasks, one of them
 * over a resource); each edit rewrites one source with its {@code VERSION} constant changed, as an
 * editor saves a file, and the clock runs from the write returning until the server's reload
 * listener reports the new generation (which it does once that generation serves). The listener's
 * own figure, {@code Reload.took()}, is the part spent compiling the ten sources, loading them and
 * swapping the generation in; the rest is noticing the change and letting it settle. Edits are
 * spaced out so that the generation replaced has closed before the next edit. To split compiling
 * from the rest, the harness also compiles the same sources by itself after each edit, outside the
 * timed window, as dev mode does (the JDK's compiler in this process, one file manager for every
 * compile, class files kept in memory, the same options and class path).
 *
 * <p>Arguments: {@code [edits=30] [warmupEdits=3] [pauseMillis=500]}.
 */
public final class DevReloadHarness {

    private static final int SOURCES = 10;

    /** What the reload listener saw: when, which generation, and the compile-to-serving time it reported. */
    private record Observed(long nanos, long generation, boolean swapped, Duration took, String problems) {
    }

    private DevReloadHarness() {
    }

    public static void main(String[] args) throws Exception {
        int edits = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long pauseMillis = args.length > 2 ? Long.parseLong(args[2]) : 500;
        Benchmarks.printEnvironment("DevReloadHarness");
        System.out.printf(Locale.ROOT, "%d flow sources, %d warm-up edits, %d measured edits, %d ms between edits%n%n",
                SOURCES, warmup, edits, pauseMillis);

        Path directory = Files.createTempDirectory("loomflow-dev-bench");
        Path flows = Files.createDirectories(directory.resolve("flows"));
        int[] versions = new int[SOURCES];
        for (int i = 0; i < SOURCES; i++) {
            Files.writeString(source(flows, i), FlowSources.source(i, versions[i]));
        }
        BlockingQueue<Observed> reloads = new LinkedBlockingQueue<>();
        long started = System.nanoTime();
        LoomflowServer server = LoomflowServer.builder().dev(flows).port(0).reloadGrace(Duration.ofSeconds(2))
                .onReload(reload -> reloads.add(new Observed(System.nanoTime(), reload.generation(), reload.swapped(),
                        reload.took(), reload.problems().toString())))
                .build().start();
        HttpClient http = HttpClient.newHttpClient();
        try {
            Observed first = next(reloads);
            System.out.printf(Locale.ROOT, "first generation: %d flows, start() took %.1f ms (compile and load %d ms)%n",
                    SOURCES, (System.nanoTime() - started) / 1e6, first.took().toMillis());
            long generation = first.generation();
            List<Double> total = new ArrayList<>();
            List<Double> compileAndLoad = new ArrayList<>();
            List<Double> compileAlone = new ArrayList<>();
            CompileAlone javac = new CompileAlone(flows);
            int extraCompiles = 0;
            for (int edit = 0; edit < warmup + edits; edit++) {
                int file = edit % SOURCES;
                versions[file]++;
                String text = FlowSources.source(file, versions[file]);
                Files.writeString(source(flows, file), text);
                long saved = System.nanoTime();
                Observed reload = next(reloads);
                if (!reload.swapped() || reload.generation() != generation + 1) {
                    throw new IllegalStateException("edit " + edit + " did not make generation " + (generation + 1)
                            + " but " + reload);
                }
                generation = reload.generation();
                double millis = (reload.nanos() - saved) / 1e6;
                Thread.sleep(pauseMillis);
                // A second compile of the same edit would make another generation: count it, and go on from it.
                for (Observed more; (more = reloads.poll()) != null; ) {
                    extraCompiles++;
                    generation = Math.max(generation, more.generation());
                }
                checkServing(http, server.uri(), generation);
                double alone = javac.compileMillis();
                if (edit >= warmup) {
                    total.add(millis);
                    compileAndLoad.add((double) reload.took().toNanos() / 1e6);
                    compileAlone.add(alone);
                }
                System.out.printf(Locale.ROOT, "%s edit %2d (%-23s %7.1f ms to serving, of which compile, load and swap"
                        + " %7.1f ms; javac alone %7.1f ms%n", edit < warmup ? "warm-up" : "       ", edit + 1,
                        source(flows, file).getFileName() + "):", millis, reload.took().toNanos() / 1e6, alone);
            }
            List<Double> noticing = new ArrayList<>();
            for (int i = 0; i < total.size(); i++) {
                noticing.add(total.get(i) - compileAndLoad.get(i));
            }
            System.out.println();
            System.out.println(summary("saved edit -> new generation serving", total));
            System.out.println(summary("  compile, load and swap (Reload.took)", compileAndLoad));
            System.out.println(summary("  noticing the change and settling", noticing));
            System.out.println(summary("javac alone, same sources (apart)", compileAlone));
            System.out.printf(Locale.ROOT, "compile, load and swap minus javac alone, difference of medians: %.1f ms (an"
                    + " estimate of loading, finding the flows, making the engine and swapping)%n",
                    quantile(compileAndLoad, 0.5) - quantile(compileAlone, 0.5));
            System.out.printf(Locale.ROOT, "extra compiles (one edit compiled twice): %d%n", extraCompiles);
            double median = quantile(total, 0.5);
            System.out.printf(Locale.ROOT, "RESULT median %.1f ms from a saved edit to the new generation serving, %d"
                    + " sources (goal under 1,000 ms): %s%n", median, SOURCES, median < 1000 ? "MET" : "MISSED");
        } finally {
            server.stop();
            http.close();
            try (Stream<Path> walk = Files.walk(directory)) {
                walk.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static Path source(Path flows, int index) {
        return flows.resolve(FlowSources.className(index) + ".java");
    }

    private static Observed next(BlockingQueue<Observed> reloads) throws InterruptedException {
        Observed reload = reloads.poll(60, TimeUnit.SECONDS);
        if (reload == null) {
            throw new IllegalStateException("no reload within 60 s");
        }
        if (!reload.swapped()) {
            throw new IllegalStateException("a compile failed: " + reload.problems());
        }
        return reload;
    }

    /** Asks the server, outside the timing, that it serves the generation and all the flows. */
    private static void checkServing(HttpClient http, URI uri, long generation) throws IOException, InterruptedException {
        HttpResponse<String> dev = http.send(HttpRequest.newBuilder(uri.resolve("/api/dev")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (!dev.body().contains("\"generation\":" + generation + ",")
                || dev.body().split("\"name\":", -1).length - 1 != SOURCES) {
            throw new IllegalStateException("GET /api/dev does not show generation " + generation + " serving "
                    + SOURCES + " flows: " + dev.body());
        }
    }

    private static String summary(String what, List<Double> millis) {
        return String.format(Locale.ROOT, "%-40s n=%d  median=%7.1f ms  p90=%7.1f ms  max=%7.1f ms  min=%7.1f ms", what,
                millis.size(), quantile(millis, 0.5), quantile(millis, 0.9), quantile(millis, 1.0), quantile(millis, 0.0));
    }

    /** Nearest rank, as {@link Samples} does. */
    private static double quantile(List<Double> values, double q) {
        List<Double> sorted = values.stream().sorted().toList();
        int rank = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank)));
    }

    /** Compiles the flow sources as dev mode does, apart from it, to time compiling alone. */
    private static final class CompileAlone {
        private final Path flows;
        private final JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        private final StandardJavaFileManager files;

        CompileAlone(Path flows) throws IOException {
            this.flows = flows;
            this.files = compiler.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8);
            List<Path> classPath = new ArrayList<>();
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                classPath.add(Path.of(entry));
            }
            files.setLocationFromPaths(StandardLocation.CLASS_PATH, classPath);
        }

        double compileMillis() throws IOException {
            List<Path> sources;
            try (Stream<Path> walk = Files.list(flows)) {
                sources = walk.filter(path -> path.toString().endsWith(".java")).sorted().toList();
            }
            long start = System.nanoTime();
            JavaFileManager memory = new ForwardingJavaFileManager<>(files) {
                @Override
                public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                                                           FileObject sibling) {
                    return new SimpleJavaFileObject(URI.create("memory:///" + className.replace('.', '/') + kind.extension),
                            kind) {
                        @Override
                        public OutputStream openOutputStream() {
                            return new ByteArrayOutputStream();
                        }
                    };
                }
            };
            boolean ok = compiler.getTask(null, memory, null, List.of("-proc:none", "-g", "-parameters", "-implicit:none",
                    "-Xlint:none", "-nowarn"), null, files.getJavaFileObjectsFromPaths(sources)).call();
            double millis = (System.nanoTime() - start) / 1e6;
            if (!ok) {
                throw new IllegalStateException("the flow sources did not compile apart from dev mode");
            }
            return millis;
        }
    }

    /** The ten flow sources: small, realistic flows over records, with tasks and, in some, a resource. */
    static final class FlowSources {

        private static final String[] TOPICS = {"Orders", "Invoices", "Shipments", "Payments", "Returns", "Refunds",
            "Stock", "Customers", "Suppliers", "Prices"};

        private FlowSources() {
        }

        static String className(int index) {
            return TOPICS[index] + "Report";
        }

        static String source(int index, int version) {
            String topic = TOPICS[index];
            String name = topic.toLowerCase(Locale.ROOT);
            return """
                    package bench;

                    import io.loomflow.Flow;
                    import io.loomflow.Resource;
                    import io.loomflow.RunContext;
                    import io.loomflow.Task;
                    import java.time.LocalDate;
                    import java.util.Comparator;
                    import java.util.List;
                    import java.util.Map;
                    import java.util.concurrent.ConcurrentHashMap;
                    import java.util.stream.Collectors;

                    /** A report over %1$s lines: totals by customer, the largest line, and what was left out. */
                    public final class %2$s {

                        static final String VERSION = "v%3$d";

                        /** One line to report on. */
                        public record Line(String customer, String item, int quantity, double unitPrice, LocalDate day) {
                            double amount() {
                                return quantity * unitPrice;
                            }
                        }

                        /** What to report on. */
                        public record Request(List<Line> lines, LocalDate from, LocalDate to, double minimum) {
                        }

                        /** The report. */
                        public record Report(String version, int lines, double total, Map<String, Double> byCustomer,
                                             String largest, List<String> leftOut) {
                        }

                        /** Rates looked up once per generation, as a connection or a client would be. */
                        static final Resource<Map<String, Double>> RATES = Resource.named("%4$s-rates",
                                () -> new ConcurrentHashMap<>(Map.of("EUR", 1.0, "USD", 0.92, "GBP", 1.17)));

                        static final Task<Line, Double> AMOUNT = Task.named("%4$s-amount",
                                (Line line) -> line.amount() * RATES.get().getOrDefault("EUR", 1.0));

                        static final Task<List<Line>, List<String>> LEFT_OUT = Task.named("%4$s-left-out",
                                (List<Line> lines) -> lines.stream().filter(line -> line.quantity() <= 0)
                                        .map(line -> line.customer() + "/" + line.item()).sorted().toList());

                        public static final Flow<Request, Report> REPORT = Flow.named("%4$s-report", Request.class,
                                (Request request) -> {
                                    List<Line> inRange = request.lines().stream()
                                            .filter(line -> !line.day().isBefore(request.from()) && !line.day().isAfter(request.to()))
                                            .toList();
                                    List<Double> amounts = AMOUNT.map(inRange).join();
                                    double total = amounts.stream().mapToDouble(Double::doubleValue).sum();
                                    Map<String, Double> byCustomer = inRange.stream().collect(Collectors.groupingBy(
                                            Line::customer, Collectors.summingDouble(Line::amount)));
                                    String largest = inRange.stream().max(Comparator.comparingDouble(Line::amount))
                                            .map(Line::item).orElse("none");
                                    RunContext.current().log().info("%%d lines, total %%.2f", inRange.size(), total);
                                    return new Report(VERSION, inRange.size(), total < request.minimum() ? 0 : total,
                                            byCustomer, largest, LEFT_OUT.call(request.lines()));
                                });

                        private %2$s() {
                        }
                    }
                    """.formatted(topic, className(index), version, name);
        }
    }
}
