package io.loomflow;

import io.loomflow.internal.Exceptions;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/** An engine's open resources: each opened once, on first use, and closed in reverse order of opening. */
final class ResourceRegistry {

    private final EngineImpl engine;
    private final ConcurrentHashMap<Resource<?>, Slot> slots = new ConcurrentHashMap<>();
    private final ReentrantLock orderLock = new ReentrantLock();
    private final List<Slot> openOrder = new ArrayList<>(); // guarded by orderLock
    private boolean closed; // guarded by orderLock

    ResourceRegistry(EngineImpl engine) {
        this.engine = engine;
    }

    /** One resource's instance; opening holds its lock so that concurrent first uses open it once. */
    private static final class Slot {
        final ReentrantLock lock = new ReentrantLock();
        final Resource<?> resource;
        volatile Object value;

        Slot(Resource<?> resource) {
            this.resource = resource;
        }
    }

    @SuppressWarnings("unchecked")
    <T> T get(Resource<T> resource) {
        Slot slot = slots.computeIfAbsent(resource, Slot::new);
        Object value = slot.value;
        if (value != null) {
            return (T) value;
        }
        slot.lock.lock();
        try {
            if (slot.value == null) {
                checkOpen(resource);
                T opened;
                try {
                    opened = resource.open();
                } catch (Exception failure) {
                    throw Exceptions.rethrow(failure);
                }
                orderLock.lock();
                try {
                    if (closed) {
                        closeQuietly(resource, opened);
                        throw refused(resource);
                    }
                    slot.value = opened;
                    openOrder.add(slot);
                } finally {
                    orderLock.unlock();
                }
            }
            return (T) slot.value;
        } finally {
            slot.lock.unlock();
        }
    }

    private void checkOpen(Resource<?> resource) {
        RunNode current = RunNode.currentOrNull();
        boolean insideOwnRun = current != null && current.engine() == engine;
        orderLock.lock();
        try {
            if (closed || engine.isClosed() && !insideOwnRun) {
                throw refused(resource);
            }
        } finally {
            orderLock.unlock();
        }
    }

    private EngineClosedException refused(Resource<?> resource) {
        return new EngineClosedException("resource '" + resource.name() + "' cannot be opened: engine '" + engine.name()
                + "' is closed; use it from runs of an open engine");
    }

    /** Closes every open resource, newest first; a failure is logged and the others still close. */
    void closeAll() {
        List<Slot> toClose;
        orderLock.lock();
        try {
            closed = true;
            toClose = new ArrayList<>(openOrder);
            openOrder.clear();
        } finally {
            orderLock.unlock();
        }
        List<Slot> failed = new ArrayList<>();
        for (int i = toClose.size() - 1; i >= 0; i--) {
            Slot slot = toClose.get(i);
            if (!closeQuietly(slot.resource, slot.value)) {
                failed.add(slot);
            }
            slot.value = null;
        }
        orderLock.lock();
        try {
            openOrder.addAll(failed.reversed());
        } finally {
            orderLock.unlock();
        }
    }

    /** The names of the resources open now, in order of opening; after {@link #closeAll}, those whose closer threw. */
    List<String> openNames() {
        orderLock.lock();
        try {
            return openOrder.stream().map(slot -> slot.resource.name()).toList();
        } finally {
            orderLock.unlock();
        }
    }

    /** Closes one resource; a failure is logged, and reported by returning {@code false}. */
    @SuppressWarnings("unchecked")
    private <T> boolean closeQuietly(Resource<T> resource, Object value) {
        try {
            resource.close((T) value);
            return true;
        } catch (Exception | Error failure) {
            Loggers.engine().log(Level.WARNING, "resource '" + resource.name() + "' of engine '" + engine.name()
                    + "' failed to close; closing the others goes on", failure);
            return false;
        }
    }
}
