package io.loomflow.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.server.internal.Served;
import io.loomflow.server.internal.Server;
import io.loomflow.spi.FlowProvider;
import io.loomflow.store.PruneResult;
import io.loomflow.store.RunStore;
import io.loomflow.workers.WorkQueue;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Loomflow's HTTP server: a JSON API to list flows, start runs, read runs and logs and cancel them,
 * a stream of run events (server-sent events), and a web UI with a form per flow and a live page per
 * run.
 *
 * <p>{@link #start()} returns as soon as the server listens, and may be called from any thread: main,
 * a new platform thread, a virtual thread, a pool thread, or a run's own thread. Requests are
 * served on virtual threads of the server's own; nothing depends on the calling thread, its context
 * class loader or its thread-locals. {@link #stop()} stops it, from any thread.
 * {@snippet class=io.loomflow.server.snippets.ServerSnippets region=server}
 *
 * <p>It binds 127.0.0.1 unless told otherwise. Binding any other address needs a {@linkplain
 * Builder#token(String) token}, which every request then carries (header {@code Authorization:
 * Bearer TOKEN}; a browser opens any page once with {@code ?token=TOKEN}), or an explicit
 * {@linkplain Builder#insecure() insecure} choice, which logs a warning.
 *
 * <p>Runs execute in the background on the {@linkplain Builder#engine(Engine) engine}: by default
 * one the server makes and closes on {@link #stop()}. Their history is recorded into the
 * {@linkplain Builder#store(RunStore) store}, in memory by default, which the server closes on
 * {@link #stop()}.
 *
 * <p>Given a {@linkplain Builder#queue(WorkQueue) work queue}, it runs nothing itself: a run started
 * through the API or the UI is queued for the workers attached to the same PostgreSQL database, and
 * the run pages read the history those workers record there (give the server a store on that
 * database). It then also lists the workers and the depth of each queue ({@code GET /api/workers},
 * {@code GET /api/queues}, the Workers page).
 *
 * <p>In {@linkplain Builder#dev(Path) dev mode} it serves the flows of a directory of {@code .java}
 * sources, compiled in the process, and swaps in a new generation (classes, engine, resources) each
 * time they compile again after a change.
 */
public final class LoomflowServer implements AutoCloseable {

    private final Server.Settings settings;
    private final ReentrantLock lock = new ReentrantLock();
    private @Nullable Server running; // guarded by lock
    private boolean stopped; // guarded by lock

    private LoomflowServer(Server.Settings settings) {
        this.settings = settings;
    }

    /**
     * A builder of a server on 127.0.0.1:8080 with no flows, an engine of its own and an in-memory
     * history.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Serves flows and opens the form of the first in the browser, in one line: from {@code main},
     * JShell or a notebook, as Gradio's {@code demo.launch()} does. The server listens on
     * 127.0.0.1, on port 8080 if it is free and on a free port otherwise, runs the flows on an engine
     * of its own and keeps their history in memory; it prints its address on standard output, and
     * goes on until {@link #stop()} (or the JVM's exit).
     * {@snippet class=io.loomflow.server.snippets.ServerSnippets region=serve}
     * For another address, a store or a way of opening pages, use {@link Builder#serve()}.
     *
     * @param flow the flow whose form opens
     * @param more other flows to serve
     * @return the running server, to stop
     * @throws java.io.UncheckedIOException if it cannot listen
     */
    public static LoomflowServer serve(Flow<?, ?> flow, Flow<?, ?>... more) {
        return builder().flow(flow).flows(List.of(more)).serve();
    }

    /**
     * Starts listening and returns at once; runs and requests are served on the server's own threads.
     *
     * @return this server
     * @throws IllegalStateException if it was started already, or failed to start
     * @throws java.io.UncheckedIOException if the address cannot be bound (the message names it and
     *     what to do); the server is then spent, and its store closed
     */
    public LoomflowServer start() {
        lock.lock();
        try {
            if (running != null || stopped) {
                throw new IllegalStateException("this server was " + (stopped ? "stopped" : "started") + " already;"
                        + " build a new one to start again");
            }
            try {
                running = Server.start(settings);
            } catch (RuntimeException failed) {
                stopped = true; // what it was given (the store) is closed; a new server starts afresh
                throw failed;
            }
            return this;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The address it serves, such as {@code http://127.0.0.1:8080/}, with the port chosen when the
     * builder asked for port 0.
     *
     * @return the address
     * @throws IllegalStateException if it is not running
     */
    public URI uri() {
        return server().uri();
    }

    /**
     * The API's routes as {@code METHOD /path/{parameter}} lines, as documented in the server's
     * OpenAPI description ({@code GET /api/openapi.json}).
     *
     * @return the routes
     */
    public List<String> routes() {
        return server().routes();
    }

    /**
     * What answers a {@linkplain Builder#mount(String) mounted} server's requests, for the application's web server
     * to call with each request under the mount path: the exchange's {@link HttpExchange#getRequestURI() request URI}
     * must be the path <em>below</em> the mount path (with its query), such as {@code /api/runs?limit=5} for
     * {@code /loomflow/api/runs?limit=5}, while every link the server writes starts with the mount path. It blocks
     * the calling thread for as long as the answer takes (an event stream, until the client leaves or
     * {@link #endEventStreams()}), writes the answer through the exchange and closes it. Also available on a server
     * that listens itself, for tests.
     *
     * @return the handler
     * @throws IllegalStateException if the server is not running
     */
    public HttpHandler handler() {
        return server().handler();
    }

    /**
     * Ends every event stream ({@code GET /api/events}) at once and refuses new ones (they end as soon as they
     * start; a browser's {@code EventSource} tries again later), while the rest of the API and the pages go on. For
     * a host whose graceful shutdown waits for the requests in flight: call it first, so that streams, which never
     * end by themselves, do not hold that shutdown up. {@link #stop()} does it too. Does nothing if the server is not
     * running.
     */
    public void endEventStreams() {
        Server serving;
        lock.lock();
        try {
            serving = stopped ? null : running;
        } finally {
            lock.unlock();
        }
        if (serving != null) {
            serving.endEventStreams();
        }
    }

    private Server server() {
        lock.lock();
        try {
            if (running == null || stopped) {
                throw new IllegalStateException("this server is not running; call start() first");
            }
            return running;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops: ends the event streams, stops listening, lets requests under way finish (up to a
     * second), closes the engine if the server made it (its runs end within the engine's grace and are
     * recorded), and closes the store. Does nothing if it is not running.
     */
    public void stop() {
        Server stopping;
        lock.lock();
        try {
            stopping = stopped ? null : running;
            stopped = true;
        } finally {
            lock.unlock();
        }
        if (stopping != null) {
            stopping.stop();
        }
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            return "LoomflowServer[" + (running == null ? "not started" : stopped ? "stopped" : running.uri()) + "]";
        } finally {
            lock.unlock();
        }
    }

    /**
     * A problem dev mode found in the flow sources: a compile error, a flow that cannot be loaded, or
     * two flows of one name; also a compile error of {@link FlowSources#compile}.
     *
     * @param file the source file, relative to the dev (or sources) directory ({@code .} for the directory)
     * @param line the line, from 1, or 0 when the problem is not at a line
     * @param column the column, from 1, or 0
     * @param message what is wrong, and what to do where it can say
     */
    public record Problem(String file, long line, long column, String message) {
        /** The problem as compilers print it: {@code Flows.java:12:5: ';' expected}. */
        @Override
        public String toString() {
            return file + (line > 0 ? ":" + line + (column > 0 ? ":" + column : "") : "") + ": " + message;
        }
    }

    /**
     * What one compile of dev mode came to: a new generation serving, or problems while the previous
     * one goes on serving.
     *
     * @param generation the generation serving now (0 while no compile has succeeded yet)
     * @param swapped whether this compile made a new generation
     * @param flows the new generation's flows, or empty when it made none
     * @param notes what changed in the flows offered, such as a flow renamed in its file
     * @param problems what stopped the compile from making a generation; empty when it made one
     * @param took the time from compiling to serving (or to giving up)
     */
    public record Reload(long generation, boolean swapped, List<String> flows, List<String> notes, List<Problem> problems,
                         Duration took) {
    }

    /** Builds a {@link LoomflowServer}. Not thread-safe; one builder builds one server at a time. */
    public static final class Builder {

        private final List<Flow<?, ?>> flows = new ArrayList<>();
        private @Nullable Engine engine;
        private @Nullable RunStore store;
        private String host = "127.0.0.1";
        private int port = 8080;
        private @Nullable String token;
        private boolean insecure;
        private long maxBodyBytes = 1 << 20;
        private int eventsKept = 16_384;
        private @Nullable Path dev;
        private Consumer<Engine.Builder> engineSetup = builder -> { };
        private Duration reloadGrace = Duration.ofSeconds(10);
        private Consumer<Reload> onReload = reload -> { };
        private final List<String> allowedHosts = new ArrayList<>();
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Duration idleTimeout = Duration.ofSeconds(30);
        private int maxConnections = 1000;
        private Duration keepAlive = Duration.ofSeconds(15);
        private @Nullable Retention retention;
        private Consumer<PruneResult> onPrune = pruned -> { };
        private @Nullable WorkQueue queue;
        private io.loomflow.schedules.@Nullable Scheduler scheduler;
        private boolean portGiven;
        private @Nullable Consumer<URI> browser;
        private @Nullable String mount;
        private final java.util.Map<String, List<byte[]>> webhookKeys = new java.util.LinkedHashMap<>();
        private Duration webhookTolerance = io.loomflow.server.internal.Webhooks.DEFAULT_TOLERANCE;

        private Builder() {
        }

        /**
         * Offers a flow; its page and API use its name.
         *
         * @param flow the flow
         * @return this builder
         */
        public Builder flow(Flow<?, ?> flow) {
            flows.add(Objects.requireNonNull(flow, "flow"));
            return this;
        }

        /**
         * Offers flows.
         *
         * @param offered the flows
         * @return this builder
         */
        public Builder flows(Collection<? extends Flow<?, ?>> offered) {
            offered.forEach(this::flow);
            return this;
        }

        /**
         * Offers the flows of a provider, as {@code loomflow server} offers those found with
         * {@link java.util.ServiceLoader}.
         *
         * @param provider the provider
         * @return this builder
         */
        public Builder flows(FlowProvider provider) {
            return flows(provider.flows());
        }

        /**
         * Runs flows on this engine, which the server does not close; it records the engine's runs into its store
         * while it runs. Without one, the server makes an engine of its own and closes it on {@link #stop()}.
         * Close your engine before {@link #stop()}: runs still going when the server closes the store are
         * recorded as Crashed, where closing the engine first records them Cancelled.
         *
         * @param runsOn the engine
         * @return this builder
         */
        public Builder engine(Engine runsOn) {
            this.engine = Objects.requireNonNull(runsOn, "engine");
            return this;
        }

        /**
         * Records run history into this store and reads it from there; the server closes it on
         * {@link #stop()}. Default: {@link RunStore#inMemory()}.
         *
         * @param history the store
         * @return this builder
         */
        public Builder store(RunStore history) {
            this.store = Objects.requireNonNull(history, "store");
            return this;
        }

        /**
         * The address to bind. Default {@code 127.0.0.1}; any address that is not a loopback one
         * needs a {@link #token(String)} or {@link #insecure()}.
         *
         * @param address a host name or IP address of this machine, or {@code 0.0.0.0} for all
         * @return this builder
         */
        public Builder host(String address) {
            this.host = Objects.requireNonNull(address, "host");
            return this;
        }

        /**
         * The port. Default 8080; 0 picks a free one, which {@link #uri()} then tells.
         *
         * @param number 0 to 65535
         * @return this builder
         */
        public Builder port(int number) {
            if (number < 0 || number > 65_535) {
                throw new IllegalArgumentException("port was " + number + "; pass 0 to 65535 (0 picks a free port)");
            }
            this.port = number;
            this.portGiven = true;
            return this;
        }

        /**
         * How {@link #serve()} opens the page it serves: by default with the system's browser
         * ({@code xdg-open} on Linux, {@code open} on macOS, the shell's URL handler on Windows),
         * skipped where there is no display. Pass another (a WebDriver's {@code get}, or
         * {@code uri -> { }} to open nothing); whatever it throws is reported, and the server goes
         * on serving.
         *
         * @param opener what opens a page's address
         * @return this builder
         */
        public Builder browser(Consumer<URI> opener) {
            this.browser = Objects.requireNonNull(opener, "browser must not be null; pass uri -> { } to open nothing");
            return this;
        }

        /**
         * Builds, starts, prints the address on standard output and opens the page of the flow (of
         * the only flow offered; the list of flows when there are several) with the
         * {@linkplain #browser browser}. Without an explicit {@linkplain #port port} it takes 8080
         * if that is free on the host, a free port otherwise.
         *
         * @return the running server
         * @throws java.io.UncheckedIOException if it cannot listen
         */
        public LoomflowServer serve() {
            if (!portGiven && !Served.free(host, port)) {
                port = 0;
            }
            LoomflowServer server = build().start();
            URI page = Served.page(server.uri(), flows.size() == 1 && dev == null ? flows.getFirst().name() : null, token);
            System.out.println("Loomflow: serving " + (flows.isEmpty() ? "the flows of " + dev
                    : flows.stream().map(Flow::name).toList()) + " at " + page + " (stop() ends it)");
            Served.open(browser == null ? Served::systemBrowser : browser, page);
            return server;
        }

        /**
         * Asks every request for this token (the health check excepted).
         *
         * @param secret the token: at least 16 letters, digits or {@code . _ ~ + / = -}
         * @return this builder
         */
        public Builder token(String secret) {
            if (secret == null || secret.strip().length() < 16) {
                throw new IllegalArgumentException("a server token must have at least 16 characters (was "
                        + (secret == null ? "none" : secret.strip().length()) + "); use a random one, such as the output"
                        + " of: openssl rand -hex 16");
            }
            if (!secret.strip().matches("[A-Za-z0-9._~+/=-]+")) {
                throw new IllegalArgumentException("a server token may hold letters, digits and . _ ~ + / = - only (it"
                        + " travels in a header, a URL and a cookie); use a random one, such as the output of:"
                        + " openssl rand -hex 16");
            }
            this.token = secret.strip();
            return this;
        }

        /**
         * Lets requests name the server by this host name too. Without a token, the server answers only
         * requests whose {@code Host} is a loopback name ({@code localhost}, {@code 127.0.0.1},
         * {@code [::1]}), an IP address, or the {@linkplain #host(String) host} it binds; any other name is
         * answered 421, so that a page of another site cannot reach it by making its own name resolve
         * to this machine (DNS rebinding). Allow the names you open the server by, such as a proxy's or
         * the machine's; {@code *} allows any (not wise without a token).
         *
         * @param name a host name, without a port
         * @return this builder
         */
        public Builder allowHost(String name) {
            if (name == null || !name.strip().matches("\\*|[A-Za-z0-9.\\-]+|\\[[0-9A-Fa-f:.]+]")) {
                throw new IllegalArgumentException("allowHost was '" + name + "'; pass a host name such as"
                        + " myhost.example (no port, no scheme), or * for any");
            }
            allowedHosts.add(name.strip());
            return this;
        }

        /**
         * The longest a request's headers and body may take to arrive; a client that sends them more
         * slowly has its connection closed. Default 30 s. The JDK's server reads this limit for headers
         * once per JVM (see the README); the server's own deadline on reading a body always applies.
         *
         * @param timeout whole seconds, 1 s or more
         * @return this builder
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = wholeSeconds("requestTimeout", timeout);
            return this;
        }

        /**
         * How long a kept-alive connection may stay idle before the server closes it. Default 30 s;
         * read by the JDK's server once per JVM (see the README).
         *
         * @param timeout whole seconds, 1 s or more
         * @return this builder
         */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = wholeSeconds("idleTimeout", timeout);
            return this;
        }

        /**
         * The most connections open at once (event streams included); the server closes one more at
         * once, without an answer. Default 1,000; read by the JDK's server once per JVM (see the README).
         *
         * @param connections 1 or more
         * @return this builder
         */
        public Builder maxConnections(int connections) {
            if (connections < 1) {
                throw new IllegalArgumentException("maxConnections was " + connections + "; pass 1 or more");
            }
            this.maxConnections = connections;
            return this;
        }

        /**
         * How long an event stream ({@code GET /api/events}) may go without sending anything before it sends a
         * keep-alive comment, so that a proxy or browser in between does not take it for dead. Default 15 s.
         *
         * @param idle more than zero
         * @return this builder
         */
        public Builder keepAlive(Duration idle) {
            if (idle == null || idle.isNegative() || idle.isZero()) {
                throw new IllegalArgumentException("keepAlive was " + idle + "; pass a positive duration, such as"
                        + " Duration.ofSeconds(15)");
            }
            this.keepAlive = idle;
            return this;
        }

        private static Duration wholeSeconds(String setting, Duration timeout) {
            if (timeout == null || timeout.toSeconds() < 1 || timeout.toNanosPart() != 0) {
                throw new IllegalArgumentException(setting + " was " + timeout + "; pass whole seconds, 1 s or more (the"
                        + " JDK's HTTP server counts in seconds)");
            }
            return timeout;
        }

        /**
         * Allows binding an address other than a loopback one without a token; the server logs a
         * warning when it starts so.
         *
         * @return this builder
         */
        public Builder insecure() {
            this.insecure = true;
            return this;
        }

        /**
         * The largest request body accepted; larger ones are answered 413. Default 1 MiB.
         *
         * @param bytes 1 or more
         * @return this builder
         */
        public Builder maxBodyBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxBodyBytes was " + bytes + "; pass 1 or more");
            }
            this.maxBodyBytes = bytes;
            return this;
        }

        /**
         * How many of the newest events the server keeps for event streams that reconnect with
         * {@code Last-Event-ID}. Default 16,384.
         *
         * @param events 1 or more
         * @return this builder
         */
        public Builder eventsKept(int events) {
            if (events < 1) {
                throw new IllegalArgumentException("eventsKept was " + events + "; pass 1 or more");
            }
            this.eventsKept = events;
            return this;
        }

        /**
         * Dev mode: serves the flows whose {@code .java} sources are in {@code sources} (and its
         * subdirectories but {@code conf/}), compiled in this process with the JDK's compiler
         * against the class path, and compiles them again when a file there changes. A compile that
         * succeeds swaps in a new <em>generation</em>: a new class loader, the flows found in it
         * (public classes implementing {@link FlowProvider} with a public constructor without
         * parameters, and {@code public static final Flow} fields) and a new engine, so resources open
         * afresh on first use. The generation it replaces admits no more runs, lets its runs end
         * within the {@linkplain #reloadGrace(Duration) reload grace} (then cancels them), closes its
         * resources in reverse order and is dropped with its class loader. A compile that fails leaves
         * the generation serving as it is; pages show the problems until a compile succeeds, and
         * reload themselves after each compile. Not with {@link #engine(Engine)} or {@link #flow(Flow)}.
         *
         * @param sources the directory of flow sources
         * @return this builder
         */
        public Builder dev(Path sources) {
            this.dev = Objects.requireNonNull(sources, "sources");
            return this;
        }

        /**
         * Configures each engine the server makes (one, or one per dev generation), such as its
         * limits or its result store. Applied after the server's own settings (its name and the
         * reload grace as its shutdown grace), so it may change them.
         *
         * @param setup what to set on the engine's builder
         * @return this builder
         */
        public Builder engineSetup(Consumer<Engine.Builder> setup) {
            this.engineSetup = Objects.requireNonNull(setup, "setup");
            return this;
        }

        /**
         * How long runs of a replaced dev generation, or of the server's own engine when it stops,
         * get to finish before they are cancelled (recorded Cancelled). Default 10 s.
         *
         * @param grace zero or more
         * @return this builder
         */
        public Builder reloadGrace(Duration grace) {
            if (grace == null || grace.isNegative()) {
                throw new IllegalArgumentException("reloadGrace was " + grace + "; pass zero or a positive duration");
            }
            this.reloadGrace = grace;
            return this;
        }

        /**
         * Tells {@code listener} about each compile in dev mode, on dev mode's thread (the first one
         * on the thread that calls {@link LoomflowServer#start()}).
         *
         * @param listener what to tell, such as a console printer
         * @return this builder
         */
        public Builder onReload(Consumer<Reload> listener) {
            this.onReload = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Prunes the run history by {@code rule} while the server runs: when it starts, then every
         * {@link Retention#every()}, on a thread of the server's own that stops with it. Runs that
         * have not ended are kept. A prune that fails is logged (once while it goes on failing) and
         * tried again at the next period; it never stops the server. By default nothing is pruned.
         *
         * @param rule what to keep
         * @return this builder
         */
        public Builder retention(Retention rule) {
            this.retention = Objects.requireNonNull(rule, "rule");
            return this;
        }

        /**
         * Tells {@code listener} what each prune of the {@linkplain #retention(Retention) retention}
         * deleted, on the retention's thread.
         *
         * @param listener what to tell, such as a metrics counter
         * @return this builder
         */
        public Builder onPrune(Consumer<PruneResult> listener) {
            this.onPrune = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Queues runs for workers instead of running them: {@code POST /api/flows/{name}/runs} (and the
         * UI's form) binds the parameters as usual, then submits the run to this queue
         * ({@link WorkQueue#runAsync(Flow, Object, io.loomflow.workers.Submission)}, default
         * submission) and answers 202 with the queued run's id, which is also its id in the run history
         * once a worker has started it. A flow that no live worker runs is answered 409, naming the flows
         * the live workers run. Give the server a {@linkplain #store(RunStore) store} on the queue's
         * database, so that its run pages read what the workers record. The server lists the queue's
         * workers and queues, and does not close the queue: close it after {@link LoomflowServer#stop()}.
         * Not with {@link #dev(Path)}.
         *
         * @param workQueue the queue, open
         * @return this builder
         */
        public Builder queue(WorkQueue workQueue) {
            return queue0(workQueue);
        }

        /**
         * Hosts a scheduler, built by the caller on the engine or work queue its runs start on (see
         * loomflow-schedules): the server starts it once it serves, and closes it when it stops. The
         * API lists its schedules ({@code GET /api/schedules}, {@code GET /api/schedules/{name}})
         * and pauses and resumes them ({@code POST /api/schedules/{name}/pause}, {@code /resume});
         * the Schedules page shows each one's next fire times and the runs it made. Give the server a
         * {@linkplain #store(RunStore) store} on the database its runs are recorded in, so that those
         * runs' pages are found.
         *
         * @param hosted the scheduler, not started
         * @return this builder
         */
        public Builder scheduler(io.loomflow.schedules.Scheduler hosted) {
            this.scheduler = Objects.requireNonNull(hosted, "scheduler must not be null; leave it unset for none");
            return this;
        }

        private Builder queue0(WorkQueue workQueue) {
            this.queue = Objects.requireNonNull(workQueue, "queue must not be null; leave it unset to run flows here");
            return this;
        }

        /**
         * Listens on no port of its own: another web server, such as a Spring Boot application's, serves this server
         * under {@code path}, handing each request below it to {@link LoomflowServer#handler()}. Every link the
         * server writes (pages, the script's requests, the URLs in the API's answers and its {@code Location}
         * headers) starts with {@code path}; {@link LoomflowServer#uri()} is {@code path} followed by {@code /}.
         * {@link #host(String)}, {@link #port(int)} and the JDK server's limits ({@link #requestTimeout(Duration)}
         * for headers, {@link #idleTimeout(Duration)}, {@link #maxConnections(int)}) are then the other web server's
         * business, while the token, the allowed hosts, the origin checks and the body limits still apply. Not with
         * {@link #dev(Path)}.
         *
         * @param path {@code /} followed by segments of letters, digits and {@code . _ ~ -} separated by {@code /},
         *     such as {@code /loomflow}; {@code /} mounts it at the root
         * @return this builder
         */
        public Builder mount(String path) {
            if (path == null || !path.matches("/|(/[A-Za-z0-9._~-]+)+") || path.matches(".*/\\.{1,2}(/.*)?")) {
                throw new IllegalArgumentException("mount path was " + (path == null ? "null" : "'" + path + "'")
                        + "; pass / followed by segments of letters, digits and . _ ~ - separated by /, such as /loomflow,"
                        + " or / for the root");
            }
            this.mount = path.equals("/") ? "" : path;
            return this;
        }

        /**
         * Lets other services start {@code flow} with a signed webhook, {@code POST /api/flows/{flow}/webhook}, which
         * needs neither the {@linkplain #token(String) token} nor the same-origin rule (every other route keeps
         * both): the body is the flow's parameters as JSON, bound as {@code POST /api/flows/{flow}/runs} binds
         * them, and each delivery is signed as Standard Webhooks signs it: the headers {@code webhook-id},
         * {@code webhook-timestamp} (Unix seconds) and {@code webhook-signature} ({@code v1,} and the base64
         * HMAC-SHA256 of {@code id.timestamp.body}). A delivery verified by any of the secrets is accepted, so a
         * secret is rotated by giving the new one beside the old, then dropping the old. Calling this again for
         * the same flow replaces its secrets. The server refuses to start if it does not serve {@code flow}.
         *
         * @param flow the flow's name
         * @param secrets at least one secret of at least 32 bytes (UTF-8), or a Standard Webhooks secret
         *     ({@code whsec_} and the base64 of at least 32 bytes); never shown in any message
         * @return this builder
         * @throws IllegalArgumentException naming the flow if no secret is given or one is too short
         */
        public Builder webhook(String flow, String... secrets) {
            if (flow == null || flow.isBlank()) {
                throw new IllegalArgumentException("a webhook needs the name of the flow it starts; pass it first");
            }
            if (secrets == null || secrets.length == 0) {
                throw new IllegalArgumentException("the webhook of flow '" + flow + "' has no secret; give at least one"
                        + " of at least " + io.loomflow.server.internal.Webhooks.LEAST_KEY_BYTES + " bytes, such as the"
                        + " output of: openssl rand -hex 32");
            }
            List<byte[]> keys = new ArrayList<>();
            for (String secret : secrets) {
                keys.add(io.loomflow.server.internal.Webhooks.key(flow, secret));
            }
            webhookKeys.put(flow, List.copyOf(keys));
            return this;
        }

        /**
         * Sets webhooks from a file: a JSON object from each flow's name to its secret or an array of its secrets,
         * as {@link #webhook(String, String...)} takes them; a secret may be, or hold, {@code ${VARIABLE}}, read
         * from the environment, so that the file holds no secret: {@code {"report": ["${REPORT_WEBHOOK_SECRET}"]}}.
         * No message names a secret; a file that is not such an object is refused naming the line and column.
         *
         * @param file the file
         * @return this builder
         * @throws IllegalArgumentException naming the file (and the flow) if it cannot be read, is not such an
         *     object, names a variable that is not set, or holds a secret that is too short
         */
        public Builder webhooks(Path file) {
            return webhooks(file, System::getenv);
        }

        /**
         * Sets webhooks from a file, as {@link #webhooks(Path)} does, with the variables of {@code environment}.
         *
         * @param file the file
         * @param environment the value of each variable, or null when it is not set
         * @return this builder
         * @throws IllegalArgumentException as {@link #webhooks(Path)} does
         */
        public Builder webhooks(Path file, java.util.function.UnaryOperator<String> environment) {
            Objects.requireNonNull(file, "the webhooks file must not be null");
            io.loomflow.server.internal.Webhooks.read(file, environment)
                    .forEach((flow, secrets) -> webhook(flow, secrets.toArray(String[]::new)));
            return this;
        }

        /**
         * How far a webhook's {@code webhook-timestamp} may be from the server's clock, either way (default 5
         * minutes); a delivery outside it is refused, and each delivery's id is remembered (in the store, so
         * across servers sharing it) for this long after its time, so that it cannot be replayed.
         *
         * @param tolerance from 1 second to 1 day
         * @return this builder
         */
        public Builder webhookTolerance(Duration tolerance) {
            if (tolerance == null || tolerance.compareTo(Duration.ofSeconds(1)) < 0 || tolerance.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("webhookTolerance was " + tolerance + "; pass from 1 second to 1 day,"
                        + " such as Duration.ofMinutes(5)");
            }
            this.webhookTolerance = tolerance;
            return this;
        }

        /**
         * Builds the server, not started.
         *
         * @return the server
         */
        public LoomflowServer build() {
            if (dev != null && (engine != null || !flows.isEmpty())) {
                throw new IllegalStateException("dev mode serves the flows it compiles from " + dev + " on engines of its"
                        + " own; leave out " + (engine != null ? "engine(...)" : "flow(...) and flows(...)")
                        + ", and use engineSetup(...) to configure its engines");
            }
            if (dev != null && mount != null) {
                throw new IllegalStateException("dev mode listens on a port of its own; leave out mount(...), or serve"
                        + " the flows without dev mode");
            }
            if (dev != null && queue != null) {
                throw new IllegalStateException("dev mode runs the flows it compiles from " + dev + " itself; leave out"
                        + " queue(...), or serve the flows without dev mode");
            }
            return new LoomflowServer(new Server.Settings(List.copyOf(flows), engine,
                    store == null ? RunStore.inMemory() : store, host, port, token, insecure, maxBodyBytes, eventsKept, dev,
                    engineSetup, reloadGrace, onReload, List.copyOf(allowedHosts), requestTimeout, idleTimeout,
                    maxConnections, keepAlive, retention, onPrune, queue, mount,
                    new io.loomflow.server.internal.Webhooks(webhookKeys, webhookTolerance), scheduler));
        }
    }
}
