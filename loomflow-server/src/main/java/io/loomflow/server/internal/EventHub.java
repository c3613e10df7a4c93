package io.loomflow.server.internal;

import io.loomflow.Event;
import io.loomflow.EventListener;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The engine's events for server-sent-event streams. The listener only queues, on the runs'
 * threads; one thread numbers the events in the order it takes them (the SSE ids), renders each to
 * JSON once, keeps the newest in a ring for clients that reconnect with {@code Last-Event-ID}, and
 * hands them to the open streams. A stream that falls too far behind is ended; its client
 * reconnects and catches up from the ring, or is told to reload when the ring no longer reaches back.
 */
final class EventHub implements AutoCloseable {

    /**
     * One numbered event, rendered; its type is {@code state} or {@code log} for a run's event (with
     * the run's root), or {@code generation} for dev mode's news, which every stream gets (no root).
     */
    record Entry(long id, UUID rootId, String type, String json) {
    }

    /** An event as queued: a run's event with the renderer of its generation, or news already rendered. */
    private record Incoming(Event event, Function<Event, String> render, String type, String json) {
    }

    /** What a stream is told: a batch of entries, or that it must reload, or that the hub closed. */
    sealed interface Signal {
        record Entries(List<Entry> entries) implements Signal {
        }

        record Reload() implements Signal {
        }

        record Closed() implements Signal {
        }
    }

    private static final int MOST_BEHIND = 20_000;

    private final int capacity;
    private final LinkedBlockingQueue<Incoming> incoming = new LinkedBlockingQueue<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Entry> ring; // guarded by lock
    private final List<Stream> streams = new CopyOnWriteArrayList<>();
    private final Thread numberer;
    private long lastId; // guarded by lock
    private volatile boolean closed;

    EventHub(int capacity) {
        this.capacity = capacity;
        this.ring = new ArrayDeque<>(capacity);
        this.numberer = Thread.ofVirtual().name("loomflow-server-events").start(this::number);
    }

    /**
     * A listener that queues an engine's events, to be rendered with {@code render} on the hub's
     * thread; it only queues on the runs' threads.
     */
    EventListener listener(Function<Event, String> render) {
        return event -> {
            if (!closed) {
                incoming.add(new Incoming(event, render, null, null));
            }
        };
    }

    /** Sends news of {@code type}, already JSON, to every stream. */
    void broadcast(String type, String json) {
        if (!closed) {
            incoming.add(new Incoming(null, null, type, json));
        }
    }

    private void number() {
        List<Incoming> batch = new ArrayList<>();
        while (!closed || !incoming.isEmpty()) {
            try {
                Incoming first = incoming.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
            } catch (InterruptedException interrupted) {
                continue; // ends only when closed and drained
            }
            incoming.drainTo(batch, 999);
            List<Entry> entries = new ArrayList<>(batch.size());
            for (Incoming next : batch) {
                Event event = next.event();
                entries.add(event == null ? new Entry(0, null, next.type(), next.json())
                        : new Entry(0, event.run().rootId(), event instanceof Event.LogLine ? "log" : "state",
                                next.render().apply(event)));
            }
            lock.lock();
            try {
                for (int i = 0; i < entries.size(); i++) {
                    Entry entry = entries.get(i);
                    Entry numbered = new Entry(++lastId, entry.rootId(), entry.type(), entry.json());
                    entries.set(i, numbered);
                    if (ring.size() == capacity) {
                        ring.removeFirst();
                    }
                    ring.addLast(numbered);
                }
                for (Stream stream : streams) {
                    stream.offer(entries);
                }
            } finally {
                lock.unlock();
            }
            batch.clear();
        }
    }

    /**
     * Opens a stream of the events after {@code lastSeen}, of one root run or of all.
     *
     * @param rootId the root run whose tree's events to send, or {@code null} for all
     * @param lastSeen the id of the last event the client saw ({@code Last-Event-ID}), or {@code -1}
     *     for only new events, or {@code 0} for every event still in the ring
     * @return the stream; close it when the client goes
     */
    Stream open(UUID rootId, long lastSeen) {
        return open(rootId, lastSeen, false);
    }

    /**
     * Opens a stream as {@link #open(UUID, long)} does, or, with {@code newsOnly}, a stream of dev
     * mode's news (entries without a root run) only.
     */
    Stream open(UUID rootId, long lastSeen, boolean newsOnly) {
        Stream stream = new Stream(rootId, newsOnly);
        lock.lock();
        try {
            if (closed) {
                stream.queue.add(new Signal.Closed());
                return stream;
            }
            if (lastSeen >= 0) {
                long oldest = ring.isEmpty() ? lastId + 1 : ring.getFirst().id();
                if (lastSeen > 0 && lastSeen + 1 < oldest) {
                    stream.queue.add(new Signal.Reload());
                }
                List<Entry> replay = new ArrayList<>();
                for (Entry entry : ring) {
                    if (entry.id() > lastSeen) {
                        replay.add(entry);
                    }
                }
                stream.offer(replay);
            }
            streams.add(stream);
        } finally {
            lock.unlock();
        }
        return stream;
    }

    /** The id of the newest event so far. */
    long lastId() {
        lock.lock();
        try {
            return lastId;
        } finally {
            lock.unlock();
        }
    }

    /** Ends every stream and the numbering thread, after the events already queued. */
    @Override
    public void close() {
        closed = true;
        while (numberer.isAlive()) {
            try {
                numberer.join();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Stream stream : streams) {
            stream.queue.add(new Signal.Closed());
        }
    }

    /** One client's stream. */
    final class Stream implements AutoCloseable {

        private final UUID rootId;
        private final boolean newsOnly;
        private final LinkedBlockingQueue<Signal> queue = new LinkedBlockingQueue<>();
        private int behind; // guarded by the hub's lock
        private boolean lagging; // guarded by the hub's lock

        private Stream(UUID rootId, boolean newsOnly) {
            this.rootId = rootId;
            this.newsOnly = newsOnly;
        }

        private void offer(List<Entry> entries) {
            if (lagging) {
                return;
            }
            List<Entry> mine = newsOnly ? entries.stream().filter(entry -> entry.rootId() == null).toList()
                    : rootId == null ? entries
                    : entries.stream().filter(entry -> entry.rootId() == null || rootId.equals(entry.rootId())).toList();
            if (mine.isEmpty()) {
                return;
            }
            behind += mine.size();
            if (behind > MOST_BEHIND) {
                lagging = true;
                queue.add(new Signal.Closed()); // the client reconnects with its Last-Event-ID
                return;
            }
            queue.add(new Signal.Entries(List.copyOf(mine)));
        }

        /**
         * Waits up to {@code timeout} for the next signal.
         *
         * @return the signal, or {@code null} after the timeout
         */
        Signal next(long timeout, TimeUnit unit) throws InterruptedException {
            Signal signal = queue.poll(timeout, unit);
            if (signal instanceof Signal.Entries(List<Entry> entries)) {
                lock.lock();
                try {
                    behind -= entries.size();
                } finally {
                    lock.unlock();
                }
            }
            return signal;
        }

        @Override
        public void close() {
            streams.remove(this);
        }
    }
}
