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
 *   <li><b>Vert.x</b>: {@code io.vertx.core.Context.isOnEventLoopThread()}, true on a Vert.x
 *       event-loop thread; false on worker threads ({@code executeBlocking}, worker verticles) and
 *       on virtual-thread contexts, where blocking is allowed.</li>
 *   <li><b>Reactor</b>: {@code reactor.core.scheduler.Schedulers.isInNonBlockingThread()}, true on
 *       threads of the non-blocking schedulers ({@code parallel()}, {@code single()},
 *       {@code newParallel(...)}, threads that implement {@code reactor.core.scheduler.NonBlocking})
 *       and on threads that a predicate registered with
 *       {@code Schedulers.registerNonBlockingThreadPredicate} accepts; false on
 *       {@code boundedElastic()}.</li>
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
        List<NonBlockingThreadDetector> rules = new ArrayList<>(3);
        MethodHandle vertx = staticTest(loader, "io.vertx.core.Context", "isOnEventLoopThread");
        if (vertx != null) {
            rules.add(new StaticTest("a Vert.x event loop", vertx));
        }
        MethodHandle reactor = staticTest(loader, "reactor.core.scheduler.Schedulers", "isInNonBlockingThread");
        if (reactor != null) {
            rules.add(new StaticTest("a Reactor non-blocking scheduler thread", reactor));
        }
        NettyThreads netty = NettyThreads.find(loader);
        if (netty != null) {
            rules.add(netty);
        }
        return List.copyOf(rules);
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

    /** A framework's own static test of the current thread. */
    private record StaticTest(Optional<String> kind, MethodHandle test) implements NonBlockingThreadDetector {

        StaticTest(String kind, MethodHandle test) {
            this(Optional.of(kind), test);
        }

        @Override
        public Optional<String> detect() {
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
