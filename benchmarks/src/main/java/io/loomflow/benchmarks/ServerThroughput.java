package io.loomflow.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.Task;
import io.loomflow.server.LoomflowServer;
import io.loomflow.store.Durability;
import io.loomflow.store.ResultStores;
import io.loomflow.store.RunStore;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * Harness: the HTTP server ({@link LoomflowServer}) on loopback, configured as {@code loomflow server}
 * configures it (an engine of its own with the shutdown grace and results directory the command gives
 * it, and by default the embedded H2 store {@link RunStore#embedded(Path)}, here in a temporary
 * directory), loaded by closed-loop clients in the same JVM.
 *
 * <p><b>The client.</b> Each client is a virtual thread that owns one keep-alive HTTP/1.1 connection
 * on a plain socket, sends a request, reads the whole answer (status line, headers, a body of the
 * {@code Content-Length} it was told) and sends the next one at once. Latency is the time from
 * writing the request to having read the last byte of its answer ({@link System#nanoTime()}), and
 * includes the client's own waits for a CPU: client and server share the machine. A minimal client,
 * rather than {@code java.net.http.HttpClient}, leaves more of the cores to the server. Every answer's
 * status is checked; any other status is counted, printed, and fails the harness.
 *
 * <p><b>Part 1, start-run throughput.</b> On a server of its own, on a fresh store. Every client
 * POSTs {@code {"name":"bench"}} to {@code /api/flows/noop/runs}; {@code noop} is a flow that returns
 * a string. Before the first number of clients, {@code warmup} seconds of that load are not counted
 * (the server reaches its steady rate only after about a minute of load on two cores: the JIT has
 * H2, Jackson and the HTTP server to compile), before each other number {@code settle} seconds; then
 * {@code seconds} seconds are counted. Prints requests per second and p50, p90, p99, p99.9 and max
 * latency, and the CPU time of the whole process per request (warm-up included). Then, since the
 * server answers 202 before the run is recorded, how long after the last answer the store has every
 * run (a {@code GET} of each client's last run, which waits for the recorder), and checks that every
 * run accepted has run.
 *
 * <p><b>Part 2, API latency while 1,000 tasks are running.</b> On another server, on a fresh store,
 * in the same JVM (so after part 1 has warmed the JIT): {@code history} runs of {@code noop} are
 * started (16 clients), then one more, read until it is recorded Completed. The routes are measured
 * twice: first with nothing running, then while a run of {@code sleepers} ({@code tasks} tasks, each
 * sleeping up to 10 minutes, started by one {@code map} with no limit) has every task Running, which
 * is checked before and after the measurement both in the tasks themselves and through the API
 * ({@code GET /api/runs?state=Running&flow=sleep&all=true}, paged). Routes: {@code GET /api/health},
 * {@code GET /api/runs?limit=20}, {@code GET /api/runs/{id}} of the finished run, and (while they
 * run) {@code GET /api/runs/{id}} of the {@code sleepers} run, whose answer lists its 1,000 children.
 * Each route: {@code apiClients} clients, {@code apiWarmup} requests not counted, then
 * {@code requests} counted, or fewer where the route's {@code apiSeconds} (warm-up included) run out
 * first; the number counted is printed. Then the run is cancelled through the API.
 *
 * <p>Each server is stopped as the command stops it, the engine first; both steps are timed.
 *
 * <p>Arguments, all optional, as {@code key=value}: {@code stores=embedded} (a comma-separated list of
 * {@code embedded}, {@code embedded-relaxed} for {@link Durability#RELAXED}, and {@code memory}, each
 * measured on servers of its own, in this order, in this JVM: a later one runs on a warmer JIT, so
 * compare stores in separate runs); part 1: {@code clients=16,64} ({@code none} skips it),
 * {@code warmup=60}, {@code settle=5}, {@code seconds=10}; part 2: {@code history=10000},
 * {@code tasks=1000}, {@code requests=4000}, {@code apiClients=4}, {@code apiWarmup=1000},
 * {@code apiSeconds=30}; {@code serve=S} (default 0) measures nothing and serves {@code noop} for S
 * seconds on each store in turn, for a load generator in another process such as {@code wrk}.
 */
public final class ServerThroughput {

    private static final String[] DEFAULTS = {
            "stores", "embedded", "clients", "16,64", "warmup", "60", "settle", "5", "seconds", "10",
            "tasks", "1000", "history", "10000", "requests", "4000", "apiClients", "4", "apiWarmup", "1000",
            "apiSeconds", "30", "serve", "0"};
    private static final Duration LONGEST_SLEEP = Duration.ofMinutes(10);

    /** The parameters of {@code noop}. */
    public record Greeting(String name) {
    }

    /** The parameters of {@code sleepers}: how many tasks, each sleeping how long at most. */
    public record Sleepers(int tasks, long seconds) {
    }

    private final ObjectMapper json = new ObjectMapper();
    private final AtomicLong noopRuns = new AtomicLong();
    private final AtomicInteger sleeping = new AtomicInteger();
    private final Flow<Greeting, String> noop = Flow.named("noop", Greeting.class, greeting -> {
        noopRuns.incrementAndGet();
        return "Hello, " + greeting.name();
    });
    private final Task<Integer, Integer> sleep = Task.named("sleep", (Integer seconds) -> {
        sleeping.incrementAndGet();
        try {
            Thread.sleep(Duration.ofSeconds(seconds));
        } finally {
            sleeping.decrementAndGet();
        }
        return seconds;
    });
    private final Flow<Sleepers, Integer> sleepers = Flow.named("sleepers", Sleepers.class,
            params -> sleep.map(IntStream.range(0, params.tasks()).mapToObj(i -> (int) params.seconds()).toList())
                    .join().size());
    private final Benchmarks.Options options;
    private final List<String> failures = new ArrayList<>();

    private ServerThroughput(Benchmarks.Options options) {
        this.options = options;
    }

    /**
     * Runs both parts on each store.
     *
     * @param args {@code key=value} options (see the class description)
     * @throws Exception if the server or a client fails
     */
    public static void main(String[] args) throws Exception {
        Benchmarks.Options options = Benchmarks.Options.parse("ServerThroughput", args, DEFAULTS);
        ServerThroughput harness = new ServerThroughput(options);
        for (String store : options.text("stores").split(",")) {
            harness.measure(store.strip());
        }
        if (!harness.failures.isEmpty()) {
            System.out.println();
            harness.failures.forEach(failure -> System.out.println("FAILED " + failure));
            System.exit(1);
        }
    }

    private void measure(String storeKind) throws Exception {
        if (options.number("serve") > 0) {
            try (Served served = serve(storeKind)) {
                // For a load generator of another process (wrk): the same server, no clients of the harness.
                long runsBefore = noopRuns.get();
                System.out.printf(Locale.ROOT, "serving %sapi/flows/noop/runs for %d s%n", served.base(),
                        options.number("serve"));
                Thread.sleep(Duration.ofSeconds(options.number("serve")));
                System.out.printf(Locale.ROOT, "runs of noop that ran: %,d%n", noopRuns.get() - runsBefore);
            }
            return;
        }
        if (!options.text("clients").equals("none")) {
            try (Served served = serve(storeKind)) {
                startRuns(served.base(), storeKind);
            }
        }
        try (Served served = serve(storeKind)) {
            apiWhileRunning(served.base(), storeKind);
        }
    }

    /** A server on a fresh store, stopped as {@code loomflow server} stops: the engine first. */
    private record Served(LoomflowServer server, Engine engine, Path directory, URI base) implements AutoCloseable {

        @Override
        public void close() throws IOException {
            long start = System.nanoTime();
            engine.close(); // first, as the command does: runs in flight are then recorded Cancelled
            long engineClosed = System.nanoTime();
            server.stop();
            long stopped = System.nanoTime();
            System.out.printf(Locale.ROOT, "stopped: engine.close() %.1f ms, server.stop() %.1f ms%n",
                    (engineClosed - start) / 1e6, (stopped - engineClosed) / 1e6);
            Benchmarks.deleteTree(directory);
        }
    }

    private Served serve(String storeKind) throws IOException {
        Path directory = Files.createTempDirectory("loomflow-server-bench");
        RunStore store = switch (storeKind) {
            case "embedded" -> RunStore.embedded(directory.resolve(".loomflow"));
            case "embedded-relaxed" -> RunStore.embedded(directory.resolve(".loomflow"), Durability.RELAXED);
            case "memory" -> RunStore.inMemory();
            default -> throw new IllegalArgumentException("store was '" + storeKind + "'; pass embedded,"
                    + " embedded-relaxed or memory");
        };
        // As ServerCommand makes it: runs in flight when the server stops are cancelled at once.
        Engine engine = Engine.builder()
                .name("loomflow-server")
                .results(ResultStores.directory(directory.resolve(".loomflow").resolve("results")))
                .shutdownGrace(Duration.ZERO, Duration.ofSeconds(5))
                .build();
        LoomflowServer server = LoomflowServer.builder().flow(noop).flow(sleepers).engine(engine).store(store).port(0)
                .build().start();
        System.out.printf(Locale.ROOT, "%n== %s store (%s), server at %s%n", storeKind,
                switch (storeKind) {
                    case "embedded" -> "RunStore.embedded in " + directory;
                    case "memory" -> "RunStore.inMemory()";
                    default -> "RunStore.embedded with Durability.RELAXED in " + directory;
                }, server.uri());
        return new Served(server, engine, directory, server.uri());
    }

    private void startRuns(URI base, String storeKind) throws Exception {
        byte[] post = HttpConnection.post(base, "/api/flows/noop/runs", "{\"name\":\"bench\"}");
        Duration warmup = Duration.ofSeconds(options.number("warmup"));
        Duration settle = Duration.ofSeconds(options.number("settle"));
        Duration window = Duration.ofSeconds(options.number("seconds"));
        System.out.printf(Locale.ROOT, "start-run: POST /api/flows/noop/runs; %d s warm-up before the first number of"
                + " clients, %d s before each other, then %d s counted%n", warmup.toSeconds(), settle.toSeconds(),
                window.toSeconds());
        boolean first = true;
        for (String each : options.text("clients").split(",")) {
            int clients = Integer.parseInt(each.strip());
            long runsBefore = noopRuns.get();
            Load load = Load.timed(base, post, 202, clients, first ? warmup : settle, window);
            first = false;
            report(storeKind + ", start-run, " + clients + " clients", load);
            // Every answer was 202; the runs are recorded after it. A GET of a run not yet recorded as ended waits
            // for the recorder; the last run of every client is read.
            long start = System.nanoTime();
            List<String> states = new ArrayList<>();
            try (HttpConnection connection = new HttpConnection(base)) {
                for (byte[] body : load.lastBodies()) {
                    String id = json.readTree(body).get("id").asText();
                    HttpConnection.Response last = connection.send(HttpConnection.get(base, "/api/runs/" + id));
                    states.add(last.status() == 200 ? json.readTree(last.body()).get("state").asText()
                            : "HTTP " + last.status());
                }
            }
            double recordedAfter = (System.nanoTime() - start) / 1e6;
            String state = states.stream().allMatch("Completed"::equals) ? "Completed" : states.toString();
            long ran = noopRuns.get() - runsBefore;
            System.out.printf(Locale.ROOT, "  the store had every client's last run (%s) %.1f ms after the last answer;"
                    + " runs accepted %,d (warm-up included), runs that ran %,d%n", state, recordedAfter, load.total(),
                    ran);
            if (ran != load.total() || !state.equals("Completed")) {
                failures.add(storeKind + ", " + clients + " clients: " + load.total() + " runs accepted, " + ran
                        + " ran, the last ones read " + state);
            }
        }
    }

    private void apiWhileRunning(URI base, String storeKind) throws Exception {
        int tasks = options.number("tasks");
        int history = options.number("history");
        long past = 0;
        if (history > 0) {
            // The runs a server has served before: the list reads them (roots, newest first).
            Load filled = Load.counted(base, HttpConnection.post(base, "/api/flows/noop/runs", "{\"name\":\"past\"}"),
                    202, 16, 0, history, Duration.ofMinutes(10));
            if (filled.wrong() > 0) {
                throw new IllegalStateException("filling the history: " + filled.wrong() + " answers not 202; first: "
                        + filled.firstWrong());
            }
            past = filled.total();
        }
        String finished;
        try (HttpConnection connection = new HttpConnection(base)) {
            HttpConnection.Response answer = connection.send(HttpConnection.post(base, "/api/flows/noop/runs",
                    "{\"name\":\"a\"}"));
            finished = json.readTree(answer.body()).get("id").asText();
            // Reading a run that the store does not have as ended waits for the recorder; then it has every run.
            String state = json.readTree(connection.send(HttpConnection.get(base, "/api/runs/" + finished)).body())
                    .get("state").asText();
            if (!state.equals("Completed")) {
                throw new IllegalStateException("the run " + finished + " of noop read " + state + ", not Completed");
            }
        }
        System.out.printf(Locale.ROOT, "the store holds %,d runs of noop (root runs, no children)%n", past + 1);
        Map<String, String> routes = new LinkedHashMap<>();
        routes.put("GET /api/health", "/api/health");
        routes.put("GET /api/runs?limit=20", "/api/runs?limit=20");
        routes.put("GET /api/runs/{id} (a finished run)", "/api/runs/" + finished);
        System.out.printf(Locale.ROOT, "API with nothing running: %d clients, %,d warm-up and %,d counted requests"
                + " per route, at most %d s a route%n", options.number("apiClients"), options.number("apiWarmup"), options.number("requests"),
                options.number("apiSeconds"));
        measureRoutes(base, storeKind + ", idle", routes);

        String root;
        long started = System.nanoTime();
        try (HttpConnection connection = new HttpConnection(base)) {
            HttpConnection.Response answer = connection.send(HttpConnection.post(base, "/api/flows/sleepers/runs",
                    "{\"tasks\":" + tasks + ",\"seconds\":" + LONGEST_SLEEP.toSeconds() + "}"));
            if (answer.status() != 202) {
                throw new IllegalStateException("starting sleepers answered " + answer.status() + ": " + answer.text());
            }
            root = json.readTree(answer.body()).get("id").asText();
            while (sleeping.get() < tasks) {
                giveUpAfterAMinute(started, sleeping.get() + " of " + tasks + " tasks run");
                Thread.sleep(10);
            }
            double allRunning = (System.nanoTime() - started) / 1e6;
            int runningApi;
            while ((runningApi = runningByApi(connection, base)) < tasks) {
                giveUpAfterAMinute(started, "the API lists " + runningApi + " of " + tasks + " tasks as Running");
                Thread.sleep(10);
            }
            double allRunningApi = (System.nanoTime() - started) / 1e6;
            System.out.printf(Locale.ROOT, "%nsleepers run %s: all %,d tasks running %.1f ms after the POST, and"
                    + " Running according to the API (%,d) %.1f ms after it%n", root, tasks, allRunning, runningApi,
                    allRunningApi);
        }
        routes.put("GET /api/runs/{id} (the run of " + tasks + " running tasks)", "/api/runs/" + root);
        System.out.printf(Locale.ROOT, "API while %,d tasks are running%n", tasks);
        measureRoutes(base, storeKind + ", " + tasks + " running", routes);

        try (HttpConnection connection = new HttpConnection(base)) {
            int stillRunning = sleeping.get();
            int runningApi = runningByApi(connection, base);
            System.out.printf(Locale.ROOT, "after the measurement: %,d tasks running, %,d Running according to the"
                    + " API%n", stillRunning, runningApi);
            if (stillRunning != tasks || runningApi != tasks) {
                failures.add(storeKind + ": " + stillRunning + " tasks running (" + runningApi + " by the API) at the"
                        + " end of the measurement, not " + tasks);
            }
            long cancelling = System.nanoTime();
            HttpConnection.Response cancel = connection.send(HttpConnection.post(base, "/api/runs/" + root + "/cancel",
                    "{}"));
            String state = "";
            while (cancel.status() == 202 && System.nanoTime() - cancelling < Duration.ofSeconds(30).toNanos()) {
                state = json.readTree(connection.send(HttpConnection.get(base, "/api/runs/" + root)).body())
                        .get("state").asText();
                if (state.equals("Cancelled") && sleeping.get() == 0) {
                    break;
                }
                Thread.sleep(10);
            }
            System.out.printf(Locale.ROOT, "cancel answered %d; the run read %s and %d tasks were left running"
                    + " %.1f ms later%n", cancel.status(), state, sleeping.get(),
                    (System.nanoTime() - cancelling) / 1e6);
            if (cancel.status() != 202 || !state.equals("Cancelled") || sleeping.get() != 0) {
                failures.add(storeKind + ": cancelling the sleepers run answered " + cancel.status() + ", state "
                        + state + ", " + sleeping.get() + " tasks still running");
            }
        }
    }

    private static void giveUpAfterAMinute(long started, String situation) {
        if (System.nanoTime() - started > Duration.ofMinutes(1).toNanos()) {
            throw new IllegalStateException("a minute after starting the sleepers run, " + situation);
        }
    }

    /** The number of runs of {@code sleep} the API lists as Running, page by page. */
    private int runningByApi(HttpConnection connection, URI base) throws IOException {
        int count = 0;
        String next = "/api/runs?state=Running&flow=sleep&all=true&limit=500";
        while (next != null) {
            JsonNode page = json.readTree(connection.send(HttpConnection.get(base, next)).body());
            count += page.get("runs").size();
            next = page.get("next").isNull() ? null : page.get("next").asText();
        }
        return count;
    }

    private void measureRoutes(URI base, String label, Map<String, String> routes) throws Exception {
        for (Map.Entry<String, String> route : routes.entrySet()) {
            Load load = Load.counted(base, HttpConnection.get(base, route.getValue()), 200, options.number("apiClients"),
                    options.number("apiWarmup"), options.number("requests"), Duration.ofSeconds(options.number("apiSeconds")));
            report(label + ", " + route.getKey(), load);
        }
    }

    private void report(String what, Load load) {
        Samples latency = load.latency();
        if (latency.size() == 0) {
            System.out.printf(Locale.ROOT, "  %-72s no request counted: the time ran out during the warm-up, after %,d"
                    + " requests (pass a smaller apiWarmup or a larger apiSeconds)%n", what, load.total());
            System.out.printf(Locale.ROOT, "RESULT %s: nothing counted, %,d warm-up requests%n", what, load.total());
            return;
        }
        System.out.printf(Locale.ROOT, "  %-72s %,7d requests in %6.2f s: %,9.1f requests/s  p50 %s  p90 %s  p99 %s"
                        + "  p99.9 %s  max %s  (%,d bytes an answer; CPU %.0f us a request)%s%n",
                what, latency.size(), load.seconds(), latency.size() / load.seconds(), millis(latency.median()),
                millis(latency.quantile(0.90)), millis(latency.quantile(0.99)), millis(latency.quantile(0.999)),
                millis(latency.quantile(1.0)), load.lastBodies().getFirst().length,
                load.cpuNanos() / 1e3 / load.total(),
                load.wrong() == 0 ? "" : "  " + load.wrong() + " WRONG STATUS, first: " + load.firstWrong());
        System.out.printf(Locale.ROOT, "RESULT %s: %.1f requests/s, p50 %s, p99 %s, max %s%n", what,
                latency.size() / load.seconds(), millis(latency.median()), millis(latency.quantile(0.99)),
                millis(latency.quantile(1.0)));
        if (load.wrong() > 0) {
            failures.add(what + ": " + load.wrong() + " answers with another status than expected; first: "
                    + load.firstWrong());
        }
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
    }

    /**
     * The outcome of one closed loop: counted latencies, the time from the first counted request's
     * start to the last one's end, every request sent (warm-up included), answers of another status.
     */
    private record Load(Samples latency, double seconds, long total, long wrong, String firstWrong,
                        List<byte[]> lastBodies, long cpuNanos) {

        /** Clients send for {@code warmup}, then for {@code window}, counting the requests in the window. */
        static Load timed(URI base, byte[] request, int expected, int clients, Duration warmup, Duration window)
                throws Exception {
            return run(base, request, expected, clients, 0, Long.MAX_VALUE, warmup.toNanos(),
                    warmup.plus(window).toNanos());
        }

        /**
         * Each client sends {@code warmup / clients} requests, then {@code requests / clients} counted ones,
         * or fewer if {@code most} has passed since the start.
         */
        static Load counted(URI base, byte[] request, int expected, int clients, int warmup, int requests,
                            Duration most) throws Exception {
            return run(base, request, expected, clients, warmup / clients, requests / clients, 0, most.toNanos());
        }

        private static Load run(URI base, byte[] request, int expected, int clients, long warmupRequests,
                                long countedRequests, long warmupNanos, long endNanos) throws Exception {
            long cpuBefore = processCpuNanos();
            CountDownLatch connected = new CountDownLatch(clients);
            CountDownLatch go = new CountDownLatch(1);
            long[] startAt = new long[1];
            List<Future<Client>> results = new ArrayList<>();
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < clients; i++) {
                    results.add(threads.submit(() -> {
                        try (HttpConnection connection = new HttpConnection(base)) {
                            connected.countDown();
                            go.await();
                            Client client = new Client();
                            long from = startAt[0] + warmupNanos;
                            long until = startAt[0] + endNanos;
                            for (long sent = 0; sent < warmupRequests + countedRequests; sent++) {
                                long start = System.nanoTime();
                                if (start - until >= 0) {
                                    break;
                                }
                                HttpConnection.Response response = connection.send(request);
                                long end = System.nanoTime();
                                client.total++;
                                client.lastBody = response.body();
                                if (response.status() != expected) {
                                    client.wrong++;
                                    if (client.firstWrong == null) {
                                        client.firstWrong = response.status() + " " + response.text();
                                    }
                                }
                                if (sent >= warmupRequests && start - from >= 0 && end - until <= 0) {
                                    client.latency.add(end - start);
                                    client.first = Math.min(client.first, start);
                                    client.last = Math.max(client.last, end);
                                }
                            }
                            return client;
                        }
                    }));
                }
                connected.await();
                startAt[0] = System.nanoTime();
                go.countDown();
            }
            Samples latency = new Samples("latency", 1 << 16);
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            long total = 0;
            long wrong = 0;
            String firstWrong = null;
            List<byte[]> lastBodies = new ArrayList<>();
            for (Future<Client> result : results) {
                Client client = result.get();
                latency.addAll(client.latency);
                first = Math.min(first, client.first);
                last = Math.max(last, client.last);
                total += client.total;
                wrong += client.wrong;
                firstWrong = firstWrong == null ? client.firstWrong : firstWrong;
                if (client.lastBody != null) {
                    lastBodies.add(client.lastBody);
                }
            }
            return new Load(latency, (last - first) / 1e9, total, wrong, firstWrong, lastBodies,
                    processCpuNanos() - cpuBefore);
        }

        /** CPU time of this process so far: server, store and clients. */
        private static long processCpuNanos() {
            return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
        }
    }

    /** What one client thread saw. */
    private static final class Client {
        final Samples latency = new Samples("client", 1 << 12);
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        long total;
        long wrong;
        String firstWrong;
        byte[] lastBody;
    }
}
