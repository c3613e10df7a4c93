package io.loomflow.store.internal;

import io.loomflow.Event;
import io.loomflow.RunInfo;
import io.loomflow.State;
import io.loomflow.store.ErrorRecord;
import io.loomflow.store.LogRecord;
import io.loomflow.store.RunQuery;
import io.loomflow.store.RunRecord;
import io.loomflow.store.RunStore;
import io.loomflow.store.StateRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The run history in memory: one lock, maps of runs and log lines. */
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
                    info.createdAt());
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
                    state, history, error, result);
        }
    }

    private final Map<UUID, Run> runs = new LinkedHashMap<>();
    private final Map<UUID, List<LogRecord>> logs = new HashMap<>();

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
                    Run run = known != null ? known : added.computeIfAbsent(id, key -> new Run(change.run()));
                    StateRecord entry = Records.state(change);
                    ErrorRecord error = Records.error(change.state());
                    String result = Records.result(change);
                    changes.add(() -> run.add(entry, change.state().kind(), error, result));
                }
                case Event.LogLine line -> {
                    LogRecord record = Records.log(line);
                    changes.add(() -> logs.computeIfAbsent(line.run().id(), id -> new ArrayList<>()).add(record));
                }
            }
        }
        runs.putAll(added);
        changes.forEach(Runnable::run);
    }

    @Override
    public synchronized Optional<RunRecord> run(UUID id) {
        return Optional.ofNullable(runs.get(id)).map(Run::record);
    }

    @Override
    public synchronized List<RunRecord> runs(RunQuery query) {
        return runs.values().stream().map(Run::record).filter(query::matches)
                .sorted(Comparator.comparing(RunRecord::createdAt).thenComparing(RunRecord::id).reversed())
                .skip(query.offset()).limit(query.limit()).toList();
    }

    @Override
    public synchronized List<RunRecord> children(UUID parentId) {
        return runs.values().stream().filter(run -> parentId.equals(run.info.parentId())).map(Run::record)
                .sorted(Comparator.comparing(RunRecord::createdAt).thenComparing(RunRecord::id)).toList();
    }

    @Override
    public synchronized List<LogRecord> logs(UUID runId) {
        return List.copyOf(logs.getOrDefault(runId, List.of()));
    }

    @Override
    public void close() {
    }
}
