package io.loomflow.internal;

import io.loomflow.spi.NonBlockingThreadDetector;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The built-in rules for the event loops of Netty, Vert.x and Reactor, found by reflection so that
 * none of them is a dependency of Loomflow.
 *
 * <p>The frameworks are looked up once, with the class loader that loaded Loomflow, when this class
 * is initialized; the result is an immutable list of the rules whose framework is present. A
 * framework that only a different class loader sees (a child loader of an application server, say)
 * is not found: register a {@link NonBlockingThreadDetector} for it. Each rule only reads the
 * current thread; none creates thread-locals or changes the thread.
 *
 * <ul>
 *   <li><b>Vert.x</b>: on a Netty thread (every Vert.x thread is one),
 *       {@code io.vertx.core.Context.isOnEventLoopThread()}: true on a Vert.x event-loop thread;
 *       false on worker threads ({@code executeBlocking}, worker verticles) and on virtual-thread
 *       contexts, where blocking is allowed.</li>
 *   <li><b>Reactor</b>: the thread implements {@code reactor.core.scheduler.NonBlocking}, as the
 *       threads of the non-blocking schedulers do ({@code parallel()}, {@code single()},
 *       {@code newParallel(...)}); {@code boundedElastic()} threads do not. This is what
 *       {@code Schedulers.isInNonBlockingThread()} checks by default, asked without initialising
 *       {@code Schedulers} (which would start Reactor's logging in programs that never use it);
 *       threads accepted only by a predicate registered with
 *       {@code Schedulers.registerNonBlockingThreadPredicate} need a detector of their own.</li>
 *   <li><b>Netty</b>: the thread is an {@code io.netty.util.concurrent.FastThreadLocalThread} whose
 *       {@code permitBlockingCalls()} is false: the test Netty's own BlockHound integration uses.
 *       Netty's default thread factory makes such threads for every event loop
 *       ({@code MultiThreadIoEventLoopGroup}, {@code NioEventLoopGroup}, Reactor Netty's and
 *       Vert.x's loops), and also for {@code DefaultEventExecutorGroup} and Netty's timers, which
 *       Netty likewise treats as non-blocking. An event loop on threads from a thread factory of your
 *       own that makes plain threads is not detected. ({@code EventExecutor.inEventLoop()} needs the
 *       executor; finding it from the thread goes through {@code ThreadExecutorMap}, an internal
 *       Netty API that creates thread-local state on the threads it is asked about.)</li>
 * </ul>
 * Vert.x comes first, so that its loops (which are also Netty threads) are described as Vert.x's.
 */
public final class EventLoopRules {

    private static final List<NonBlockingThreadDetector> PRESENT = find(EventLoopRules.class.getClassLoader());

    private EventLoopRules() {
    }

    /**
     * The rules whose framework Loomflow's class loader sees, in the order they should be asked.
     *
     * @return an immutable list, possibly empty
     */
    public static List<NonBlockingThreadDetector> present() {
        return PRESENT;
    }

    /**
     * Looks the frameworks up with the given class loader.
     *
     * @param loader where to look
     * @return an immutable list of the rules whose framework was found
     */
    static List<NonBlockingThreadDetector> find(ClassLoader loader) {
        // Each rule first asks a question that initialises nothing (is the thread an instance of the
        // framework's thread class or marker?): merely having a framework on the class path must not
        // start its static set-up (its logging, for one) in programs that never use it.
        List<NonBlockingThreadDetector> rules = new ArrayList<>(3);
        Class<?> nettyThread = type(loader, "io.netty.util.concurrent.FastThreadLocalThread");
        MethodHandle vertx = staticTest(loader, "io.vertx.core.Context", "isOnEventLoopThread");
        if (vertx != null && nettyThread != null) { // every Vert.x thread is a Netty thread
            rules.add(new GuardedStaticTest("a Vert.x event loop", nettyThread, vertx));
        }
        Class<?> reactorNonBlocking = type(loader, "reactor.core.scheduler.NonBlocking");
        if (reactorNonBlocking != null) { // what Schedulers.isInNonBlockingThread() checks by default
            rules.add(new MarkerTest("a Reactor non-blocking scheduler thread", reactorNonBlocking));
        }
        NettyThreads netty = NettyThreads.find(loader);
        if (netty != null) {
            rules.add(netty);
        }
        return List.copyOf(rules);
    }

    /** A class or interface found without initialising it, or null. */
    private static Class<?> type(ClassLoader loader, String className) {
        try {
            return Class.forName(className, false, loader);
        } catch (ReflectiveOperationException | LinkageError | SecurityException absent) {
            return null;
        }
    }

    /** A public static no-argument method returning boolean, or null if it is not there. */
    private static MethodHandle staticTest(ClassLoader loader, String className, String method) {
        try {
            Class<?> owner = Class.forName(className, false, loader);
            return MethodHandles.publicLookup().findStatic(owner, method, MethodType.methodType(boolean.class));
        } catch (ReflectiveOperationException | LinkageError | SecurityException absent) {
            return null;
        }
    }

    private static Optional<String> answer(boolean mustNotBlock, Optional<String> kind) {
        return mustNotBlock ? kind : Optional.empty();
    }

    /** A framework's own static test of the current thread, asked only of threads of the guard's class. */
    private record GuardedStaticTest(Optional<String> kind, Class<?> guard, MethodHandle test)
            implements NonBlockingThreadDetector {

        GuardedStaticTest(String kind, Class<?> guard, MethodHandle test) {
            this(Optional.of(kind), guard, test);
        }

        @Override
        public Optional<String> detect() {
            if (!guard.isInstance(Thread.currentThread())) {
                return Optional.empty();
            }
            try {
                return answer((boolean) test.invokeExact(), kind);
            } catch (Throwable unexpected) {
                throw Exceptions.rethrow(unexpected);
            }
        }

        @Override
        public String toString() {
            return "built-in rule for " + kind.orElseThrow();
        }
    }

    /** Threads that implement a framework's marker interface must not block. */
    private record MarkerTest(Optional<String> kind, Class<?> marker) implements NonBlockingThreadDetector {

        MarkerTest(String kind, Class<?> marker) {
            this(Optional.of(kind), marker);
        }

        @Override
        public Optional<String> detect() {
            return answer(marker.isInstance(Thread.currentThread()), kind);
        }

        @Override
        public String toString() {
            return "built-in rule for " + kind.orElseThrow();
        }
    }

    /** Netty: a FastThreadLocalThread that does not permit blocking calls. */
    private record NettyThreads(Class<?> threadClass, MethodHandle permitBlockingCalls)
            implements NonBlockingThreadDetector {

        private static final Optional<String> KIND = Optional.of("a Netty event loop");

        static NettyThreads find(ClassLoader loader) {
            try {
                Class<?> threadClass = Class.forName("io.netty.util.concurrent.FastThreadLocalThread", false, loader);
                MethodHandle permit = MethodHandles.publicLookup()
                        .findVirtual(threadClass, "permitBlockingCalls", MethodType.methodType(boolean.class))
                        .asType(MethodType.methodType(boolean.class, Thread.class));
                return new NettyThreads(threadClass, permit);
            } catch (ReflectiveOperationException | LinkageError | SecurityException absent) {
                return null;
            }
        }

        @Override
        public Optional<String> detect() {
            Thread current = Thread.currentThread();
            if (!threadClass.isInstance(current)) {
                return Optional.empty();
            }
            try {
                return answer(!(boolean) permitBlockingCalls.invokeExact(current), KIND);
            } catch (Throwable unexpected) {
                throw Exceptions.rethrow(unexpected);
            }
        }

        @Override
        public String toString() {
            return "built-in rule for " + KIND.orElseThrow();
        }
    }
}
