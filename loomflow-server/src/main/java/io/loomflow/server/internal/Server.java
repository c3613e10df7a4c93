package io.loomflow.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.loomflow.Engine;
import io.loomflow.EngineClosedException;
import io.loomflow.Flow;
import io.loomflow.ParameterModel;
import io.loomflow.server.LoomflowServer.Reload;
import io.loomflow.server.Retention;
import io.loomflow.store.LoomflowJson;
import io.loomflow.store.MapSummary;
import io.loomflow.store.Page;
import io.loomflow.store.PageQuery;
import io.loomflow.store.PruneResult;
import io.loomflow.store.RunRecord;
import io.loomflow.store.RunRecorder;
import io.loomflow.store.RunStore;
import io.loomflow.store.TreeNode;
import io.loomflow.workers.QueuedRun;
import io.loomflow.workers.Submission;
import io.loomflow.workers.WorkQueue;
import io.loomflow.workers.WorkQueueException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * One running server: the HTTP listener, its routes, the engine runs start on, the store the
 * history is read from, and the event hub. Made by {@code LoomflowServer.start()}, on whatever thread
 * calls it; nothing here depends on that thread.
 */
public final class Server {

    private static final System.Logger LOG = System.getLogger("io.loomflow.server");

    /**
     * A flow this server offers, with its parameter model (which binds requests and forms, as the
     * command line binds --param) and that model's schema as JSON.
     */
    public record FlowEntry(Flow<?, ?> flow, ParameterModel<?> parameters, ObjectNode schema) {
    }

    /**
     * What the server is made of; checked by {@code LoomflowServer.Builder}. {@code mount} is the path a server
     * that listens on no port of its own is served under by another web server (see {@link #handler()}), or
     * null for one that listens itself.
     */
    public record Settings(Collection<Flow<?, ?>> flows, Engine engine, RunStore store, String host, int port,
                           String token, boolean insecure, long maxBodyBytes, int eventsKept, Path dev,
                           Consumer<Engine.Builder> engineSetup, Duration reloadGrace, Consumer<Reload> onReload,
                           List<String> allowedHosts, Duration requestTimeout, Duration idleTimeout, int maxConnections,
                           Duration keepAlive, Retention retention, Consumer<PruneResult> onPrune, WorkQueue queue,
                           String mount, Webhooks webhooks, io.loomflow.schedules.Scheduler scheduler) {
    }

    private final ObjectMapper json = mapper();
    private final Views views;
    private final Settings settings;
    private final RunStore store;
    private final RunRecorder recorder;
    private final EventHub hub;
    private final LiveRuns liveRuns = new LiveRuns();
    private final Set<Generation> live = ConcurrentHashMap.newKeySet();
    private final DevMode dev;
    private volatile Generation current;
    private final Router router;
    private final HttpServer http;
    private final ExecutorService handlers;
    private final ExecutorService cancels;
    private final ScheduledExecutorService deadlines;
    private final URI uri;
    private final Retainer retainer;

    /**
     * Builds the server and starts listening; returns at once.
     *
     * @param settings what to serve, where
     * @throws UncheckedIOException if the address cannot be bound
     * @throws IllegalArgumentException if a flow's parameter record cannot be described, or the host is exposed
     *     without a token or {@code insecure}
     */
    public static Server start(Settings settings) {
        return new Server(settings);
    }

    private Server(Settings settings) {
        InetAddress address = address(settings.host());
        if (!address.isLoopbackAddress() && settings.token() == null && !settings.insecure()) {
            throw new IllegalArgumentException("binding " + settings.host() + " would let anyone who reaches this machine"
                    + " start flows; give a token (LoomflowServer.Builder.token, or loomflow server --token), or pass"
                    + " insecure (--insecure) to serve without one");
        }
        this.settings = settings;
        this.views = new Views(json, this::locator, base());
        this.store = settings.store();
        this.recorder = RunRecorder.to(store);
        this.hub = new EventHub(settings.eventsKept(), json);
        // Cancelling a run of many tasks takes the engine a while (every item in flight is stopped, every item
        // waiting is ended): a request answers at once, and a platform thread of its own does it.
        this.cancels = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().daemon().name("loomflow-server-cancel-", 0)
                .factory());
        try {
            this.dev = settings.dev() == null ? null : new DevMode(settings.dev(), this, settings.onReload());
        } catch (RuntimeException failed) {
            hub.close();
            recorder.close();
            throw failed;
        }
        try {
            if (dev != null) {
                dev.first();
                if (current == null) {
                    swap(generation(0, null, null, List.of(), Map.of())); // nothing compiled yet: no flows
                }
            } else {
                Engine given = settings.engine();
                swap(given != null ? new Generation(1, null, null, settings.flows(), Map.of(), given, false)
                        : generation(1, null, null, settings.flows(), Map.of()));
            }
        } catch (RuntimeException failed) {
            release();
            throw failed;
        }
        if (dev == null) {
            Set<String> served = current.names();
            for (String flow : settings.webhooks().flows()) {
                if (!served.contains(flow)) {
                    release();
                    throw new IllegalArgumentException("a webhook is set for flow '" + flow + "', which this server does"
                            + " not serve; the flows are " + String.join(", ", served) + "; set webhooks for those only");
                }
            }
        }
        this.deadlines = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("loomflow-http-deadlines").factory());
        this.router = new Router(json, new Access(settings.token(), settings.host(), settings.allowedHosts()),
                new Request.Limits(settings.maxBodyBytes(), settings.requestTimeout(), deadlines), base());
        new Api(this, json, views).addTo(router);
        new Ui(this, json).addTo(router);
        // Platform threads, not virtual ones: a run of many tasks keeps the virtual-thread scheduler's
        // carriers busy, and a request queued behind its tasks waited seconds for one (issue 14). The OS
        // schedules these beside the carriers, so the API answers while runs use every core.
        if (settings.mount() != null) {
            // Served by another web server through handler(): no port, no threads of its own for requests.
            this.handlers = null;
            this.http = null;
            this.retainer = settings.retention() == null ? null : new Retainer(store, settings.retention(), settings.onPrune());
            this.uri = URI.create(base() + "/");
            if (settings.scheduler() != null) {
                settings.scheduler().start();
            }
            return;
        }
        this.handlers = Executors.newCachedThreadPool(Thread.ofPlatform().daemon().name("loomflow-http-", 0).factory());
        // Read by the JDK once per JVM, when its first server is made: set here, before this one is.
        JdkServerProperties.apply(JdkServerProperties.of(settings.requestTimeout(), settings.idleTimeout(),
                settings.maxConnections()));
        try {
            this.http = HttpServer.create(new InetSocketAddress(address, settings.port()), 256);
        } catch (BindException inUse) {
            deadlines.shutdownNow();
            release();
            throw new UncheckedIOException("cannot listen on " + settings.host() + ":" + settings.port() + " ("
                    + inUse.getMessage() + "); stop what uses the port, or pass another port (0 picks a free one)", inUse);
        } catch (IOException failed) {
            deadlines.shutdownNow();
            release();
            throw new UncheckedIOException("cannot listen on " + settings.host() + ":" + settings.port() + ": " + failed,
                    failed);
        }
        http.createContext("/", router);
        http.setExecutor(handlers);
        http.start();
        if (dev != null) {
            dev.start();
        }
        this.retainer = settings.retention() == null ? null : new Retainer(store, settings.retention(), settings.onPrune());
        if (settings.scheduler() != null) {
            settings.scheduler().start();
        }
        String host = address.getHostAddress().contains(":") ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
        this.uri = URI.create("http://" + host + ":" + http.getAddress().getPort() + "/");
        if (!address.isLoopbackAddress() && settings.token() == null) {
            LOG.log(Level.WARNING, "serving on " + uri + " without a token: anyone who reaches this address can start"
                    + " flows and read their runs");
        }
    }

    private static InetAddress address(String host) {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException unknown) {
            throw new IllegalArgumentException("host '" + host + "' is not an address of this machine; pass 127.0.0.1,"
                    + " or an address or name that resolves", unknown);
        }
    }

    /**
     * A mapper of Loomflow's settings ({@link LoomflowJson}), with caches of its own (its type factory
     * is not Jackson's process-wide one): a dev generation's mapper meets the generation's classes, and is dropped
     * with them.
     */
    static ObjectMapper mapper() {
        return LoomflowJson.builder().build();
    }

    /** The path links start with: the mount path of a mounted server, {@code ""} for one that listens itself. */
    String base() {
        return settings.mount() == null ? "" : settings.mount();
    }

    /**
     * What answers requests: the routes, for a mounted server to be given each request with its path relative to
     * the mount path.
     */
    public com.sun.net.httpserver.HttpHandler handler() {
        return router;
    }

    /** Ends every event stream at once, and refuses new ones; see {@code LoomflowServer.endEventStreams()}. */
    public void endEventStreams() {
        hub.close();
    }

    /** The address it serves, such as {@code http://127.0.0.1:8080/}; a mounted server's mount path. */
    public URI uri() {
        return uri;
    }

    /** The routes, as {@code METHOD /path/{name}}, for the check against the OpenAPI file. */
    public List<String> routes() {
        return router.describe();
    }

    /**
     * Stops: ends the event streams, stops listening (requests under way get a second to finish),
     * then closes the engine if the server made it (its runs end as its grace allows, and are
     * recorded), else stops recording the given engine's runs; then closes the store.
     */
    public void stop() {
        if (dev != null) {
            dev.stopWatching(); // no more generations
        }
        hub.close();
        if (http != null) {
            http.stop(1);
            handlers.close();
        }
        deadlines.shutdownNow();
        if (retainer != null) {
            retainer.close(); // before the store is closed
        }
        release();
    }

    /** How long an event stream may stay silent before it sends a keep-alive comment. */
    Duration keepAlive() {
        return settings.keepAlive();
    }

    /**
     * Closes the generations (their engines, if the server made them) all at once, so that stopping
     * takes one grace period however many generations are still closing; then the hub and the
     * recorder, which closes the store.
     */
    private void release() {
        if (settings.scheduler() != null) {
            settings.scheduler().close(); // fires no more slots; runs started go on, and end as the engine closes
        }
        if (dev != null) {
            dev.stopWatching();
        }
        List<Thread> closing = new ArrayList<>();
        for (Generation generation : live) {
            closing.add(Thread.ofVirtual().name("loomflow-server-close-" + generation.number()).start(generation::close));
        }
        boolean interrupted = false;
        for (Thread thread : closing) {
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        live.clear();
        if (dev != null) {
            dev.close(); // waits for generations it was retiring, closed above
        }
        hub.close();
        cancels.close(); // waits for the cancels still going; the engines the server made are closed by now
        recorder.close();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A generation of {@code flows} on an engine of its own, made with the server's engine settings,
     * recording into the server's store.
     *
     * @throws IllegalArgumentException if two flows share a name, or a parameter record cannot be described
     */
    Generation generation(long number, ClassLoader loader, SourceLocator locator, Collection<? extends Flow<?, ?>> flows,
                          Map<String, String> sources) {
        Engine.Builder builder = Engine.builder().name(settings.dev() == null ? "loomflow-server" : "loomflow-dev-" + number)
                .shutdownGrace(settings.reloadGrace(), Duration.ofSeconds(5));
        settings.engineSetup().accept(builder);
        Engine engine = builder.build();
        try {
            return new Generation(number, loader, locator, flows, sources, engine, true);
        } catch (RuntimeException cannotServe) {
            engine.close();
            throw cannotServe;
        }
    }

    /**
     * Serves {@code next} from now on, and retires the generation it replaces (dev mode); does
     * nothing for null (a compile that failed).
     */
    void swap(Generation next) {
        if (next == null) {
            return;
        }
        next.attach(liveRuns, recorder, hub);
        live.add(next);
        Generation old = current;
        current = next;
        if (old != null) {
            dev.retire(old);
        }
    }

    /** After a replaced generation closed: forgets its value types, so that nothing keeps its classes. */
    void forgetTypes(Generation old) {
        live.remove(old);
        try {
            recorder.forgetValueTypes();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Tells every event stream that dev mode compiled (pages reload on it). */
    void broadcastGeneration() {
        DevMode.Status status = dev.status();
        try {
            hub.broadcast("generation", json.writeValueAsString(Responses.GenerationEvent.of(status)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException cannot) {
            throw new IllegalStateException("dev mode's status could not be written as JSON", cannot);
        }
    }

    /** Dev mode's status, or null when the server is not in dev mode. */
    DevMode.Status devStatus() {
        return dev == null ? null : dev.status();
    }

    /** Where errors were thrown in the sources of the generation serving now (dev mode), or null. */
    private SourceLocator locator() {
        Generation serving = current;
        return serving == null ? null : serving.locator();
    }

    /** The generation serving now. */
    Generation generation() {
        return current;
    }

    Collection<FlowEntry> flows() {
        return current.flows();
    }

    FlowEntry flow(String name) {
        return current.flow(name);
    }

    /**
     * Cancels a run of any generation still alive; false if none has it unfinished. A run this server
     * saw start is cancelled in the background (its tree ends as the engine stops it, which a later read
     * shows), so this returns at once; one it did not (of an engine given to it that ran before it
     * started listening) is cancelled on the calling thread.
     */
    boolean cancel(UUID id) {
        LiveRuns.Live run = liveRuns.find(id);
        if (run != null) {
            cancels.execute(() -> run.engine().cancel(id));
            return true;
        }
        for (Generation generation : live) {
            if (generation.engine().cancel(id)) {
                return true;
            }
        }
        return false;
    }

    /** The root of a run: from its engine while it is in flight here, else from the store (404 if it has none). */
    UUID rootOf(UUID id) {
        LiveRuns.Live run = liveRuns.find(id);
        return run != null ? run.rootId() : recordedRun(id).rootId();
    }

    RunStore store() {
        return store;
    }

    EventHub hub() {
        return hub;
    }

    /**
     * Starts a run of the named flow of the generation serving now (if that generation was replaced in
     * the meantime, of the one that replaced it), or, with a work queue, queues it for the workers;
     * returns its id.
     */
    UUID start(String name, Map<String, Object> body) {
        return start(name, body, null);
    }

    /**
     * Starts or queues a run as {@link #start(String, Map)} does; with a work queue, {@code idempotencyKey}
     * (when not null) is the submission's, so that the same key never queues two runs.
     */
    UUID start(String name, Map<String, Object> body, String idempotencyKey) {
        if (settings.queue() != null) {
            return enqueue(name, body, idempotencyKey).id();
        }
        while (true) {
            Generation serving = current;
            FlowEntry entry = serving.flow(name);
            try {
                return serving.start(entry, body).runId();
            } catch (EngineClosedException closed) {
                if (current == serving) {
                    throw new HttpError(503, "the server is stopping and starts no more runs; start it again");
                }
            }
        }
    }

    /**
     * Queues a run of the named flow for the workers (the server must have a work queue); with {@code
     * idempotencyKey}, a run queued already under that key is found instead ({@link QueuedRun#created()} false).
     */
    @SuppressWarnings("unchecked")
    QueuedRun<Object> enqueue(String name, Map<String, Object> body, String idempotencyKey) {
        FlowEntry entry = current.flow(name);
        Object params = Generation.bind(entry, body);
        Submission submission = idempotencyKey == null ? Submission.defaults()
                : Submission.defaults().withIdempotencyKey(idempotencyKey);
        try {
            return settings.queue().runAsync((Flow<Object, Object>) entry.flow(), params, submission);
        } catch (IllegalArgumentException noWorker) {
            // The parameters were bound above, so what the queue refuses is a flow no live worker runs.
            throw new HttpError(409, noWorker.getMessage());
        } catch (WorkQueueException unavailable) {
            throw new HttpError(503, unavailable.getMessage());
        }
    }

    /** The flows that accept webhooks, and their keys. */
    Webhooks webhooks() {
        return settings.webhooks();
    }

    /** The scheduler the server hosts, or null for none. */
    io.loomflow.schedules.Scheduler scheduler() {
        return settings.scheduler();
    }

    /** The work queue runs are queued on, or null when the server runs them itself. */
    WorkQueue queue() {
        return settings.queue();
    }

    /**
     * A run from the store, else 404. When the store does not have it, or has it unfinished while it is
     * not in flight here any more, what the recorder has queued is written first: a client reads the
     * run it started, and the end of a run it saw end. A run in flight is read as the store has it,
     * without waiting for the recorder, which may be far behind a large run.
     */
    RunRecord recordedRun(UUID id) {
        Optional<RunRecord> found = store.run(id);
        if (found.isEmpty() || !found.get().isFinal() && liveRuns.find(id) == null) {
            try {
                recorder.flush();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            found = store.run(id);
        }
        return found.orElseThrow(() -> HttpError.notFound("no run with id " + id + (settings.queue() == null
                ? "; list runs at /api/runs" : " in the history; a queued run is recorded once a worker starts it"
                        + " (see /api/queues); list runs at /api/runs")));
    }

    /** Runs of a tree read breadth first, and whether they are all of it. */
    record Walk(List<RunRecord> runs, boolean complete) {
    }

    /**
     * The run and the runs below it, parents before children, page by page, at most {@code most}: a tree of a
     * million tasks is never read whole.
     */
    Walk subtree(RunRecord run, int most) {
        List<RunRecord> all = new ArrayList<>(List.of(run));
        Deque<UUID> todo = new ArrayDeque<>(List.of(run.id()));
        while (!todo.isEmpty()) {
            UUID parent = todo.removeFirst();
            String after = null;
            do {
                Page<TreeNode> page = store.children(parent, new PageQuery(null, room(all, most), after));
                for (TreeNode node : page.entries()) {
                    List<RunRecord> found = switch (node) {
                        case RunRecord child -> List.of(child);
                        case MapSummary map -> items(map.id(), all, most);
                    };
                    for (RunRecord child : found) {
                        if (all.size() == most) {
                            return new Walk(all, false);
                        }
                        all.add(child);
                        todo.add(child.id());
                    }
                }
                after = page.next();
            } while (after != null && all.size() < most);
            if (after != null) {
                return new Walk(all, false);
            }
        }
        return new Walk(all, true);
    }

    private List<RunRecord> items(UUID mapId, List<RunRecord> read, int most) {
        List<RunRecord> items = new ArrayList<>();
        String after = null;
        do {
            Page<RunRecord> page = store.items(mapId, new PageQuery(null, room(read, most), after));
            items.addAll(page.entries());
            after = page.next();
        } while (after != null && read.size() + items.size() <= most);
        return items;
    }

    /** A page's limit: what is left to read, and one more to tell whether anything was left out. */
    private static int room(List<RunRecord> read, int most) {
        return Math.clamp(most - read.size() + 1L, 1, PageQuery.MOST);
    }
}
