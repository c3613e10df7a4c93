package io.loomflow;

import io.loomflow.spi.RemoteRuns;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

/**
 * Queued child runs in memory, a fixture of the {@link RemoteRuns} contract for tests of the
 * engine's side: each request's task is looked up by name among those given and executed on a
 * virtual thread of its own, standing for another process; a request whose idempotency key was
 * seen before gets the same future (re-attached, not executed again). A task not given never
 * completes, like a queued run no worker takes. Thread-safe.
 */
final class MemoryRemoteRuns implements RemoteRuns {

    private final Map<String, Function<Object, Object>> tasks;
    private final Map<String, CompletableFuture<Object>> byKey = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Semaphore submitted = new Semaphore(0);

    MemoryRemoteRuns(Map<String, Function<Object, Object>> tasks) {
        this.tasks = Map.copyOf(tasks);
    }

    @Override
    public CompletableFuture<Object> submit(Request request) {
        requests.add(request);
        return byKey.computeIfAbsent(request.idempotencyKey(), key -> {
            CompletableFuture<Object> future = new CompletableFuture<>();
            Function<Object, Object> task = tasks.get(request.task());
            if (task != null) {
                Thread.ofVirtual().start(() -> {
                    try {
                        future.complete(task.apply(request.input()));
                    } catch (RuntimeException failed) {
                        future.completeExceptionally(failed);
                    }
                });
            }
            submitted.release();
            return future;
        });
    }

    /** Waits until {@code n} children were submitted. */
    void awaitChildren(int n) throws InterruptedException {
        submitted.acquire(n);
        submitted.release(n);
    }

    /** Every request received, in order, re-attaching ones included. */
    List<Request> requests() {
        return requests;
    }

    /** The children submitted, by idempotency key: one per key, however often it was requested. */
    Map<String, CompletableFuture<Object>> children() {
        return byKey;
    }

    @Override
    public String toString() {
        return "MemoryRemoteRuns";
    }
}
