package io.loomflow.store;

import io.loomflow.Event;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;

/**
 * A real in-memory store that a test can make unavailable or hold up: it notes each attempt to
 * write, the threads that write, and the sequence numbers of what it wrote, in order.
 */
final class FlakyStore implements RunStore {

    final RunStore inner = RunStore.inMemory();
    final Set<String> writerThreads = ConcurrentHashMap.newKeySet();
    /** One permit per attempt to write, made before the attempt fails or succeeds. */
    final Semaphore attempts = new Semaphore(0);
    /** The sequence numbers of the events written, in the order they were written. */
    final List<Long> written = new CopyOnWriteArrayList<>();
    /** While true, every write fails as a database that is down does. */
    volatile boolean down;
    /** Runs before each attempt: a test holds writes up with it. */
    volatile Runnable beforeWrite = () -> { };
    volatile boolean closed;

    /** Holds every write up until {@code released} opens. */
    void holdWritesUntil(CountDownLatch released) {
        beforeWrite = () -> {
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    @Override
    public void write(List<Event> events) {
        writerThreads.add(Thread.currentThread().getName());
        beforeWrite.run();
        attempts.release();
        if (down) {
            throw new RunStoreException("the test database is down", null, true);
        }
        inner.write(events);
        events.forEach(event -> written.add(event.sequence()));
    }

    @Override
    public Optional<RunRecord> run(UUID id) {
        return inner.run(id);
    }

    @Override
    public List<RunRecord> runs(RunQuery query) {
        return inner.runs(query);
    }

    @Override
    public List<RunRecord> runsByIdPrefix(String prefix, boolean rootsOnly, int limit) {
        return inner.runsByIdPrefix(prefix, rootsOnly, limit);
    }

    @Override
    public List<RunRecord> children(UUID parentId) {
        return inner.children(parentId);
    }

    @Override
    public Optional<RunSummary> summary(UUID runId) {
        return inner.summary(runId);
    }

    @Override
    public Page<TreeNode> children(UUID parentId, PageQuery query) {
        return inner.children(parentId, query);
    }

    @Override
    public Optional<MapSummary> map(UUID mapId) {
        return inner.map(mapId);
    }

    @Override
    public Page<RunRecord> items(UUID mapId, PageQuery query) {
        return inner.items(mapId, query);
    }

    @Override
    public boolean claimDelivery(String scope, String deliveryId, java.time.Instant now, java.time.Instant expiresAt) {
        return inner.claimDelivery(scope, deliveryId, now, expiresAt);
    }

    @Override
    public void releaseDelivery(String scope, String deliveryId) {
        inner.releaseDelivery(scope, deliveryId);
    }

    @Override
    public PruneResult prune(Prune request) {
        return inner.prune(request);
    }

    @Override
    public Page<DatasetAccessRecord> lineage(UUID runId, PageQuery query) {
        return inner.lineage(runId, query);
    }

    @Override
    public List<LogRecord> logs(UUID runId) {
        return inner.logs(runId);
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "FlakyStore";
    }
}
