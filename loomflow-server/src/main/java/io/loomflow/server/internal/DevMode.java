package io.loomflow.server.internal;

import io.loomflow.server.LoomflowServer.Problem;
import io.loomflow.server.LoomflowServer.Reload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.lang.ref.WeakReference;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Dev mode: watches a directory of flow sources (and its {@code conf/}), compiles them in this
 * process when they change, and on success has the server swap in a new generation; on failure
 * the server goes on serving the generation it has, and the problems are shown until the next
 * successful compile.
 *
 * <p>One watcher thread waits for changes, lets them settle (no change for {@value #SETTLE_MS} ms, or {@value #EMPTY_SOURCE_MS} ms while a source is empty),
 * and compiles; a generation that is replaced is closed on a thread of its own, so a swap never
 * waits for the old generation's runs.
 */
final class DevMode implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("io.loomflow.server");
    static final long SETTLE_MS = 50;
    /** How long an empty source may stay empty before it is compiled as such: a save may truncate first, then write. */
    static final long EMPTY_SOURCE_MS = 500;

    /** What dev mode reports, for the status route and the pages. */
    record Status(Path directory, long generation, long revision, boolean ok, List<Problem> problems, List<String> notes,
                  int retiring, int retiredLoadersAlive) {
    }

    private final Path directory;
    private final Server server;
    private final Consumer<Reload> onReload;
    private final SourceCompiler compiler;
    private final WatchService watcher;
    private final Thread watching;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Thread> retiring = new CopyOnWriteArrayList<>();
    private final List<WeakReference<ClassLoader>> retiredLoaders = new CopyOnWriteArrayList<>();
    private long generations; // guarded by lock
    private long revision; // guarded by lock
    private List<Problem> problems = List.of(); // guarded by lock
    private List<String> notes = List.of(); // guarded by lock
    private volatile boolean closed;

    DevMode(Path directory, Server server, Consumer<Reload> onReload) {
        this.directory = directory.toAbsolutePath().normalize();
        if (!Files.isDirectory(this.directory)) {
            throw new IllegalArgumentException("dev mode needs a directory of .java flow sources, and " + directory
                    + " is not one; pass the directory that holds them");
        }
        this.server = server;
        this.onReload = onReload;
        CompilerCheck.require(); // before SourceCompiler, which a JRE cannot even load
        this.compiler = new SourceCompiler(this.directory, SourceCompiler.processClassPath());
        try {
            this.watcher = FileSystems.getDefault().newWatchService();
            registerAll();
        } catch (IOException failed) {
            compiler.close();
            throw new UncheckedIOException("cannot watch " + directory + " for changes: " + failed.getMessage(), failed);
        }
        this.watching = Thread.ofPlatform().daemon().name("loomflow-dev-watcher").unstarted(this::watch);
    }

    /** Compiles the first generation, on the calling thread, and has the server serve it if the sources compile. */
    void first() {
        compile(null);
    }

    /** Starts watching for changes. */
    void start() {
        watching.start();
    }

    private void registerAll() throws IOException {
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path dir : walk.filter(Files::isDirectory).toList()) {
                dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE);
            }
        }
    }

    private void watch() {
        while (!closed) {
            try {
                WatchKey key = watcher.take();
                boolean newDirectory = drain(key);
                // Let the edit settle: editors write a file in several steps, and tools save many at once.
                while (true) {
                    WatchKey more = watcher.poll(SETTLE_MS, TimeUnit.MILLISECONDS);
                    if (more == null && compiler.anySourceEmpty()) {
                        more = watcher.poll(EMPTY_SOURCE_MS, TimeUnit.MILLISECONDS);
                    }
                    if (more == null) {
                        break;
                    }
                    newDirectory |= drain(more);
                }
                if (newDirectory) {
                    registerAll();
                }
                if (!closed) {
                    compile(server.generation());
                }
            } catch (ClosedWatchServiceException | InterruptedException stop) {
                return;
            } catch (RuntimeException | IOException | LinkageError failed) {
                LOG.log(Level.ERROR, "dev mode failed to reload " + directory + "; it goes on watching", failed);
            }
        }
    }

    private static boolean drain(WatchKey key) {
        boolean newDirectory = false;
        for (var event : key.pollEvents()) {
            if (event.kind() == StandardWatchEventKinds.ENTRY_CREATE && event.context() instanceof Path name
                    && key.watchable() instanceof Path parent && Files.isDirectory(parent.resolve(name))) {
                newDirectory = true;
            }
        }
        key.reset();
        return newDirectory;
    }

    /**
     * Compiles and discovers, and has the server serve the new generation; when the sources have
     * problems, they are reported and the current generation stays. The news go out after the swap,
     * so that a page reloading on them gets the new generation.
     */
    private void compile(Generation current) {
        long began = System.nanoTime();
        SourceCompiler.Output output = compiler.compile();
        List<Problem> found = new ArrayList<>(output.problems());
        Generation next = null;
        GenerationLoader loader = null;
        FlowDiscovery.Found flows = null;
        long number;
        lock.lock();
        try {
            number = generations + 1;
        } finally {
            lock.unlock();
        }
        if (output.ok()) {
            loader = new GenerationLoader(number, output.classes(), directory, Server.class.getClassLoader());
            flows = FlowDiscovery.in(loader, output);
            found.addAll(flows.problems());
            if (found.isEmpty()) {
                try {
                    next = server.generation(number, loader, new SourceLocator(Set.copyOf(output.sourceOf().values())),
                            flows.flows().values(), flows.sources());
                } catch (RuntimeException cannotServe) {
                    found.add(new Problem(".", 0, 0, String.valueOf(cannotServe.getMessage())));
                }
            }
        }
        List<String> news = next == null ? List.of() : changes(current, next);
        server.swap(next);
        Duration took = Duration.ofNanos(System.nanoTime() - began);
        lock.lock();
        try {
            revision++;
            problems = List.copyOf(found);
            if (next != null) {
                generations = number;
                notes = news;
            }
        } finally {
            lock.unlock();
        }
        List<String> names = next == null ? List.of() : List.copyOf(next.names());
        Reload reload = new Reload(next == null ? number - 1 : number, next != null, names, news, List.copyOf(found), took);
        if (next == null && loader != null) {
            retiredLoaders.add(new WeakReference<>(loader));
        }
        report(reload);
    }

    /** What changed in the flows offered: flows gone, new, and renamed in the same file. */
    private static List<String> changes(Generation current, Generation next) {
        if (current == null) {
            return List.of();
        }
        Set<String> gone = new LinkedHashSet<>(current.names());
        gone.removeAll(next.names());
        Set<String> added = new LinkedHashSet<>(next.names());
        added.removeAll(current.names());
        List<String> notes = new ArrayList<>();
        for (String old : List.copyOf(gone)) {
            String file = current.source(old);
            String renamed = added.stream().filter(name -> file != null && file.equals(next.source(name))).findFirst()
                    .orElse(null);
            if (renamed != null) {
                notes.add(file + ": flow '" + old + "' is now named '" + renamed + "'; its page and API moved to"
                        + " /flows/" + renamed + ", and its earlier runs stay in the history under '" + old + "'");
                gone.remove(old);
                added.remove(renamed);
            }
        }
        for (String old : gone) {
            notes.add((current.source(old) == null ? "" : current.source(old) + ": ") + "flow '" + old
                    + "' is no longer offered; its earlier runs stay in the history");
        }
        for (String name : added) {
            notes.add(next.source(name) + ": new flow '" + name + "'");
        }
        return List.copyOf(notes);
    }

    private void report(Reload reload) {
        server.broadcastGeneration();
        try {
            onReload.accept(reload);
        } catch (RuntimeException failed) {
            LOG.log(Level.WARNING, "a dev mode reload listener failed", failed);
        }
    }

    /** Closes a replaced generation on a thread of its own; its loader is then only weakly known here. */
    void retire(Generation old) {
        if (old.loader() != null) {
            retiredLoaders.add(new WeakReference<>(old.loader()));
        }
        Thread thread = Thread.ofPlatform().name("loomflow-dev-retire-" + old.number()).unstarted(() -> {
            try {
                old.close();
                server.forgetTypes(old);
            } finally {
                retiring.remove(Thread.currentThread());
            }
        });
        retiring.add(thread);
        thread.start();
    }

    Status status() {
        lock.lock();
        try {
            retiredLoaders.removeIf(ref -> ref.get() == null); // collected: nothing more to count
            int alive = retiredLoaders.size();
            return new Status(directory, generations, revision, problems.isEmpty(), problems, notes, retiring.size(), alive);
        } finally {
            lock.unlock();
        }
    }

    /** Stops watching: no compile starts from now on, and none is under way when this returns. */
    void stopWatching() {
        closed = true;
        try {
            watcher.close();
        } catch (IOException ignored) {
            // closing a watch service does not fail in a way worth reporting
        }
        if (watching.getState() != Thread.State.NEW) {
            join(watching);
        }
    }

    /** Stops watching, and waits for replaced generations to close. */
    @Override
    public void close() {
        stopWatching();
        for (Thread thread : List.copyOf(retiring)) {
            join(thread);
        }
        compiler.close();
    }

    private static void join(Thread thread) {
        boolean interrupted = false;
        while (thread.isAlive() && thread != Thread.currentThread()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
