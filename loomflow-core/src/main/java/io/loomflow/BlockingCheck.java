package io.loomflow;

import io.loomflow.internal.EventLoopRules;
import io.loomflow.spi.NonBlockingThreadDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.Executor;

/**
 * An engine's refusal of blocking calls on threads that must not block (event loops, UI threads):
 * the blocking entry points call it first, so that such a call fails at once, before any run starts,
 * with a message naming {@code runAsync}, instead of stalling the thread.
 *
 * <p>Inside a run nothing is checked: run threads belong to the engine (even when its thread factory
 * makes, say, Netty threads). Immutable and thread-safe.
 */
final class BlockingCheck {

    private static final String ASYNC = "flow.runAsync(params) or engine.runAsync(flow, params)";

    private final List<NonBlockingThreadDetector> detectors;
    private final Executor stages = this::runStage;

    private BlockingCheck(List<NonBlockingThreadDetector> detectors) {
        this.detectors = detectors;
    }

    /**
     * The detectors of a new engine: the configured ones, then those {@link ServiceLoader} finds now
     * (through the building thread's context class loader), then the built-in rules.
     */
    static BlockingCheck of(List<NonBlockingThreadDetector> configured) {
        List<NonBlockingThreadDetector> all = new ArrayList<>(configured);
        ServiceLoader.load(NonBlockingThreadDetector.class).forEach(all::add);
        all.addAll(EventLoopRules.present());
        return new BlockingCheck(List.copyOf(all));
    }

    List<NonBlockingThreadDetector> detectors() {
        return detectors;
    }

    /** Before running a flow or task to its end on the calling thread. */
    void beforeRun(RunSpec spec) {
        String kind = nonBlockingKind();
        if (kind != null) {
            String name = Thread.currentThread().getName();
            throw new BlockingNotAllowedException(spec.describe() + " cannot run on thread '" + name + "' (" + kind
                    + "), which must not block; " + (spec.kind() == RunInfo.Kind.FLOW
                            ? "call " + ASYNC + " and use the CompletableFuture instead"
                            : "call it from a flow started with " + ASYNC + ", and use the CompletableFuture instead"),
                    name, kind);
        }
    }

    /** Before waiting for a run; joining one that has ended never blocks, and is always allowed. */
    void beforeJoin(RunNode run) {
        String kind = run.isDone() ? null : nonBlockingKind();
        if (kind != null) {
            String name = Thread.currentThread().getName();
            throw new BlockingNotAllowedException("cannot wait for " + run.describe() + " on thread '" + name + "' ("
                    + kind + "), which must not block; start it with " + ASYNC + " and use the CompletableFuture"
                    + " instead of joining its handle, or join the handle only once isDone()", name, kind);
        }
    }

    /** Before waiting for a map; joining one that has ended never blocks, and is always allowed. */
    void beforeJoin(MapGroup map, RunSpec spec) {
        String kind = map.isDone() ? null : nonBlockingKind();
        if (kind != null) {
            String name = Thread.currentThread().getName();
            throw new BlockingNotAllowedException("cannot wait for the map of " + spec.describe() + " on thread '"
                    + name + "' (" + kind + "), which must not block; map inside a flow started with " + ASYNC
                    + " and use the CompletableFuture instead, or join the map only once isDone()", name, kind);
        }
    }

    /**
     * Where the stages of a run's future run ({@link OffLoopFuture}): on the thread that hands them
     * over, unless it must not block; then on a new virtual thread.
     */
    Executor stages() {
        return stages;
    }

    private void runStage(Runnable stage) {
        if (nonBlockingKind() == null) {
            stage.run();
        } else {
            Thread.ofVirtual().name("loomflow-stage").start(stage);
        }
    }

    /** What kind of thread the calling thread is if it must not block; null if it may block. */
    private String nonBlockingKind() {
        if (detectors.isEmpty() || RunNode.currentOrNull() != null) {
            return null;
        }
        for (NonBlockingThreadDetector detector : detectors) {
            Optional<String> kind = detector.detect();
            if (kind == null) {
                throw new IllegalStateException("non-blocking thread detector " + detector + " returned null; it must"
                        + " return Optional.empty() for a thread that may block");
            }
            if (kind.isPresent()) {
                return kind.get();
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "BlockingCheck" + detectors;
    }
}
