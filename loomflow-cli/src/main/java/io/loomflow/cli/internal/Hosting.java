package io.loomflow.cli.internal;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.schedules.Schedule;
import io.loomflow.schedules.ScheduleException;
import io.loomflow.schedules.Scheduler;
import io.loomflow.schedules.Trigger;
import io.loomflow.schedules.TriggerException;
import io.loomflow.schedules.TriggerRunner;
import io.loomflow.workers.Submission;
import io.loomflow.workers.WorkQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The schedules and triggers of {@code --conf} hosted by {@code loomflow server} or
 * {@code loomflow worker}: a {@link Scheduler} and a {@link TriggerRunner} keeping their tables in
 * the run history's database, starting runs on an engine or queueing them on a {@link WorkQueue}.
 * Every server and worker of one database may host the same files: each slot and each trigger's
 * source fires once among them.
 */
final class Hosting implements AutoCloseable {

    private final ConfOption.Declared declared;
    private final @Nullable Scheduler scheduler;
    private final @Nullable TriggerRunner triggers;
    private final @Nullable Engine lister;
    private boolean closed;

    private Hosting(ConfOption.Declared declared, @Nullable Scheduler scheduler, @Nullable TriggerRunner triggers,
                    @Nullable Engine lister) {
        this.declared = declared;
        this.scheduler = scheduler;
        this.triggers = triggers;
        this.lister = lister;
    }

    /**
     * Builds (does not start) a scheduler of the declared schedules and a trigger runner of the
     * declared triggers, each only if there are some. Runs start on {@code engine}, or are queued on
     * {@code queue} with {@code submission} when it is given; dataset triggers list their datasets
     * with {@code engine}'s storage, or, without one, an engine made for that and closed with this.
     *
     * @param url the database (the run history's), as {@link StoreOption#schedulerUrl} checks it
     * @param flows the flows served: the ones schedules and triggers may start and watch
     * @throws CliException (bad input) for a schedule or trigger naming a flow not served, a dataset
     *     not in the catalog, or parameters that do not fit; nothing is left open then
     */
    static Hosting build(ConfOption option, ConfOption.Declared declared, String url, List<Flow<?, ?>> flows,
                         @Nullable Engine engine, @Nullable WorkQueue queue, Submission submission) {
        Flow<?, ?>[] known = flows.toArray(Flow<?, ?>[]::new);
        Scheduler scheduler = null;
        TriggerRunner triggers = null;
        Engine lister = null;
        try {
            if (!declared.schedules().isEmpty()) {
                Scheduler.Builder builder = Scheduler.builder().database(url).schedules(declared.schedules());
                if (queue == null) {
                    builder.engine(Objects.requireNonNull(engine, "engine or queue"), known);
                } else {
                    builder.workQueue(queue, known).submission(submission);
                }
                scheduler = builder.build();
            }
            if (!declared.triggers().isEmpty()) {
                TriggerRunner.Builder builder = TriggerRunner.builder().database(url).triggers(
                        declared.triggers().toArray(Trigger[]::new));
                if (queue != null) {
                    builder.workQueue(queue, known).submission(submission);
                }
                Engine storage = engine;
                if (storage == null && declared.triggers().stream().anyMatch(t -> t.kind() != Trigger.Kind.RUN_END)) {
                    lister = Engine.builder().name("loomflow-dataset-triggers").build();
                    storage = lister;
                }
                if (storage != null) {
                    builder.engine(storage, known);
                }
                if (declared.catalog() != null) {
                    builder.catalog(declared.catalog());
                }
                triggers = builder.build();
            }
            return new Hosting(declared, scheduler, triggers, lister);
        } catch (ScheduleException | TriggerException refused) {
            close(scheduler, triggers, lister);
            throw CliException.badInput(option.describe() + ": " + refused.getMessage());
        } catch (RuntimeException failed) {
            close(scheduler, triggers, lister);
            throw failed;
        }
    }

    /** The scheduler, or null when there are no schedules. */
    @Nullable Scheduler scheduler() {
        return scheduler;
    }

    /** Starts the trigger runner's ticks (the scheduler is started by its host, see {@link #start()}). */
    void startTriggers() {
        if (triggers != null) {
            triggers.start();
        }
    }

    /** Starts the scheduler and the trigger runner. */
    void start() {
        if (scheduler != null) {
            scheduler.start();
        }
        startTriggers();
    }

    /**
     * A line for the schedules and one for the triggers hosted (none when there are none), each
     * naming the folder and saying where their runs go, such as
     * {@code schedules from conf: nightly, sync (their runs start here)}.
     *
     * @param option the folder's option
     * @param where where the runs go, such as {@code their runs start here}
     */
    List<String> describe(ConfOption option, String where) {
        List<String> lines = new ArrayList<>();
        if (!declared.schedules().isEmpty()) {
            lines.add("schedules from " + option.describe() + ": "
                    + String.join(", ", declared.schedules().stream().map(Schedule::name).toList()) + " (" + where + ")");
        }
        if (!declared.triggers().isEmpty()) {
            lines.add("triggers from " + option.describe() + ": "
                    + String.join(", ", declared.triggers().stream().map(Trigger::name).toList()) + " (" + where + ")");
        }
        return lines;
    }

    /**
     * Stops firing: the scheduler first, then the trigger runner (which waits for the fires under
     * way), then the engine made to list datasets. Runs already started go on. Before the engine
     * runs start on is closed: neither starts a run on an engine that is closing, which would fail
     * and leave the slot or fire claimed until another host recovers it.
     */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            close(scheduler, triggers, lister);
        }
    }

    private static void close(@Nullable Scheduler scheduler, @Nullable TriggerRunner triggers, @Nullable Engine lister) {
        try {
            if (scheduler != null) {
                scheduler.close();
            }
        } finally {
            try {
                if (triggers != null) {
                    triggers.close();
                }
            } finally {
                if (lister != null) {
                    lister.close();
                }
            }
        }
    }
}
