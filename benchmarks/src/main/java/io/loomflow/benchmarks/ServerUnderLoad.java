package io.loomflow.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loomflow.Engine;
import io.loomflow.Event;
import io.loomflow.Flow;
import io.loomflow.RunInfo;
import io.loomflow.Task;
import io.loomflow.server.LoomflowServer;
import io.loomflow.store.ResultStores;
import io.loomflow.store.RunStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Harness: the HTTP server ({@link LoomflowServer}) while a run of a million tasks is in flight on
 * it, on the embedded store, made as {@code loomflow server} makes it (an engine of its own with the
 * command's shutdown grace and a results directory, {@link RunStore#embedded(Path)} in a temporary
 * directory deleted at the end), or with {@code store=memory} on {@link RunStore#inMemory()}.
 * Everything runs in this JVM; the figures are the server's.
 *
 * <p>The flow {@code big} maps the task {@code work} over {@code tasks} items (default 1,000,000);
 * each item sleeps {@code sleepMillis} (default 5 ms, the I/O of example {@code s5}) under a limit of
 * {@code limit} permits (default 256), so the run stays in flight for tens of seconds and its
 * events arrive faster than the store writes them. It is started with {@code POST
 * /api/flows/big/runs}; once {@code warmTasks} items have completed (default 20,000), the harness
 * measures, while the run goes on:
 * <ul>
 *   <li>latency of {@code GET /api/health}, then of what the run page reads of the big run: its
 *       record {@code GET /api/runs/{id}}, its summary {@code GET /api/runs/{id}/summary} (children by
 *       state, the map's counts and percentiles), the first page of its children {@code GET
 *       /api/runs/{id}/children?limit=100} and a page of 100 of the map's items from the middle of
 *       those recorded, then the last page, where the recorder is writing ({@code GET
 *       /api/maps/{map}/items?limit=100&after=...}): {@code clients} closed-loop clients
 *       each, for {@code seconds} seconds, or {@code requests} requests, whichever ends first; p50,
 *       p99 and max are exact, from the sorted samples. The clients are platform threads with one
 *       keep-alive connection each ({@link HttpConnection}), so that, like a browser or
 *       {@code curl}, they do not wait for the engine's virtual-thread scheduler;</li>
 *   <li>the event stream of the run ({@code GET /api/events?run=ID}), read from the POST on by a
 *       platform thread: events by type, bytes, and the longest silence (no line at all, keep-alives
 *       included) during the two latency measurements;</li>
 *   <li>heap: the largest heap in use just after a collection while the run was in flight, and the
 *       high-water mark including garbage ({@link HeapWatch}), then heap in use after full
 *       collections just before the cancel; and the process's resident set ({@code VmRSS}).</li>
 * </ul>
 * Then it cancels the run with {@code POST /api/runs/{id}/cancel}, and prints the time to the
 * answer, to the root run's final event on the engine (a listener of the harness, which also
 * counts the items' events: the items that started, each one's final state, and the time of the
 * last one, so it tells when every item has settled; the items that never started have no events,
 * and are the map's size minus the items seen), and until the store has the run Cancelled
 * ({@code GET /api/runs?flow=big&limit=1}, which lists the root without its children).
 *
 * <p>Arguments, all optional, as {@code key=value}: {@code tasks=1000000}, {@code limit=256},
 * {@code sleepMillis=5}, {@code warmTasks=20000}, {@code seconds=10}, {@code requests=20000},
 * {@code clients=2}, {@code readRun=true} ({@code false} leaves out the reads of the run),
 * {@code store=embedded} ({@code memory} for the store in memory).
 */
public final class ServerUnderLoad {

    private static final String[] DEFAULTS = {
            "tasks", "1000000", "limit", "256", "sleepMillis", "5", "warmTasks", "20000", "seconds", "10",
            "requests", "20000", "clients", "2", "readRun", "true", "store", "embedded"};
    private static final double LATENCY_TARGET_MILLIS = 20;
    private static final double CANCEL_TARGET_MILLIS = 2000;
    private static final long HEAP_TARGET_BYTES = 512L << 20;

    /** The parameters of {@code big}: how many items, each sleeping how long. */
    public record Params(int tasks, int sleepMillis) {
    }

    private final ObjectMapper json = new ObjectMapper();
    private final AtomicLong startedItems = new AtomicLong();
    private final AtomicLong lastItemSettled = new AtomicLong();
    private final AtomicLong completedItems = new AtomicLong();
    private final AtomicLong cancelledItems = new AtomicLong();
    private final AtomicLong otherItems = new AtomicLong();
    private final CompletableFuture<Long> rootEnded = new CompletableFuture<>();
    private final Task<Integer, Integer> work = Task.named("work", (Integer sleepMillis) -> {
        Thread.sleep(sleepMillis);
        return sleepMillis;
    }).withLimit("io");
    private final Flow<Params, Integer> big = Flow.named("big", Params.class, params -> work.map(
            IntStream.range(0, params.tasks()).mapToObj(i -> params.sleepMillis()).toList()).join().size());
    private final Benchmarks.Options options;

    private ServerUnderLoad(Benchmarks.Options options) {
        this.options = options;
    }

    /**
     * Runs the measurement once.
     *
     * @param args {@code key=value} options (see the class description)
     * @throws Exception if the server or a client fails
     */
    public static void main(String[] args) throws Exception {
        Benchmarks.Options options = Benchmarks.Options.parse("ServerUnderLoad", args, DEFAULTS);
        new ServerUnderLoad(options).measure();
    }

    private void measure() throws Exception {
        Path directory = Files.createTempDirectory("loomflow-server-load");
        int tasks = options.number("tasks");
        Engine engine = Engine.builder()
                .name("loomflow-server")
                .results(ResultStores.directory(directory.resolve(".loomflow").resolve("results")))
                .shutdownGrace(Duration.ZERO, Duration.ofSeconds(5))
                .limit("io", options.number("limit"))
                .build();
        engine.subscribe(this::count);
        RunStore store = switch (options.text("store")) {
            case "embedded" -> RunStore.embedded(directory.resolve(".loomflow"));
            case "memory" -> RunStore.inMemory();
            default -> throw new IllegalArgumentException("store was '" + options.text("store") + "'; pass embedded"
                    + " or memory");
        };
        LoomflowServer server = LoomflowServer.builder().flow(big).engine(engine).store(store).port(0).build().start();
        URI base = server.uri();
        HeapWatch heap = HeapWatch.install();
        try {
            System.out.printf(Locale.ROOT, "server at %s, %s store%s%n", base, options.text("store"),
                    options.text("store").equals("embedded") ? " in " + directory : "");
            heap.reset();
            String id;
            long posted = System.nanoTime();
            try (HttpConnection connection = new HttpConnection(base)) {
                HttpConnection.Response started = connection.send(HttpConnection.post(base, "/api/flows/big/runs",
                        "{\"tasks\":" + tasks + ",\"sleepMillis\":" + options.number("sleepMillis") + "}"));
                if (started.status() != 202) {
                    throw new IllegalStateException("starting big answered " + started.status() + ": "
                            + started.text());
                }
                id = json.readTree(started.body()).get("id").asText();
            }
            EventStreamWatch stream = EventStreamWatch.open(base, id);
            while (completedItems.get() < options.number("warmTasks")) {
                if (rootEnded.isDone()) {
                    throw new IllegalStateException("the run ended before " + options.number("warmTasks") + " items completed;"
                            + " pass more tasks or a smaller warmTasks");
                }
                Thread.sleep(10);
            }
            System.out.printf(Locale.ROOT, "run %s of %,d tasks: %,d completed %.1f s after the POST; measuring"
                    + " while it runs%n", id, tasks, completedItems.get(), (System.nanoTime() - posted) / 1e9);
            stream.watch();

            report("GET /api/health", closedLoop(base, "/api/health"), LATENCY_TARGET_MILLIS);
            if (Boolean.parseBoolean(options.text("readRun"))) {
                report("GET /api/runs/{id} of the run in flight", closedLoop(base, "/api/runs/" + id),
                        LATENCY_TARGET_MILLIS);
                report("GET /api/runs/{id}/summary of the run in flight", closedLoop(base, "/api/runs/" + id
                        + "/summary"), LATENCY_TARGET_MILLIS);
                report("GET /api/runs/{id}/children?limit=100 of the run in flight", closedLoop(base, "/api/runs/" + id
                        + "/children?limit=100"), LATENCY_TARGET_MILLIS);
                report("GET /api/maps/{map}/items?limit=100 from the middle of the items recorded", closedLoop(base,
                        itemsPage(base, id, false)), LATENCY_TARGET_MILLIS);
                report("GET /api/maps/{map}/items?limit=100, the last page, where items are being written", closedLoop(
                        base, itemsPage(base, id, true)), LATENCY_TARGET_MILLIS);
            }
            stream.stopWatching();
            long liveAfterGcs = heap.largestLiveBytes();
            long highWater = heap.highWaterBytes();
            long afterFullGc = HeapWatch.usedAfterFullGc();
            long rss = residentBytes();
            boolean inFlight = !rootEnded.isDone();
            System.out.printf(Locale.ROOT, "heap while in flight: largest in use after a collection %s, high-water"
                            + " %s (%d collections, %d ms, longest %d ms); after full collections before the cancel %s;"
                            + " resident set %s; %,d items completed; run still in flight: %s%n",
                    HeapWatch.mib(liveAfterGcs), HeapWatch.mib(highWater), heap.collections(), heap.collectionMillis(),
                    heap.longestCollectionMillis(),
                    HeapWatch.mib(afterFullGc), HeapWatch.mib(rss), completedItems.get(), inFlight);
            System.out.printf(Locale.ROOT, "RESULT heap used after GC while in flight: largest %s, after full GC %s"
                            + " (target < 512 MiB): %s%n", HeapWatch.mib(liveAfterGcs), HeapWatch.mib(afterFullGc),
                    Math.max(liveAfterGcs, afterFullGc) < HEAP_TARGET_BYTES ? "MET" : "MISSED");
            if (!inFlight) {
                System.out.println("the run ended during the measurement; the figures above are not all under load:"
                        + " pass more tasks or a larger sleepMillis");
                return;
            }

            long cancelling = System.nanoTime();
            int status;
            try (HttpConnection connection = new HttpConnection(base)) {
                status = connection.send(HttpConnection.post(base, "/api/runs/" + id + "/cancel", "{}")).status();
            }
            long answered = System.nanoTime();
            long ended = rootEnded.get(60, TimeUnit.SECONDS);
            long settledItems = completedItems.get() + cancelledItems.get() + otherItems.get();
            long started = startedItems.get();
            String recorded = "";
            long recordedAt = 0;
            try (HttpConnection connection = new HttpConnection(base)) {
                while (System.nanoTime() - cancelling < TimeUnit.MINUTES.toNanos(5)) {
                    JsonNode page = json.readTree(connection.send(HttpConnection.get(base,
                            "/api/runs?flow=big&limit=1")).body());
                    recorded = page.path("runs").path(0).path("state").asText();
                    if (recorded.equals("Cancelled")) {
                        recordedAt = System.nanoTime();
                        break;
                    }
                    Thread.sleep(20);
                }
            }
            System.out.printf(Locale.ROOT, "cancel: answered %d after %.1f ms; the root run ended on the engine after"
                            + " %.1f ms; of %,d items, %,d started and %,d of them settled (%,d completed, %,d cancelled,"
                            + " %,d otherwise), the last %.1f ms after the cancel; %,d never started (no run, no events);"
                            + " the store had it %s after %s%n", status, (answered - cancelling) / 1e6,
                    (ended - cancelling) / 1e6, tasks, started, settledItems, completedItems.get(),
                    cancelledItems.get(), otherItems.get(), (lastItemSettled.get() - cancelling) / 1e6, tasks - started,
                    recorded, recordedAt == 0 ? "more than 5 min" : String.format(Locale.ROOT,
                            "%.1f ms", (recordedAt - cancelling) / 1e6));
            System.out.printf(Locale.ROOT, "RESULT cancel: answer %.1f ms, every run ended %.1f ms (target < %.0f ms):"
                            + " %s; recorded Cancelled %s%n", (answered - cancelling) / 1e6, (ended - cancelling) / 1e6,
                    CANCEL_TARGET_MILLIS, status == 202 && settledItems == started
                            && (ended - cancelling) / 1e6 < CANCEL_TARGET_MILLIS ? "MET" : "MISSED",
                    recordedAt == 0 ? "not within 5 min" : String.format(Locale.ROOT, "after %.1f ms",
                            (recordedAt - cancelling) / 1e6));
            stream.report(posted, ended);
        } finally {
            long stopping = System.nanoTime();
            engine.close();
            server.stop();
            System.out.printf(Locale.ROOT, "stopped (engine, then server) in %.1f ms%n",
                    (System.nanoTime() - stopping) / 1e6);
            Benchmarks.deleteTree(directory);
        }
    }

    /**
     * The path of a page of 100 of the run's map items: from about the middle of those recorded so far
     * (the map's size less the items not started), or the last page, where the recorder is writing;
     * found by following the {@code next} links of pages of 1000 from the first.
     */
    private String itemsPage(URI base, String id, boolean last) throws IOException {
        try (HttpConnection connection = new HttpConnection(base)) {
            JsonNode map = json.readTree(connection.send(HttpConnection.get(base, "/api/runs/" + id + "/summary"))
                    .body()).path("maps").path(0);
            long middle = last ? Long.MAX_VALUE : (map.path("size").asLong() - map.path("notStarted").asLong()) / 2;
            String next = map.path("items").asText() + "?limit=1000";
            String page = next;
            long read = 0;
            while (read < middle && next != null) {
                page = next;
                JsonNode items = json.readTree(connection.send(HttpConnection.get(base, page)).body());
                read += items.path("items").size();
                next = items.path("next").isNull() ? null : items.path("next").asText();
            }
            return (last || next == null ? page : next).replace("limit=1000", "limit=100");
        }
    }

    /** Counts the items that started and their final states, and notes when the root run ends. */
    private void count(Event event) {
        if (!(event instanceof Event.StateChange change)) {
            return;
        }
        RunInfo run = change.run();
        if (run.isMapItem() && change.previous() == null) {
            startedItems.incrementAndGet();
        }
        if (!change.state().isFinal()) {
            return;
        }
        if (run.isRoot()) {
            rootEnded.complete(System.nanoTime());
        } else if (run.isMapItem()) {
            lastItemSettled.accumulateAndGet(System.nanoTime(), Math::max);
            switch (change.state().kind()) {
                case COMPLETED -> completedItems.incrementAndGet();
                case CANCELLED -> cancelledItems.incrementAndGet();
                default -> otherItems.incrementAndGet();
            }
        }
    }

    /** {@code clients} platform threads send GETs of {@code path} for {@code seconds}, or {@code requests} in all. */
    private Samples closedLoop(URI base, String path) throws Exception {
        int clients = options.number("clients");
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.number("seconds"));
        Samples[] each = new Samples[clients];
        Thread[] threads = new Thread[clients];
        CountDownLatch go = new CountDownLatch(1);
        byte[] request = HttpConnection.get(base, path);
        for (int i = 0; i < clients; i++) {
            Samples samples = each[i] = new Samples(path, 1 << 12);
            threads[i] = Thread.ofPlatform().name("client-" + i).start(() -> {
                try (HttpConnection connection = new HttpConnection(base)) {
                    go.await();
                    for (int sent = 0; sent < options.number("requests") / clients && System.nanoTime() < until; sent++) {
                        long start = System.nanoTime();
                        HttpConnection.Response answer = connection.send(request);
                        samples.add(System.nanoTime() - start);
                        if (answer.status() != 200) {
                            throw new IllegalStateException(path + " answered " + answer.status() + ": "
                                    + answer.text());
                        }
                    }
                } catch (IOException | InterruptedException failed) {
                    throw new IllegalStateException(failed);
                }
            });
        }
        go.countDown();
        Samples all = new Samples(path, 1 << 14);
        for (int i = 0; i < clients; i++) {
            threads[i].join();
            all.addAll(each[i]);
        }
        return all;
    }

    private void report(String what, Samples latency, double targetMillis) {
        if (latency.size() == 0) {
            System.out.printf(Locale.ROOT, "RESULT %s: no answer within %d s%n", what, options.number("seconds"));
            return;
        }
        double p99 = latency.quantile(0.99) / 1e6;
        System.out.printf(Locale.ROOT, "RESULT %s: %,d requests, p50 %.2f ms, p99 %.2f ms, max %.2f ms (target p99 <"
                        + " %.0f ms): %s%n", what, latency.size(), latency.median() / 1e6, p99,
                latency.quantile(1.0) / 1e6, targetMillis, p99 < targetMillis ? "MET" : "MISSED");
    }

    /** The resident set of this process, from {@code /proc/self/status}; 0 where there is none. */
    private static long residentBytes() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
            return lines.filter(line -> line.startsWith("VmRSS:")).findFirst()
                    .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024).orElse(0L);
        } catch (IOException | RuntimeException notLinux) {
            return 0;
        }
    }

    /**
     * Reads one run's event stream on a platform thread: lines by kind, bytes, and the longest time
     * without a line.
     */
    private static final class EventStreamWatch {

        private final Map<String, AtomicLong> events = new java.util.concurrent.ConcurrentHashMap<>();
        private final AtomicLong bytes = new AtomicLong();
        private final AtomicLong keepAlives = new AtomicLong();
        private final AtomicLong lastLine = new AtomicLong(System.nanoTime());
        private final AtomicLong longestSilence = new AtomicLong();
        private volatile boolean watching;
        private volatile long watchedFrom;
        private volatile long watchedFor;

        static EventStreamWatch open(URI base, String id) throws Exception {
            EventStreamWatch watch = new EventStreamWatch();
            HttpClient client = HttpClient.newBuilder().executor(java.util.concurrent.Executors.newFixedThreadPool(2,
                    Thread.ofPlatform().daemon().factory())).build();
            HttpResponse<Stream<String>> response = client.send(HttpRequest.newBuilder(base.resolve(
                    "/api/events?run=" + id)).GET().build(), HttpResponse.BodyHandlers.ofLines());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("the event stream answered " + response.statusCode());
            }
            Thread.ofPlatform().daemon().name("event-stream").start(() -> {
                try (Stream<String> lines = response.body()) {
                    for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
                        watch.line(it.next());
                    }
                } catch (RuntimeException closed) {
                    // the server stopped
                }
            });
            return watch;
        }

        private void line(String line) {
            long now = System.nanoTime();
            long previous = lastLine.getAndSet(now);
            if (watching) {
                longestSilence.accumulateAndGet(now - previous, Math::max);
            }
            bytes.addAndGet(line.length() + 1);
            if (line.startsWith("event: ")) {
                events.computeIfAbsent(line.substring(7), type -> new AtomicLong()).incrementAndGet();
            } else if (line.startsWith(":")) {
                keepAlives.incrementAndGet();
            }
        }

        /** Starts timing the silences. */
        void watch() {
            lastLine.set(System.nanoTime());
            watchedFrom = System.nanoTime();
            watching = true;
        }

        /** Stops timing the silences (before the harness's own full collections). */
        void stopWatching() {
            watching = false;
            watchedFor = System.nanoTime() - watchedFrom;
        }

        void report(long from, long ended) {
            System.out.printf(Locale.ROOT, "RESULT event stream from the POST until %.1f s after the cancel: events %s,"
                            + " %,d keep-alives, %,d bytes in %.1f s; longest silence in the %.1f s of measurements"
                            + " while in flight %.1f ms%n", (System.nanoTime() - ended) / 1e9,
                    new java.util.TreeMap<>(events), keepAlives.get(), bytes.get(), (System.nanoTime() - from) / 1e9,
                    watchedFor / 1e9, longestSilence.get() / 1e6);
        }
    }
}
