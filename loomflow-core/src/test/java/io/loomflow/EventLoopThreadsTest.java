package io.loomflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.spi.NonBlockingThreadDetector;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Guarantee 1 on threads that must not block: on real Netty, Vert.x and Reactor event loops a
 * blocking call fails at once, before any run starts, naming {@code runAsync}; {@code runAsync}
 * works there and its completion runs on the engine's threads; ordinary threads, and the threads of
 * those frameworks that may block, are never refused.
 */
class EventLoopThreadsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String ASYNC = "flow.runAsync(params) or engine.runAsync(flow, params)";

    @ParameterizedTest
    @EnumSource(Loop.class)
    void aBlockingRunOnAnEventLoopFailsAtOnceNamingRunAsync(Loop kind) throws Exception {
        EventRecorder events = new EventRecorder();
        AtomicInteger bodies = new AtomicInteger();
        Flow<String, String> report = Flow.named("report", (String p) -> p + bodies.incrementAndGet());
        Task<String, String> fetch = Task.named("fetch", (String p) -> p + bodies.incrementAndGet());
        try (Running loop = kind.start(); Engine engine = Engine.builder().name("loops").listener(events).build()) {
            String thread = loop.thread().getName();

            Throwable byEngine = loop.thrownOn(() -> engine.run(report, "x"));
            Throwable byFlow = loop.thrownOn(() -> report.run("x")); // the default engine
            Throwable byTask = loop.thrownOn(() -> engine.run(fetch, "x"));

            String refusal = "flow 'report' cannot run on thread '" + thread + "' (" + kind.description
                    + "), which must not block; call " + ASYNC + " and use the CompletableFuture instead";
            assertThat(byEngine).isInstanceOfSatisfying(BlockingNotAllowedException.class, refused -> {
                assertThat(refused).hasMessage(refusal).hasNoCause();
                assertThat(refused.threadName()).isEqualTo(thread);
                assertThat(refused.threadKind()).isEqualTo(kind.description);
                assertThat(refused.isRetryable()).isFalse();
            });
            assertThat(byFlow).isInstanceOf(BlockingNotAllowedException.class).hasMessage(refusal);
            assertThat(byTask).isInstanceOf(BlockingNotAllowedException.class).hasMessage("task 'fetch' cannot run on"
                    + " thread '" + thread + "' (" + kind.description + "), which must not block; call it from a flow"
                    + " started with " + ASYNC + ", and use the CompletableFuture instead");
            assertThat(bodies).as("no run was started").hasValue(0);
            assertThat(events.events()).as("no run was started").isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Loop.class)
    void joiningAnUnfinishedHandleOnAnEventLoopFailsButAFinishedOneMayBeJoined(Loop kind) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Flow<String, String> slow = Flow.named("slow", (String p) -> {
            release.await();
            return p + "!";
        });
        Task<String, String> slowItem = Task.named("slow-item", (String p) -> {
            release.await();
            return p;
        });
        try (Running loop = kind.start(); Engine engine = Engine.builder().name("loops").build()) {
            String thread = loop.thread().getName();
            Handle<String> handle = loop.on(() -> engine.submit(slow, "x")); // starting never blocks
            MapHandle<String> map = loop.on(() -> slowItem.map(List.of("a", "b"))); // on the default engine

            Throwable join = loop.thrownOn(handle::join);
            Throwable outcome = loop.thrownOn(handle::outcome);
            Throwable mapJoin = loop.thrownOn(map::join);
            Throwable mapOutcomes = loop.thrownOn(map::outcomes);

            String refusal = "cannot wait for flow 'slow' (run " + handle.runId() + ") on thread '" + thread + "' ("
                    + kind.description + "), which must not block; start it with " + ASYNC;
            assertThat(join).isInstanceOf(BlockingNotAllowedException.class).hasMessageStartingWith(refusal);
            assertThat(outcome).isInstanceOf(BlockingNotAllowedException.class).hasMessageStartingWith(refusal);
            String mapRefusal = "cannot wait for the map of task 'slow-item' on thread '" + thread + "' ("
                    + kind.description + "), which must not block; map inside a flow started with " + ASYNC;
            assertThat(mapJoin).isInstanceOf(BlockingNotAllowedException.class).hasMessageStartingWith(mapRefusal);
            assertThat(mapOutcomes).isInstanceOf(BlockingNotAllowedException.class).hasMessageStartingWith(mapRefusal);
            assertThat(handle.isDone()).isFalse();
            assertThat(map.isDone()).isFalse();

            release.countDown();
            assertThat(handle.join()).isEqualTo("x!");
            assertThat(map.join()).containsExactly("a", "b");
            // Joining what has ended never blocks, so the loop may do it.
            assertThat(loop.on(handle::join)).isEqualTo("x!");
            assertThat(loop.on(handle::outcome)).isEqualTo(new Outcome.Success<>("x!"));
            assertThat(loop.on(map::join)).containsExactly("a", "b");
        }
    }

    @ParameterizedTest
    @EnumSource(Loop.class)
    void runAsyncWorksOnAnEventLoopAndCompletesOnTheEnginesThreads(Loop kind) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Set<Thread> bodyThreads = ConcurrentHashMap.newKeySet();
        Flow<String, String> report = Flow.named("report", (String p) -> {
            bodyThreads.add(Thread.currentThread());
            release.await();
            return p.toUpperCase();
        });
        record Started(CompletableFuture<String> run, CompletableFuture<Thread> dependent,
                       CompletableFuture<String> onDefaultEngine) {
        }
        try (Running loop = kind.start(); Engine engine = Engine.builder().name("loops").build()) {
            Started started = loop.on(() -> {
                CompletableFuture<String> run = engine.runAsync(report, "x");
                return new Started(run, run.thenApply(result -> Thread.currentThread()), report.runAsync("y"));
            });
            // runAsync returned on the loop while both runs are still waiting: it did not block.
            assertThat(started.run()).isNotDone();
            assertThat(started.onDefaultEngine()).isNotDone();
            // Waiting on the loop for the unfinished future is refused like any other blocking call.
            Throwable waitedOnLoop = loop.on(() -> org.assertj.core.api.Assertions.catchThrowable(() -> started.run().join()));
            assertThat(waitedOnLoop).isInstanceOf(BlockingNotAllowedException.class)
                    .hasMessageContaining("cannot wait for flow 'report'");

            release.countDown();
            // Wait for the dependent stage, not for the run's future: a thread waiting in get() on a
            // future may itself run that future's pending stages (CompletableFuture's rules).
            Thread dependentThread = started.dependent().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(dependentThread).as("a stage attached on the loop runs where the run completes")
                    .isNotSameAs(loop.thread());
            assertThat(dependentThread.getName()).startsWith("loomflow-loops-");
            assertThat(started.run().get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("X");
            assertThat(started.onDefaultEngine().get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("Y");
            assertThat(bodyThreads).hasSize(2).doesNotContain(loop.thread());
        }
    }

    @Test
    void ordinaryThreadsAreNotRefused() throws Exception {
        Flow<String, String> echo = Flow.named("echo", (String p) -> p);
        try (Engine engine = Engine.builder().build()) {
            Callable<String> blocking = () -> engine.run(echo, "a") + engine.submit(echo, "b").join()
                    + echo.map(List.of("c")).join().getFirst();

            FutureTask<String> onPlatform = new FutureTask<>(blocking);
            Thread.ofPlatform().name("test-platform").start(onPlatform);
            FutureTask<String> onVirtual = new FutureTask<>(blocking);
            Thread.ofVirtual().name("test-virtual").start(onVirtual);
            AtomicReference<Thread> poolThread = new AtomicReference<>();
            var onCommonPool = ForkJoinPool.commonPool().submit(() -> {
                poolThread.set(Thread.currentThread());
                return blocking.call();
            });

            assertThat(onPlatform.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("abc");
            assertThat(onVirtual.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("abc");
            assertThat(onCommonPool.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("abc");
            assertThat(poolThread.get()).isInstanceOf(ForkJoinWorkerThread.class);
        }
    }

    @Test
    void threadsOfVertxAndReactorThatMayBlockAreNotRefused() throws Exception {
        Flow<String, String> echo = Flow.named("echo", (String p) -> p);
        Vertx vertx = Vertx.vertx();
        Scheduler elastic = Schedulers.newBoundedElastic(1, 10, "test-elastic");
        try (Engine engine = Engine.builder().build()) {
            String onWorker = vertx.executeBlocking(() -> {
                assertThat(Context.isOnWorkerThread()).isTrue();
                return engine.run(echo, "worker");
            }).toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            String onElastic = Mono.fromCallable(() -> engine.run(echo, "elastic")).subscribeOn(elastic).block(WAIT);
            assertThat(onWorker).isEqualTo("worker");
            assertThat(onElastic).isEqualTo("elastic");
        } finally {
            elastic.dispose();
            vertx.close().toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void insideARunNothingIsRefusedEvenOnNettyThreadsOfTheEnginesOwn() {
        Task<Integer, Integer> twice = Task.named("twice", (Integer i) -> 2 * i);
        Flow<Integer, Integer> sub = Flow.named("sub", twice::call);
        Flow<Integer, Integer> nested = Flow.named("nested", (Integer n) -> {
            Thread thread = Thread.currentThread();
            // Outside of a run, the Netty rule refuses a thread like this one.
            assertThat(thread).isInstanceOfSatisfying(FastThreadLocalThread.class,
                    netty -> assertThat(netty.permitBlockingCalls()).isFalse());
            return twice.call(n) + twice.submit(n).join() + twice.map(List.of(n, n)).join().stream()
                    .mapToInt(Integer::intValue).sum() + sub.run(n);
        });
        try (Engine engine = Engine.builder().threadFactory(new DefaultThreadFactory("netty-run", true)).build()) {
            assertThat(engine.run(nested, 1)).isEqualTo(10);
        }
    }

    @Test
    void aDetectorGivenToTheBuilderIsHonoured() throws Exception {
        NonBlockingThreadDetector ui = NonBlockingThreadDetector.of("the test UI thread",
                () -> Thread.currentThread().getName().equals("test-ui"));
        Flow<String, String> echo = Flow.named("echo", (String p) -> p);
        try (ExecutorService uiThread = Executors.newSingleThreadExecutor(task -> new Thread(task, "test-ui"));
             Engine guarded = Engine.builder().nonBlockingThreadDetector(ui).build();
             Engine plain = Engine.builder().build()) {
            Throwable refused = uiThread.submit(() -> catching(() -> guarded.run(echo, "x"))).get(10, TimeUnit.SECONDS);
            assertThat(refused).isInstanceOf(BlockingNotAllowedException.class).hasMessage("flow 'echo' cannot run on"
                    + " thread 'test-ui' (the test UI thread), which must not block; call " + ASYNC
                    + " and use the CompletableFuture instead");
            CompletableFuture<String> async = uiThread.submit(() -> guarded.runAsync(echo, "y")).get(10, TimeUnit.SECONDS);
            assertThat(async.get(10, TimeUnit.SECONDS)).isEqualTo("y");
            assertThat(uiThread.submit(() -> plain.run(echo, "z")).get(10, TimeUnit.SECONDS)).isEqualTo("z");
            assertThat(guarded.run(echo, "elsewhere")).isEqualTo("elsewhere");
        }
    }

    @Test
    void aDetectorFoundWithServiceLoaderIsHonoured(@TempDir Path classPath) throws Exception {
        // A provider on the class path: its class outside any named module, listed in META-INF/services.
        String provider = ServiceLoadedDetector.class.getName();
        Path classFile = classPath.resolve(provider.replace('.', '/') + ".class");
        Files.createDirectories(classFile.getParent());
        try (InputStream bytes = ServiceLoadedDetector.class.getResourceAsStream("ServiceLoadedDetector.class")) {
            Files.write(classFile, bytes.readAllBytes());
        }
        Path services = classPath.resolve("META-INF/services/" + NonBlockingThreadDetector.class.getName());
        Files.createDirectories(services.getParent());
        Files.writeString(services, provider + "\n");
        Flow<String, String> echo = Flow.named("echo", (String p) -> p);

        try (URLClassLoader loader = new ProviderFirstLoader(new URL[] {classPath.toUri().toURL()}, provider);
             ExecutorService uiThread = Executors.newSingleThreadExecutor(task -> new Thread(task, "service-ui-1"));
             Engine withProvider = buildWithContextClassLoader(loader);
             Engine without = Engine.builder().build()) {
            Throwable refused = uiThread.submit(() -> catching(() -> withProvider.run(echo, "x")))
                    .get(10, TimeUnit.SECONDS);
            assertThat(refused).isInstanceOfSatisfying(BlockingNotAllowedException.class, error -> {
                assertThat(error.threadKind()).isEqualTo(ServiceLoadedDetector.KIND);
                assertThat(error).hasMessageContaining("thread 'service-ui-1' (" + ServiceLoadedDetector.KIND + ")");
            });
            assertThat(uiThread.submit(() -> without.run(echo, "y")).get(10, TimeUnit.SECONDS)).isEqualTo("y");
        }
    }

    private static Engine buildWithContextClassLoader(ClassLoader loader) {
        Thread current = Thread.currentThread();
        ClassLoader saved = current.getContextClassLoader();
        current.setContextClassLoader(loader);
        try {
            return Engine.builder().build();
        } finally {
            current.setContextClassLoader(saved);
        }
    }

    /** Defines the provider class itself, so that it lands in this loader's unnamed module. */
    private static final class ProviderFirstLoader extends URLClassLoader {
        private final String provider;

        ProviderFirstLoader(URL[] urls, String provider) {
            super(urls, EventLoopThreadsTest.class.getClassLoader());
            this.provider = provider;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.equals(provider)) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                return loaded != null ? loaded : findClass(name);
            }
        }
    }

    private static Throwable catching(Callable<?> action) {
        try {
            action.call();
            return null;
        } catch (Throwable thrown) {
            return thrown;
        }
    }

    /** A real event loop of one thread. */
    enum Loop {
        NETTY("a Netty event loop"),
        VERTX("a Vert.x event loop"),
        REACTOR("a Reactor non-blocking scheduler thread");

        final String description;

        Loop(String description) {
            this.description = description;
        }

        Running start() throws Exception {
            return switch (this) {
                case NETTY -> {
                    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
                    yield new Running(group.next()::execute,
                            () -> group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly());
                }
                case VERTX -> {
                    Vertx vertx = Vertx.vertx();
                    Context context = vertx.getOrCreateContext();
                    assertThat(context.isEventLoopContext()).isTrue();
                    yield new Running(task -> context.runOnContext(ignored -> task.run()),
                            () -> vertx.close().toCompletionStage().toCompletableFuture()
                                    .get(WAIT.toSeconds(), TimeUnit.SECONDS));
                }
                case REACTOR -> {
                    Scheduler parallel = Schedulers.newParallel("test-parallel", 1);
                    yield new Running(parallel::schedule, parallel::dispose);
                }
            };
        }
    }

    /** A started loop: runs actions on its one thread, and shuts down (checking its thread ended) when closed. */
    static final class Running implements AutoCloseable {
        interface Shutdown {
            void run() throws Exception;
        }

        private final Executor executor;
        private final Shutdown shutdown;
        private final Thread thread;

        Running(Executor executor, Shutdown shutdown) throws Exception {
            this.executor = executor;
            this.shutdown = shutdown;
            this.thread = on(Thread::currentThread);
        }

        Thread thread() {
            return thread;
        }

        /** Runs the action on the loop's thread and returns what it returned. */
        <T> T on(Callable<T> action) throws Exception {
            CompletableFuture<T> result = new CompletableFuture<>();
            executor.execute(() -> {
                assertThat(Thread.currentThread()).isSameAs(thread == null ? Thread.currentThread() : thread);
                try {
                    result.complete(action.call());
                } catch (Throwable thrown) {
                    result.completeExceptionally(thrown);
                }
            });
            return result.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }

        /** Runs the action on the loop's thread and returns what it threw, or null. */
        Throwable thrownOn(Callable<?> action) throws Exception {
            return on(() -> catching(action));
        }

        @Override
        public void close() {
            try {
                shutdown.run();
                thread.join(WAIT);
            } catch (Exception failed) {
                throw new AssertionError("the loop did not shut down", failed);
            }
            assertThat(thread.isAlive()).as("the loop's thread %s ended", thread.getName()).isFalse();
        }
    }
}
