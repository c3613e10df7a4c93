package io.loomflow.server.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loomflow.Event;
import io.loomflow.EventListener;
import io.loomflow.RunInfo;
import io.loomflow.State;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The engine's events for server-sent-event streams, in an amount that does not grow with the size
 * of a run.
 *
 * <p><b>Intake</b>, on the runs' threads, never blocks. The state changes of a map's items and of
 * every run below an item are counted, not queued: per root run, the runs below it by state; per
 * map, its items by state. Every other event (a root's, a subflow's or task's outside maps, a log
 * line) is queued for its own entry, up to {@value #MOST_QUEUED} waiting at once; beyond that, one
 * that is not a root run's state change is left out, and counted (its state still is).
 *
 * <p><b>Numbering</b>, on one thread: it renders each queued event to JSON once, and every
 * {@link #PROGRESS_EVERY} turns the counts of each root run that changed into one {@code progress}
 * entry (so at most ten a second per run, whatever its size); it numbers the entries (the SSE ids),
 * keeps the newest in a ring for clients that reconnect with {@code Last-Event-ID}, and hands them
 * to the open streams. A root run's last progress, with every map, comes before its final state.
 *
 * <p><b>Streams</b> hold what their client has not taken yet, bounded: a newer progress of a run
 * replaces the one waiting (merging their maps); a client more than {@value #COALESCE_FROM} entries
 * behind gets only the newest state of each run (final states are never left out); one further behind
 * than the ring holds, plus {@value #MOST_PENDING_NEW} (log lines do not coalesce), is ended, and
 * reconnects with its {@code Last-Event-ID}: it catches up from the ring, or is told to reload when the
 * ring no longer reaches back.
 */
final class EventHub implements AutoCloseable {

    /** How often the counts of a run that changed are sent. */
    static final Duration PROGRESS_EVERY = Duration.ofMillis(100);
    private static final int MOST_QUEUED = 16_384;
    private static final int COALESCE_FROM = 1_000;
    /** What a stream may hold beyond what the ring replays to it when it opens. */
    private static final int MOST_PENDING_NEW = 4_096;
    private static final State.Kind[] KINDS = State.Kind.values();

    /**
     * One numbered entry, rendered; its type is {@code state}, {@code log} or {@code progress} for a
     * run's tree (with the root's id), or {@code generation} for dev mode's news, which every stream
     * gets (no root). {@code key} names what a newer entry may replace (a run's state, a root's
     * progress), or is null; {@code progress} is the value of a progress entry, to merge.
     */
    record Entry(long id, UUID rootId, String type, String json, Key key, Progress progress) {

        Entry numbered(long number) {
            return new Entry(number, rootId, type, json, key, progress);
        }
    }

    /** What a newer entry may replace in a stream that falls behind: the state of a run, the progress of a root. */
    record Key(String type, UUID id) {
    }

    /** A root run's progress as sent: the runs below it by state, the maps that changed, the events left out. */
    record Progress(UUID rootId, Instant at, Map<String, Long> counts, Map<UUID, Responses.MapProgress> maps,
                    long leftOut) {

        /** This progress followed by a newer one: the newer counts, and the maps of both, the newer winning. */
        Progress then(Progress newer) {
            Map<UUID, Responses.MapProgress> both = new LinkedHashMap<>(maps);
            newer.maps().forEach((id, map) -> {
                both.remove(id);
                both.put(id, map);
            });
            return new Progress(rootId, newer.at(), newer.counts(), both, newer.leftOut());
        }
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

    private final int capacity;
    private final int mostPending;
    private final ObjectMapper json;
    private final LinkedBlockingQueue<Incoming> incoming = new LinkedBlockingQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final ConcurrentHashMap<UUID, RootTally> roots = new ConcurrentHashMap<>();
    /** The map of each item in flight, and of each run in flight below an item. */
    private final ConcurrentHashMap<UUID, MapTally> folded = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Entry> ring; // guarded by lock
    private final List<Stream> streams = new CopyOnWriteArrayList<>();
    private final Thread numberer;
    private long lastId; // guarded by lock
    private volatile boolean closed;

    /**
     * A hub that keeps the newest {@code capacity} entries, and renders progress with {@code json}.
     * Its thread is a platform thread: a run of many tasks keeps the virtual threads' carriers busy.
     */
    EventHub(int capacity, ObjectMapper json) {
        this.capacity = capacity;
        this.mostPending = capacity + MOST_PENDING_NEW; // a stream that opens can take the whole ring, and more
        this.json = json;
        this.ring = new ArrayDeque<>(capacity);
        this.numberer = Thread.ofPlatform().daemon().name("loomflow-server-events").start(this::number);
    }

    /**
     * A listener that takes an engine's events, to be rendered with {@code render} on the hub's
     * thread; on the runs' threads it only counts or queues.
     */
    EventListener listener(Function<Event, String> render) {
        return event -> {
            if (!closed) {
                take(event, render);
            }
        };
    }

    private void take(Event event, Function<Event, String> render) {
        RunInfo run = event.run();
        boolean rootState = run.isRoot() && event instanceof Event.StateChange;
        if (event instanceof Event.StateChange change && !run.isRoot()) {
            RootTally root = tally(run.rootId());
            root.count(change);
            MapTally map = run.isMapItem() ? root.map(run) : folded.get(run.parentId());
            if (map != null) {
                if (run.isMapItem()) {
                    map.count(change);
                }
                if (change.state().isFinal()) {
                    folded.remove(run.id());
                } else if (change.previous() == null) {
                    folded.put(run.id(), map);
                }
                return;
            }
        }
        if (rootState || queued.incrementAndGet() <= MOST_QUEUED) {
            if (rootState) {
                queued.incrementAndGet();
            }
            incoming.add(new Incoming(event, render, null, null));
        } else {
            queued.decrementAndGet();
            tally(run.rootId()).leftOut(event.at());
        }
    }

    private RootTally tally(UUID rootId) {
        RootTally root = roots.get(rootId);
        return root != null ? root : roots.computeIfAbsent(rootId, RootTally::new);
    }

    /** Sends news of {@code type}, already JSON, to every stream. */
    void broadcast(String type, String rendered) {
        if (!closed) {
            queued.incrementAndGet();
            incoming.add(new Incoming(null, null, type, rendered));
        }
    }

    private void number() {
        List<Incoming> batch = new ArrayList<>();
        long tick = PROGRESS_EVERY.toNanos();
        long nextTick = System.nanoTime() + tick;
        while (!closed || !incoming.isEmpty()) {
            try {
                long wait = nextTick - System.nanoTime();
                Incoming first = wait > 0 ? incoming.poll(wait, TimeUnit.NANOSECONDS) : incoming.poll();
                if (first != null) {
                    batch.add(first);
                    incoming.drainTo(batch, 999);
                    queued.addAndGet(-batch.size());
                }
            } catch (InterruptedException interrupted) {
                continue; // ends only when closed and drained
            }
            List<Entry> entries = new ArrayList<>(batch.size() + roots.size());
            for (Incoming next : batch) {
                Event event = next.event();
                if (event == null) {
                    entries.add(new Entry(0, null, next.type(), next.json(), null, null));
                    continue;
                }
                RunInfo run = event.run();
                boolean ended = event instanceof Event.StateChange change && change.state().isFinal();
                if (ended && run.isRoot()) {
                    RootTally root = roots.remove(run.id());
                    if (root != null) {
                        entries.add(progress(root.snapshot(true)));
                    }
                }
                entries.add(switch (event) {
                    case Event.LogLine line -> new Entry(0, run.rootId(), "log", next.render().apply(event), null, null);
                    case Event.DatasetAccess access ->
                            new Entry(0, run.rootId(), "lineage", next.render().apply(event), null, null);
                    case Event.StateChange change -> new Entry(0, run.rootId(), "state", next.render().apply(event),
                            new Key("state", run.id()), null);
                });
            }
            batch.clear();
            if (System.nanoTime() - nextTick >= 0) {
                for (RootTally root : roots.values()) {
                    if (root.changed.getAndSet(false)) {
                        entries.add(progress(root.snapshot(false)));
                    }
                }
                nextTick = System.nanoTime() + tick;
            }
            if (!entries.isEmpty()) {
                publish(entries);
            }
        }
    }

    private void publish(List<Entry> entries) {
        lock.lock();
        try {
            for (int i = 0; i < entries.size(); i++) {
                Entry numbered = entries.get(i).numbered(++lastId);
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
    }

    private Entry progress(Progress progress) {
        return new Entry(0, progress.rootId(), "progress", render(progress), new Key("progress", progress.rootId()),
                progress);
    }

    private String render(Progress progress) {
        try {
            return json.writeValueAsString(new Responses.ProgressEvent(progress.at().toString(),
                    progress.rootId().toString(), "progress", progress.counts(), List.copyOf(progress.maps().values()),
                    progress.leftOut()));
        } catch (JsonProcessingException cannot) {
            throw new IllegalStateException("a run's progress could not be written as JSON: " + cannot.getOriginalMessage(),
                    cannot);
        }
    }

    /**
     * Opens a stream of the entries after {@code lastSeen}, of one root run or of all; a root run's
     * stream starts with the run's progress as it is now, if the run is in flight.
     *
     * @param rootId the root run whose tree's entries to send, or {@code null} for all
     * @param lastSeen the id of the last entry the client saw ({@code Last-Event-ID}), or {@code -1}
     *     for only new entries, or {@code 0} for every entry still in the ring
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
                stream.end(new Signal.Closed());
                return stream;
            }
            if (lastSeen >= 0) {
                long oldest = ring.isEmpty() ? lastId + 1 : ring.getFirst().id();
                if (lastSeen > 0 && lastSeen + 1 < oldest) {
                    stream.reload();
                }
                List<Entry> replay = new ArrayList<>();
                for (Entry entry : ring) {
                    if (entry.id() > lastSeen) {
                        replay.add(entry);
                    }
                }
                RootTally root = rootId == null || newsOnly ? null : roots.get(rootId);
                if (root != null) {
                    replay.add(progress(root.snapshot(true)).numbered(lastId));
                }
                stream.offer(replay);
            }
            streams.add(stream);
        } finally {
            lock.unlock();
        }
        return stream;
    }

    /** The id of the newest entry so far. */
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
            stream.end(new Signal.Closed());
        }
    }

    /** Counts by kind of state, kept by the runs' threads. */
    private static final class Tally {

        private final AtomicLongArray counts = new AtomicLongArray(KINDS.length);

        void move(State previous, State next) {
            if (previous != null) {
                counts.decrementAndGet(previous.kind().ordinal());
            }
            counts.incrementAndGet(next.kind().ordinal());
        }

        /** The counts that are not zero, by label, in the order of the kinds. */
        Map<String, Long> snapshot() {
            Map<String, Long> labelled = new LinkedHashMap<>();
            for (State.Kind kind : KINDS) {
                long count = counts.get(kind.ordinal());
                if (count != 0) {
                    labelled.put(kind.label(), count);
                }
            }
            return labelled;
        }
    }

    /** A root run in flight: the runs below it by state, its maps, and the events of its tree left out. */
    private static final class RootTally {

        private final UUID id;
        private final Tally below = new Tally();
        private final ConcurrentSkipListMap<UUID, MapTally> maps = new ConcurrentSkipListMap<>(); // map ids are time-ordered
        private final AtomicBoolean changed = new AtomicBoolean();
        private final AtomicLong leftOut = new AtomicLong();
        private volatile Instant at = Instant.EPOCH;

        RootTally(UUID id) {
            this.id = id;
        }

        void count(Event.StateChange change) {
            below.move(change.previous(), change.state());
            at = change.at();
            changed.set(true);
        }

        void leftOut(Instant when) {
            leftOut.incrementAndGet();
            at = when;
            changed.set(true);
        }

        MapTally map(RunInfo item) {
            RunInfo.MapItem where = item.mapItem();
            MapTally map = maps.get(where.mapId());
            return map != null ? map : maps.computeIfAbsent(where.mapId(), mapId -> new MapTally(mapId, item));
        }

        /** The progress now: every map, or those that changed since the last. */
        Progress snapshot(boolean everyMap) {
            Map<UUID, Responses.MapProgress> shown = new LinkedHashMap<>();
            for (MapTally map : maps.values()) {
                if (everyMap || map.changed.getAndSet(false)) { // a snapshot leaves the changes to the next tick
                    shown.put(map.id, map.view());
                }
            }
            return new Progress(id, at, below.snapshot(), shown, leftOut.get());
        }
    }

    /** One map: its items by state. */
    private static final class MapTally {

        private final UUID id;
        private final String name;
        private final UUID parentId;
        private final int size;
        private final Tally items = new Tally();
        private final AtomicBoolean changed = new AtomicBoolean();

        MapTally(UUID id, RunInfo item) {
            this.id = id;
            this.name = item.name();
            this.parentId = item.parentId();
            this.size = item.mapItem().size();
        }

        void count(Event.StateChange change) {
            items.move(change.previous(), change.state());
            changed.set(true);
        }

        Responses.MapProgress view() {
            Map<String, Long> counts = items.snapshot();
            long ended = 0;
            for (State.Kind kind : State.Kind.finals()) {
                ended += counts.getOrDefault(kind.label(), 0L);
            }
            return new Responses.MapProgress(id.toString(), name, parentId.toString(), size, counts, ended == size);
        }
    }

    /** One client's stream: what it has not taken yet, bounded (see the class description). */
    final class Stream implements AutoCloseable {

        private final UUID rootId;
        private final boolean newsOnly;
        private final ReentrantLock pendingLock = new ReentrantLock();
        private final Condition arrived = pendingLock.newCondition();
        private final LinkedHashMap<Object, Entry> pending = new LinkedHashMap<>(); // guarded by pendingLock
        private boolean reload; // guarded by pendingLock
        private Signal end; // guarded by pendingLock

        private Stream(UUID rootId, boolean newsOnly) {
            this.rootId = rootId;
            this.newsOnly = newsOnly;
        }

        private boolean wants(Entry entry) {
            return newsOnly ? entry.rootId() == null
                    : rootId == null || entry.rootId() == null || rootId.equals(entry.rootId());
        }

        private void offer(List<Entry> entries) {
            pendingLock.lock();
            try {
                if (end != null) {
                    return;
                }
                for (Entry entry : entries) {
                    if (!wants(entry)) {
                        continue;
                    }
                    boolean coalesce = entry.key() != null
                            && (entry.progress() != null || pending.size() >= COALESCE_FROM);
                    Object key = coalesce ? entry.key() : (Long) entry.id();
                    Entry older = coalesce ? pending.remove(key) : null;
                    if (older != null && older.progress() != null) {
                        Progress merged = older.progress().then(entry.progress());
                        entry = new Entry(entry.id(), entry.rootId(), entry.type(), render(merged), entry.key(), merged);
                    }
                    pending.put(key, entry);
                    if (pending.size() > mostPending) {
                        pending.clear();
                        end = new Signal.Closed(); // the client reconnects with its Last-Event-ID
                        break;
                    }
                }
                arrived.signalAll();
            } finally {
                pendingLock.unlock();
            }
        }

        private void reload() {
            pendingLock.lock();
            try {
                reload = true;
            } finally {
                pendingLock.unlock();
            }
        }

        private void end(Signal signal) {
            pendingLock.lock();
            try {
                if (end == null) {
                    end = signal;
                }
                arrived.signalAll();
            } finally {
                pendingLock.unlock();
            }
        }

        /**
         * Waits up to {@code timeout} for what comes next: a reload first, then the entries waiting,
         * then the end once everything before it was taken.
         *
         * @return the signal, or {@code null} after the timeout
         */
        Signal next(Duration timeout) throws InterruptedException {
            long left = timeout.toNanos();
            pendingLock.lock();
            try {
                while (!reload && pending.isEmpty() && end == null) {
                    if (left <= 0) {
                        return null;
                    }
                    left = arrived.awaitNanos(left);
                }
                if (reload) {
                    reload = false;
                    return new Signal.Reload();
                }
                if (!pending.isEmpty()) {
                    List<Entry> taken = List.copyOf(pending.values());
                    pending.clear();
                    return new Signal.Entries(taken);
                }
                return end;
            } finally {
                pendingLock.unlock();
            }
        }

        @Override
        public void close() {
            streams.remove(this);
        }
    }
}
