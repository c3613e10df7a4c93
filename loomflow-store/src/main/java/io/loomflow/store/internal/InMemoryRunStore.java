package io.loomflow.store.internal;

import io.loomflow.Event;
import io.loomflow.ItemHistory;
import io.loomflow.RunInfo;
import io.loomflow.State;
import io.loomflow.store.DatasetAccessRecord;
import io.loomflow.store.ErrorRecord;
import io.loomflow.store.ItemFailure;
import io.loomflow.store.LogRecord;
import io.loomflow.store.MapSummary;
import io.loomflow.store.Page;
import io.loomflow.store.PageQuery;
import io.loomflow.store.Prune;
import io.loomflow.store.PruneResult;
import io.loomflow.store.RunIdPrefix;
import io.loomflow.store.RunQuery;
import io.loomflow.store.RunRecord;
import io.loomflow.store.RunStore;
import io.loomflow.store.RunSummary;
import io.loomflow.store.StateRecord;
import io.loomflow.store.TreeNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The run history in memory: one lock; runs by id and by creation; below each run, its runs and
 * maps in order with their counts; log lines by run; dataset accesses by root and sequence. Maps are kept as summaries updated as their items change state; a map that keeps
 * {@linkplain ItemHistory#FAILURES failures only} drops each item that ends otherwise, with what
 * was below it.
 */
public final class InMemoryRunStore implements RunStore {

    /**
     * A run as it is being recorded: its description without its input, which is kept as JSON only,
     * so that the store holds no object (and no class) of the code that ran.
     */
    private static final class Run {
        final RunInfo info;
        final String parameters;
        final List<StateRecord> history = new ArrayList<>();
        State.Kind state;
        ErrorRecord error;
        String result;

        Run(RunInfo info) {
            this.info = new RunInfo(info.id(), info.parentId(), info.rootId(), info.name(), info.kind(), null,
                    info.createdAt(), info.mapItem());
            this.parameters = Records.parameters(info.input());
        }

        void add(StateRecord entry, State.Kind kind, ErrorRecord firstError, String firstResult) {
            history.add(entry);
            state = kind;
            if (error == null) {
                error = firstError;
            }
            if (result == null) {
                result = firstResult;
            }
        }

        RunRecord record() {
            return new RunRecord(info.id(), info.parentId(), info.rootId(), info.name(), info.kind(), parameters,
                    state, history, error, result, info.mapItem());
        }

        Instant createdAt() {
            return history.getFirst().at();
        }
    }

    /** A map: its items' counts, first failures and durations, and the item runs it keeps. */
    private static final class MapGroup {
        final RunInfo.MapItem identity;
        final UUID parentId;
        final String name;
        final Instant createdAt;
        final EnumMap<State.Kind, Long> counts = new EnumMap<>(State.Kind.class);
        final List<ItemFailure> failures = new ArrayList<>();
        final DurationHistogram durations = new DurationHistogram();
        final TreeMap<Integer, Run> items = new TreeMap<>();

        MapGroup(RunInfo first) {
            this.identity = first.mapItem();
            this.parentId = first.parentId();
            this.name = first.name();
            this.createdAt = first.createdAt();
        }

        MapSummary summary() {
            return new MapSummary(identity.mapId(), parentId, name, identity.size(), identity.history(), createdAt,
                    counts, failures, durations.durations());
        }
    }

    /** Where a run or a map sits among its siblings and in the list of runs: when created, then id. */
    private record Key(Instant createdAt, UUID id) implements Comparable<Key> {
        @Override
        public int compareTo(Key other) {
            int byTime = createdAt.compareTo(other.createdAt);
            return byTime != 0 ? byTime : id.compareTo(other.id);
        }
    }

    /** What is below one run: its runs that are not map items and its maps, oldest first, and their counts. */
    private static final class Below {
        final TreeMap<Key, Object> nodes = new TreeMap<>();
        final EnumMap<State.Kind, Long> runCounts = new EnumMap<>(State.Kind.class);
        final List<MapGroup> maps = new ArrayList<>();
    }

    private final Map<UUID, Run> runs = new HashMap<>();
    /** Deliveries claimed, by scope and id, to when they expire. */
    private final Map<List<String>, Instant> deliveries = new HashMap<>();
    private final TreeMap<Key, Run> byCreation = new TreeMap<>();
    private final TreeMap<Key, Run> rootsByCreation = new TreeMap<>();
    private final Map<UUID, Below> below = new HashMap<>();
    private final Map<UUID, MapGroup> maps = new HashMap<>();
    private final Map<UUID, List<LogRecord>> logs = new HashMap<>();
    /** Each root's dataset accesses by sequence, without their parents' names (read when asked). */
    private final Map<UUID, TreeMap<Long, List<DatasetAccessRecord>>> lineage = new HashMap<>();

    /** Creates an empty store. */
    public InMemoryRunStore() {
    }

    @Override
    public synchronized void write(List<Event> events) {
        // Whatever can fail (values turned into JSON or text) is done before anything changes: a
        // batch is recorded whole or not at all, so that a recorder may offer it again.
        Map<UUID, Run> added = new LinkedHashMap<>();
        List<Runnable> changes = new ArrayList<>(events.size());
        for (Event event : events) {
            switch (event) {
                case Event.StateChange change -> {
                    UUID id = change.run().id();
                    Run known = runs.get(id);
                    Run run = known != null ? known : added.get(id);
                    if (run == null) {
                        Run fresh = new Run(change.run());
                        added.put(id, fresh);
                        run = fresh;
                        changes.add(() -> adopt(fresh));
                    }
                    Run changed = run;
                    StateRecord entry = Records.state(change);
                    ErrorRecord error = Records.error(change.state());
                    String result = Records.result(change);
                    changes.add(() -> changeState(changed, entry, change.state().kind(), error, result));
                }
                case Event.LogLine line -> {
                    LogRecord record = Records.log(line);
                    changes.add(() -> {
                        if (runs.containsKey(line.run().id())) {
                            logs.computeIfAbsent(line.run().id(), id -> new ArrayList<>()).add(record);
                        }
                    });
                }
                case Event.DatasetAccess access -> {
                    RunInfo by = access.run();
                    DatasetAccessRecord record = new DatasetAccessRecord(by.id(), by.name(), by.parentId(), null,
                            access.sequence(), access.at(), access.access(), access.dataset(), access.version(),
                            access.location());
                    changes.add(() -> lineage.computeIfAbsent(by.rootId(), root -> new TreeMap<>())
                            .computeIfAbsent(access.sequence(), sequence -> new ArrayList<>(1)).add(record));
                }
            }
        }
        changes.forEach(Runnable::run);
    }

    private void adopt(Run run) {
        runs.put(run.info.id(), run);
        RunInfo.MapItem item = run.info.mapItem();
        if (item != null) {
            MapGroup map = maps.computeIfAbsent(item.mapId(), id -> {
                MapGroup fresh = new MapGroup(run.info);
                Below siblings = below.computeIfAbsent(run.info.parentId(), key -> new Below());
                siblings.maps.add(fresh);
                siblings.nodes.put(new Key(fresh.createdAt, item.mapId()), fresh);
                return fresh;
            });
            map.items.put(item.index(), run);
        }
    }

    private void changeState(Run run, StateRecord entry, State.Kind kind, ErrorRecord error, String result) {
        State.Kind before = run.state;
        run.add(entry, kind, error, result);
        if (before == null) {
            Key key = new Key(entry.at(), run.info.id());
            byCreation.put(key, run);
            if (run.info.parentId() == null) {
                rootsByCreation.put(key, run);
            } else if (run.info.mapItem() == null) {
                below.computeIfAbsent(run.info.parentId(), id -> new Below()).nodes.put(key, run);
            }
        }
        RunInfo.MapItem item = run.info.mapItem();
        if (item == null) {
            if (run.info.parentId() != null) {
                moved(below.get(run.info.parentId()).runCounts, before, kind);
            }
            return;
        }
        MapGroup map = maps.get(item.mapId());
        moved(map.counts, before, kind);
        if (!kind.isFinal()) {
            return;
        }
        run.history.stream().filter(state -> state.is(State.Kind.RUNNING)).findFirst()
                .ifPresent(started -> map.durations.add(Duration.between(started.at(), entry.at()).toNanos()));
        if (kind == State.Kind.FAILED && map.failures.size() < MapSummary.FAILURES_KEPT) {
            map.failures.add(new ItemFailure(item.index(), run.info.id(), run.error));
        }
        if (item.history() == ItemHistory.FAILURES && kind != State.Kind.FAILED) {
            map.items.remove(item.index());
            forget(run);
        }
    }

    private static void moved(EnumMap<State.Kind, Long> counts, State.Kind from, State.Kind to) {
        if (from != null) {
            counts.merge(from, -1L, Long::sum);
        }
        counts.merge(to, 1L, Long::sum);
    }

    /**
     * Removes a run and everything below it, with their log lines and the maps they started. The
     * counts of the top run's parent and map are left as they are: a pruned tree goes whole, and an
     * item that a map does not keep stays counted in its map.
     */
    private void forget(Run top) {
        Deque<Run> todo = new ArrayDeque<>(List.of(top));
        while (!todo.isEmpty()) {
            Run run = todo.pop();
            UUID id = run.info.id();
            runs.remove(id);
            logs.remove(id);
            if (!run.history.isEmpty()) {
                Key key = new Key(run.createdAt(), id);
                byCreation.remove(key);
                rootsByCreation.remove(key);
                if (run == top && run.info.parentId() != null && run.info.mapItem() == null) {
                    below.get(run.info.parentId()).nodes.remove(key);
                }
            }
            Below under = below.remove(id);
            if (under != null) {
                for (Object node : under.nodes.values()) {
                    if (node instanceof Run child) {
                        todo.push(child);
                    }
                }
                for (MapGroup map : under.maps) {
                    maps.remove(map.identity.mapId());
                    todo.addAll(map.items.values());
                }
            }
        }
    }

    @Override
    public synchronized Optional<RunRecord> run(UUID id) {
        return Optional.ofNullable(runs.get(id)).map(Run::record);
    }

    @Override
    public synchronized List<RunRecord> runs(RunQuery query) {
        return (query.rootsOnly() ? rootsByCreation : byCreation).descendingMap().values().stream().map(Run::record)
                .filter(query::matches).skip(query.offset()).limit(query.limit()).toList();
    }

    @Override
    public synchronized List<RunRecord> runsByIdPrefix(String prefix, boolean rootsOnly, int limit) {
        RunIdPrefix range = RunIdPrefix.of(prefix);
        if (limit < 1) {
            throw new IllegalArgumentException("a prefix query's limit was " + limit + "; pass 1 or more");
        }
        return runs.values().stream().map(Run::record).filter(run -> range.matches(run.id()))
                .filter(run -> !rootsOnly || run.parentId() == null)
                .sorted(Comparator.comparing(run -> run.id().toString())).limit(limit).toList();
    }

    @Override
    public synchronized List<RunRecord> children(UUID parentId) {
        Below under = below.get(parentId);
        if (under == null) {
            return List.of();
        }
        List<RunRecord> children = new ArrayList<>();
        for (Object node : under.nodes.values()) {
            if (node instanceof Run run) {
                children.add(run.record());
            } else if (node instanceof MapGroup map) {
                map.items.values().forEach(item -> children.add(item.record()));
            }
        }
        return children.stream().sorted(Comparator.comparing(RunRecord::createdAt).thenComparing(RunRecord::id))
                .toList();
    }

    @Override
    public synchronized Optional<RunSummary> summary(UUID runId) {
        Run run = runs.get(runId);
        if (run == null) {
            return Optional.empty();
        }
        Below under = below.get(runId);
        if (under == null) {
            return Optional.of(new RunSummary(run.record(), Map.of(), List.of(), 0));
        }
        EnumMap<State.Kind, Long> counts = new EnumMap<>(under.runCounts);
        for (MapGroup map : under.maps) {
            map.counts.forEach((kind, count) -> counts.merge(kind, count, Long::sum));
        }
        List<MapSummary> shown = under.maps.stream().limit(RunSummary.MAPS_SHOWN).map(MapGroup::summary).toList();
        return Optional.of(new RunSummary(run.record(), counts, shown, under.maps.size()));
    }

    @Override
    public synchronized Page<TreeNode> children(UUID parentId, PageQuery query) {
        Cursors.Position after = query.after() == null ? null : Cursors.position(query.after());
        Below under = below.get(parentId);
        if (under == null) {
            return new Page<>(List.of(), null);
        }
        var rest = after == null ? under.nodes : under.nodes.tailMap(new Key(after.createdAt(), after.id()), false);
        List<TreeNode> page = new ArrayList<>();
        for (Object node : rest.values()) {
            boolean matches = switch (node) {
                case Run run -> query.state() == null || run.state == query.state();
                case MapGroup map -> query.state() == null || map.counts.getOrDefault(query.state(), 0L) > 0;
                default -> throw new IllegalStateException("not a node: " + node);
            };
            if (!matches) {
                continue;
            }
            if (page.size() == query.limit()) {
                TreeNode last = page.getLast();
                return new Page<>(page, Cursors.after(last.createdAt(), last.id()));
            }
            page.add(node instanceof Run run ? run.record() : ((MapGroup) node).summary());
        }
        return new Page<>(page, null);
    }

    @Override
    public synchronized Optional<MapSummary> map(UUID mapId) {
        return Optional.ofNullable(maps.get(mapId)).map(MapGroup::summary);
    }

    @Override
    public synchronized Page<RunRecord> items(UUID mapId, PageQuery query) {
        MapGroup map = maps.get(mapId);
        if (map == null) {
            return new Page<>(List.of(), null);
        }
        int after = query.after() == null ? -1 : Cursors.index(query.after());
        List<RunRecord> page = new ArrayList<>();
        for (Run item : map.items.tailMap(after, false).values()) {
            if (query.state() != null && item.state != query.state()) {
                continue;
            }
            if (page.size() == query.limit()) {
                return new Page<>(page, Cursors.afterIndex(page.getLast().mapItem().index()));
            }
            page.add(item.record());
        }
        return new Page<>(page, null);
    }

    @Override
    public synchronized PruneResult prune(Prune request) {
        List<Run> roots = List.copyOf(rootsByCreation.descendingMap().values());
        long prunedRoots = 0;
        long prunedRuns = 0;
        long keptUnfinished = 0;
        for (int rank = 0; rank < roots.size(); rank++) {
            Run root = roots.get(rank);
            RunRecord record = root.record();
            if (!request.selects(record, rank)) {
                continue;
            }
            if (!record.isFinal()) {
                keptUnfinished++;
                continue;
            }
            int before = runs.size();
            forget(root);
            lineage.remove(root.info.id());
            prunedRoots++;
            prunedRuns += before - runs.size();
        }
        return new PruneResult(prunedRoots, prunedRuns, keptUnfinished);
    }

    @Override
    public synchronized Page<DatasetAccessRecord> lineage(UUID runId, PageQuery query) {
        long after = Cursors.lineageAfter(query);
        Run run = runs.get(runId);
        TreeMap<Long, List<DatasetAccessRecord>> tree = run == null ? null : lineage.get(run.info.rootId());
        if (tree == null) {
            return new Page<>(List.of(), null);
        }
        boolean root = run.info.parentId() == null;
        List<DatasetAccessRecord> page = new ArrayList<>();
        for (List<DatasetAccessRecord> accesses : tree.tailMap(after, false).values()) {
            for (DatasetAccessRecord access : accesses) {
                if (!root && !access.runId().equals(runId) && !runId.equals(access.parentId())) {
                    continue;
                }
                if (page.size() == query.limit()) {
                    return new Page<>(page, Cursors.afterSequence(page.getLast().sequence()));
                }
                Run parent = access.parentId() == null ? null : runs.get(access.parentId());
                page.add(new DatasetAccessRecord(access.runId(), access.runName(), access.parentId(),
                        parent == null ? null : parent.info.name(), access.sequence(), access.at(), access.access(),
                        access.dataset(), access.version(), access.location()));
            }
        }
        return new Page<>(page, null);
    }

    /**
     * How many dataset accesses the store holds, of every run: what pruning gives back.
     *
     * @return the count
     */
    public synchronized long accessesKept() {
        return lineage.values().stream().flatMap(tree -> tree.values().stream()).mapToLong(List::size).sum();
    }

    @Override
    public synchronized List<LogRecord> logs(UUID runId) {
        return List.copyOf(logs.getOrDefault(runId, List.of()));
    }

    @Override
    public synchronized boolean claimDelivery(String scope, String deliveryId, Instant now, Instant expiresAt) {
        Records.checkDelivery(scope, deliveryId);
        deliveries.values().removeIf(expiry -> expiry.isBefore(now));
        return deliveries.putIfAbsent(List.of(scope, deliveryId), expiresAt) == null;
    }

    @Override
    public synchronized void releaseDelivery(String scope, String deliveryId) {
        Records.checkDelivery(scope, deliveryId);
        deliveries.remove(List.of(scope, deliveryId));
    }

    @Override
    public void close() {
    }
}
