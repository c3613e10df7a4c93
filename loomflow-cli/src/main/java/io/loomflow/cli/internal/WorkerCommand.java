package io.loomflow.cli.internal;

import io.loomflow.Flow;
import io.loomflow.workers.Submission;
import io.loomflow.workers.WorkQueue;
import io.loomflow.workers.Worker;
import io.loomflow.workers.WorkQueueException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code loomflow worker}: a {@link Worker} that runs the flows {@code loomflow run} would find,
 * taking queued runs from PostgreSQL until Ctrl-C or SIGTERM.
 *
 * <p>It prints one line saying what it serves, then one line per run it claims and per run that
 * ends ({@link WorkerRunLog}). On a signal it stops claiming, lets the runs in flight finish within
 * {@code --grace}, hands the others back to the queue at once (another worker takes them, replaying
 * their checkpoints), deregisters and exits 0; a second signal exits at once. Run in another program
 * ({@link io.loomflow.cli.Main#run}), it installs no handlers and stops the same way when its thread
 * is interrupted.
 *
 * <p>With {@code --conf DIR} (or a {@code conf} in the working directory holding a
 * {@code schedules.yml} or {@code triggers.yml}) it hosts the folder's schedules and triggers too,
 * queueing their runs on its own database ({@link Hosting}), so that every worker and server of the
 * database may host the same files and each slot and source still fires once.
 */
@Command(name = "worker", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "Runs queued runs of the flows found (as 'loomflow run' finds them) from a PostgreSQL queue,"
                + " until Ctrl-C or SIGTERM: then it stops claiming, lets runs in flight finish within --grace, and"
                + " hands the rest back to the queue.",
        footer = {"", "Examples:",
                "  loomflow worker --db 'jdbc:postgresql://localhost:5432/loomflow?user=loomflow&password=secret'",
                "  loomflow worker --queue reports --queue default --concurrency 16 --classes build/classes",
                "  LOOMFLOW_DB=jdbc:postgresql://db/loomflow loomflow worker --lease 10s --grace 1m --name w1",
                "  loomflow worker --db \"$LOOMFLOW_DB\" --conf conf   (hosts conf/base/schedules.yml and triggers.yml)",
                "", "Exit codes: 0 stopped by Ctrl-C/SIGTERM, 2 bad input (--db not PostgreSQL, a bad value),",
                "3 database unavailable, 4 unexpected error."})
final class WorkerCommand implements Callable<Integer>, Verbose {

    private final CliContext context;

    @Mixin
    QueueDatabaseOption database;

    @Option(names = "--queue", paramLabel = "QUEUE",
            description = "A queue to take runs from; repeatable (default: default).")
    List<String> queues = new ArrayList<>();

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "8",
            description = "The most runs it runs at once, 1 to 10000 (default: 8).")
    int concurrency;

    @Option(names = "--lease", paramLabel = "DURATION", defaultValue = "30s",
            description = "How long a claimed run stays this worker's without a heartbeat (default: 30s; 1s to 1h):"
                    + " if this worker dies, its runs go to other workers after it. Heartbeats come every third of it.")
    String lease;

    @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "30s",
            description = "How long runs in flight get to finish after Ctrl-C or SIGTERM (default: 30s); the rest are"
                    + " handed back to the queue at once. 0s hands them back at once.")
    String grace;

    @Option(names = "--name", paramLabel = "NAME",
            description = "The worker's name in 'loomflow workers' and in its lines (default: worker-HOST-PID).")
    String name;

    @Mixin
    ClassesOption classes;

    @Mixin
    ConfOption hosted;

    @Mixin
    VerboseOption verbosity;

    WorkerCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public boolean verbose() {
        return verbosity.verbose;
    }

    @Override
    public Integer call() {
        String url = database.url();
        Worker.Builder builder = configured();
        ConfOption.Declared declared = hosted.load(context.environment());
        try (FlowCatalog catalog = FlowCatalog.discover(classes.entries(context.environment()))) {
            List<Flow<?, ?>> flows = catalog.required().stream().<Flow<?, ?>>map(FlowCatalog.Entry::flow).toList();
            Worker worker;
            try {
                worker = builder.database(url).flows(flows).build();
            } catch (IllegalArgumentException | IllegalStateException bad) {
                throw CliException.badInput(bad.getMessage());
            }
            if (declared.isEmpty()) {
                return serve(worker, url, flows, null);
            }
            // The schedules' and triggers' runs are queued on this worker's first queue, on its own database.
            Submission submission = Submission.defaults().withQueue(queues.isEmpty() ? "default" : queues.getFirst());
            try (WorkQueue queue = connect(url);
                 Hosting hosting = Hosting.build(hosted, declared, url, flows, null, queue, submission)) {
                return serve(worker, url, flows, hosting);
            }
        }
    }

    private static WorkQueue connect(String url) {
        try {
            return WorkQueue.connect(url);
        } catch (WorkQueueException unavailable) {
            throw new CliException(ExitCode.STORE_UNAVAILABLE, unavailable.getMessage(), unavailable);
        }
    }

    /** The builder with the options checked, each bad value named with an example; nothing is opened yet. */
    private Worker.Builder configured() {
        Worker.Builder builder = Worker.builder();
        if (concurrency < 1 || concurrency > 10_000) {
            throw CliException.badInput("--concurrency " + concurrency + " is out of range; pass 1 to 10000, such as"
                    + " --concurrency 8");
        }
        builder.concurrency(concurrency);
        for (String queue : queues) {
            if (queue.isBlank() || queue.length() > 200) {
                throw CliException.badInput("--queue '" + TerminalText.line(queue) + "' is not a queue name; pass 1 to"
                        + " 200 characters, not blank, such as --queue default");
            }
        }
        if (!queues.isEmpty()) {
            builder.queues(queues.toArray(String[]::new));
        }
        Duration leaseExpiry = Ages.duration("--lease", lease);
        Duration gracePeriod = Ages.duration("--grace", grace);
        try {
            builder.leaseExpiry(leaseExpiry);
        } catch (IllegalArgumentException outOfRange) {
            throw CliException.badInput("--lease " + TerminalText.line(lease) + " is out of range; pass 1s to 1h, such as"
                    + " --lease 30s");
        }
        try {
            builder.gracePeriod(gracePeriod);
        } catch (IllegalArgumentException outOfRange) {
            throw CliException.badInput("--grace " + TerminalText.line(grace) + " is out of range; pass 0s to 24h, such"
                    + " as --grace 30s");
        }
        if (name != null) {
            if (name.isBlank() || name.length() > 1000) {
                throw CliException.badInput("--name '" + TerminalText.line(name) + "' is not a name; pass 1 to 1000"
                        + " characters, not blank, such as --name worker-1");
            }
            builder.name(name);
        }
        return builder;
    }

    /**
     * Starts the worker, then what it hosts (whose runs need a live worker to be queued for), and
     * waits for a signal or an interrupt; then stops what it hosts first, so that nothing is
     * queued for a worker that is stopping, and then the worker.
     */
    private int serve(Worker worker, String url, List<Flow<?, ?>> flows, @Nullable Hosting hosting) {
        Duration gracePeriod = Ages.duration("--grace", grace);
        CountDownLatch stopping = new CountDownLatch(1);
        SignalCancellation signals = context.ownsProcess()
                ? SignalCancellation.install("stopping the worker: no more claims, runs in flight get "
                        + Text.duration(gracePeriod) + " to finish, then go back to the queue", stopping::countDown,
                        context.err())
                : null;
        boolean interrupted = false;
        WorkerRunLog log = null;
        boolean started = false;
        try {
            try {
                worker.start();
                started = true;
            } catch (WorkQueueException unavailable) {
                throw new CliException(ExitCode.STORE_UNAVAILABLE, unavailable.getMessage(), unavailable);
            }
            log = new WorkerRunLog(url, worker.id(), context.out(), context.clock(), context.zone()).start();
            List<String> names = flows.stream().map(Flow::name).sorted().toList();
            context.out().println(TerminalText.line("worker " + worker.name() + " serves queue"
                    + (queues.size() > 1 ? "s " : " ") + String.join(", ", queues.isEmpty() ? List.of("default") : queues)
                    + " with " + names.size() + (names.size() == 1 ? " flow" : " flows") + " (" + String.join(", ", names)
                    + "), concurrency " + concurrency + "; Ctrl-C to stop"));
            if (hosting != null) {
                hosting.start();
                String where = "their runs are queued on queue " + (queues.isEmpty() ? "default" : queues.getFirst())
                        + " of this database";
                hosting.describe(hosted, where).forEach(line -> context.out().println(TerminalText.line(line)));
            }
            context.out().flush();
            try {
                stopping.await();
            } catch (InterruptedException stop) {
                interrupted = true; // run in another program, which asked it to stop
            }
            return ExitCode.OK.code();
        } finally {
            if (hosting != null) {
                hosting.close(); // fires no more slots or sources; what it queued goes on, here or on other workers
            }
            if (started) {
                worker.close(gracePeriod); // stops claiming, lets runs finish within the grace, hands the rest back
            }
            if (log != null) {
                log.close(); // a last read prints how the runs in flight ended or left
                context.out().println("worker " + TerminalText.line(worker.name()) + " stopped");
                context.out().flush();
            }
            if (signals != null) {
                signals.close();
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
