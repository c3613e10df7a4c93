package io.loomflow.workers.internal;

import io.loomflow.spi.Checkpoint;
import io.loomflow.spi.Checkpoints;
import io.loomflow.store.ResultCodec;
import io.loomflow.store.ResultStores;
import io.loomflow.workers.FencedException;
import io.loomflow.workers.WorkQueueException;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The checkpoints of a worker's durable runs, in {@code lf_checkpoint}: one row per child that
 * completed or failed, under the queued run's id (the scope) and the child's key.
 *
 * <p><b>Fencing.</b> A save is an {@code INSERT ... SELECT ... WHERE EXISTS} the run's queue row
 * with this worker's claim token and state {@code running}; when that is no longer so (the lease
 * expired and the run was re-queued, or another worker claimed it), nothing is written and save
 * throws {@link FencedException}, which makes the engine give the run up here.
 *
 * <p><b>Values.</b> Written with {@link ResultCodec#json()}, which records the type of every value
 * that is not plain JSON, so that {@link #load} rebuilds the same types with the task's class
 * loader, and builds only data types (records, collections, {@code java.time}, ...). The first value
 * of each class is read back once at save, so that a value that could not be replayed is refused
 * when it is made, naming the task and the type, rather than when a later worker needs it.
 *
 * <p><b>First executions.</b> A run claimed for the first time has no checkpoints (a checkpoint is
 * written only by a worker holding a claim, and every claim counts an attempt), so the worker marks
 * it {@linkplain #firstExecution fresh} and its lookups answer "none" without a query: a task of a
 * first execution costs one statement, its save.
 *
 * <p><b>Outages.</b> A save or load that cannot reach the database is retried with back-off for up
 * to the lease expiry (after which the run is another worker's anyway), then fails with a
 * {@link WorkQueueException}. Thread-safe.
 */
final class PgCheckpoints implements Checkpoints {

    private static final System.Logger LOG = System.getLogger("io.loomflow.workers");
    /** Keys longer than this are stored as a hash (an index entry has a size limit). */
    private static final int LONGEST_KEY = 1000;

    private static final String SAVE = """
            INSERT INTO lf_checkpoint (run_id, key, value, value_type, error_type, error_message, task, child_run_id, created)
            SELECT ?, ?, ?, ?, ?, ?, ?, ?, now()
            WHERE EXISTS (SELECT 1 FROM lf_queue WHERE id = ? AND token = ? AND state = 'running')
            ON CONFLICT (run_id, key) DO UPDATE SET value = EXCLUDED.value, value_type = EXCLUDED.value_type,
                error_type = EXCLUDED.error_type, error_message = EXCLUDED.error_message, task = EXCLUDED.task,
                child_run_id = EXCLUDED.child_run_id, created = EXCLUDED.created""";
    private static final String LOAD = """
            SELECT value, error_type, error_message, task, child_run_id, created FROM lf_checkpoint
            WHERE run_id = ? AND key = ?""";

    private final Database database;
    private final Function<UUID, @Nullable Long> tokens;
    private final Duration patience;
    private final InstantSource clock;
    private final CountDownLatch stop;
    private final ResultCodec codec = ResultCodec.json();
    private final Set<Class<?>> replayable = ConcurrentHashMap.newKeySet();
    /** The scopes executing for the first time, whose lookups need no query. */
    private final Set<UUID> fresh = ConcurrentHashMap.newKeySet();

    /**
     * @param tokens the fencing token of this worker's claim of a run, {@code null} if it holds none
     * @param patience how long to retry an unreachable database
     * @param stop counted down when the worker closes, which ends a back-off
     */
    PgCheckpoints(Database database, Function<UUID, @Nullable Long> tokens, Duration patience, InstantSource clock,
                  CountDownLatch stop) {
        this.database = database;
        this.tokens = tokens;
        this.patience = patience;
        this.clock = clock;
        this.stop = stop;
    }

    @Override
    public String inputKey(@Nullable Object input) {
        return ResultStores.inputKey(input);
    }

    /** Marks a run claimed for the first time (attempt 1): it has no checkpoints to look up. */
    void firstExecution(UUID scope) {
        fresh.add(scope);
    }

    /** Forgets a run that ended here or was given up here. */
    void executionEnded(UUID scope) {
        fresh.remove(scope);
    }

    @Override
    public Optional<Checkpoint> load(UUID scope, String key, ClassLoader loader) {
        if (fresh.contains(scope)) {
            return Optional.empty();
        }
        return retrying("read the checkpoint " + key + " of run " + scope, () -> {
            try (Connection connection = database.connection();
                 PreparedStatement statement = connection.prepareStatement(LOAD)) {
                statement.setObject(1, scope);
                statement.setString(2, stored(key));
                try (ResultSet row = statement.executeQuery()) {
                    if (!row.next()) {
                        return Optional.<Checkpoint>empty();
                    }
                    String errorType = row.getString(2);
                    String task = row.getString(4);
                    UUID runId = row.getObject(5, UUID.class);
                    Instant created = row.getObject(6, OffsetDateTime.class).toInstant();
                    if (errorType != null) {
                        return Optional.of(Checkpoint.failed(errorType, row.getString(3), task, runId, created));
                    }
                    return Optional.of(Checkpoint.completed(decode(row.getString(1), loader, scope, task), task, runId,
                            created));
                }
            }
        });
    }

    private @Nullable Object decode(String json, ClassLoader loader, UUID scope, String task) {
        try {
            return codec.decode(json, loader);
        } catch (IllegalArgumentException unreadable) {
            throw new WorkQueueException("the checkpoint of task '" + task + "' in run " + scope + " cannot be read"
                    + " back (" + unreadable.getMessage() + "); was the task's result type changed since? Deploy the"
                    + " version that wrote it, or delete the run's rows in lf_checkpoint to run it again", unreadable,
                    false);
        }
    }

    @Override
    public void save(UUID scope, String key, Checkpoint checkpoint) {
        Long token = tokens.apply(scope);
        if (token == null) {
            throw new IllegalStateException("run " + scope + " is not held by this worker, so its checkpoint "
                    + key + " cannot be saved; start durable runs on a worker's engine only through its queue");
        }
        String value = checkpoint.failed() ? null : encode(checkpoint);
        String valueType = checkpoint.value() == null ? null : checkpoint.value().getClass().getName();
        int saved = retrying("save the checkpoint of task '" + checkpoint.task() + "' in run " + scope, () -> {
            try (Connection connection = database.connection();
                 PreparedStatement statement = connection.prepareStatement(SAVE)) {
                statement.setObject(1, scope);
                statement.setString(2, stored(key));
                statement.setString(3, value);
                statement.setString(4, valueType);
                statement.setString(5, checkpoint.errorType());
                statement.setString(6, checkpoint.errorMessage());
                statement.setString(7, checkpoint.task());
                statement.setObject(8, checkpoint.runId());
                statement.setObject(9, scope);
                statement.setLong(10, token);
                return statement.executeUpdate();
            }
        });
        if (saved == 0) {
            throw new FencedException(scope, token, "the checkpoint of task '" + checkpoint.task() + "'");
        }
    }

    private String encode(Checkpoint checkpoint) {
        Object value = checkpoint.value();
        String json;
        try {
            json = codec.encode(value);
            if (value != null && !replayable.contains(value.getClass())) {
                codec.decode(json, value.getClass().getClassLoader() == null
                        ? ClassLoader.getPlatformClassLoader() : value.getClass().getClassLoader());
                replayable.add(value.getClass());
            }
        } catch (IllegalArgumentException unusable) {
            throw new IllegalArgumentException("the result of task '" + checkpoint.task() + "', of type "
                    + value.getClass().getName() + ", cannot be checkpointed (" + unusable.getMessage() + "); a durable"
                    + " run's task results are kept as JSON to be replayed in another process, so return a record of"
                    + " plain values (text, numbers, lists, maps, records, java.time values)", unusable);
        }
        return json;
    }

    /** The key as stored: itself, or a hash of it when it is too long for the index. */
    static String stored(String key) {
        return key.length() <= LONGEST_KEY ? key : "#sha256:" + ResultStores.inputKey(key);
    }

    @FunctionalInterface
    private interface Query<T> {
        T run() throws SQLException;
    }

    /** Runs {@code query}, retrying an outage with back-off for up to {@link #patience}. */
    private <T> T retrying(String action, Query<T> query) {
        Instant giveUp = clock.instant().plus(patience);
        int failures = 0;
        while (true) {
            try {
                T result = query.run();
                if (failures > 0) {
                    LOG.log(Level.INFO, "reached the queue database again at " + database.shown() + " to " + action);
                }
                return result;
            } catch (SQLException failed) {
                if (!Database.isOutage(failed) || !clock.instant().isBefore(giveUp)) {
                    throw database.translate(failed, action);
                }
                failures++;
                if (failures == 1) {
                    LOG.log(Level.WARNING, "cannot reach the queue database at " + database.shown() + " to " + action
                            + " (" + Notifications.firstLine(failed) + "); retrying with back-off");
                }
                try {
                    if (stop.await(Backoff.DATABASE.after(failures).toMillis(), TimeUnit.MILLISECONDS)) {
                        throw database.translate(failed, action);
                    }
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw database.translate(failed, action);
                }
            }
        }
    }
}
