package io.loomflow.cli.internal;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.server.LoomflowServer;
import io.loomflow.server.Retention;
import io.loomflow.store.ResultStores;
import io.loomflow.store.RunStore;
import io.loomflow.workers.Submission;
import io.loomflow.workers.WorkQueue;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code loomflow server}: serves the flows {@code loomflow run} would find with {@link LoomflowServer}
 * (JSON API, event stream, web UI), recording into the same run history, until Ctrl-C or SIGTERM.
 *
 * <p>Runs execute on an engine this command makes, with the results directory {@code loomflow run}
 * uses, so tasks that cache or persist their results do so, and a failed run can be resumed with
 * {@code loomflow run FLOW --resume RUN}. On a signal the engine is closed <em>before</em> the server
 * stops: the server records a given engine's runs only while it runs, and closing the store marks a
 * run still unfinished Crashed, so runs in flight are cancelled first and recorded Cancelled.
 *
 * <p>In a process of its own it stops on Ctrl-C or SIGTERM (signal handlers, as {@code run} uses,
 * so the store is still open while runs are cancelled) and exits 0. Run in another program
 * ({@link io.loomflow.cli.Main#run}), it installs no handlers and stops when its thread is
 * interrupted.
 */
@Command(name = "server", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "Serves the flows over HTTP (a JSON API and a web UI to start runs and watch them live),"
                + " recording the runs in the run history, until Ctrl-C or SIGTERM.",
        footer = {"", "Examples:",
                "  loomflow server                       (http://127.0.0.1:8080/)",
                "  loomflow server --port 0 --classes build/classes",
                "  loomflow server --keep-days 30 --keep-runs 1000",
                "  LOOMFLOW_TOKEN=$(openssl rand -hex 16) loomflow server --host 0.0.0.0",
                "", "An address other than a loopback one needs --token (every request must carry",
                "it: Authorization: Bearer TOKEN; a browser opens the printed address once)",
                "or --insecure.",
                "", "Exit codes: 0 stopped by Ctrl-C/SIGTERM, 2 bad input (also a port in use),",
                "3 run history unavailable, 4 unexpected error."})
final class ServerCommand implements Callable<Integer>, Verbose {

    private final CliContext context;

    @Mixin
    ServeOptions serving;

    @Mixin
    StoreOption store;

    @Mixin
    ClassesOption classes;

    @Mixin
    VerboseOption verbosity;

    @Mixin
    ConfOption hosted;

    @Option(names = "--keep-days", paramLabel = "N",
            description = "Prune, every hour while serving, the runs that ended over N days ago (each with the runs"
                    + " below it and its logs); runs that have not ended are kept. With --keep-runs, a run goes when"
                    + " it is both too old and not among the newest.")
    Integer keepDays;

    @Option(names = "--keep-runs", paramLabel = "N",
            description = "Prune, every hour while serving, all but the newest N runs (root runs, each with the runs"
                    + " below it and its logs); runs that have not ended are kept.")
    Integer keepRuns;

    @Option(names = "--workers",
            description = "Queue the runs started through the API and the web UI for workers ('loomflow worker')"
                    + " instead of running them here, list the workers and queues (/api/workers, /api/queues, the"
                    + " Workers page), and read the history the workers record. Needs --db with a PostgreSQL URL.")
    boolean workers;

    @Option(names = "--webhooks", paramLabel = "FILE",
            description = "Let other services start flows with signed webhooks (POST /api/flows/NAME/webhook, no token"
                    + " needed): FILE is a JSON object from each flow's name to its secret or array of secrets (32 bytes"
                    + " or more), such as {\"report\": [\"${REPORT_WEBHOOK_SECRET}\"]}; ${VAR} is read from the"
                    + " environment, so the file need hold no secret. Secrets are never printed.")
    java.nio.file.Path webhooks;

    ServerCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public boolean verbose() {
        return verbosity.verbose;
    }

    @Override
    public Integer call() {
        try (FlowCatalog catalog = FlowCatalog.discover(classes.entries(context.environment()))) {
            List<Flow<?, ?>> flows = catalog.required().stream().<Flow<?, ?>>map(FlowCatalog.Entry::flow).toList();
            // Bad input is reported before the store is opened, so a typo never creates .loomflow.
            LoomflowServer.Builder builder = serving.configured(LoomflowServer.builder().flows(flows), context);
            if (webhooks != null) {
                try {
                    builder.webhooks(webhooks, context.environment()::get);
                } catch (IllegalArgumentException refused) {
                    throw CliException.badInput("--webhooks " + webhooks + ": " + refused.getMessage());
                }
            }
            Retention retention = retention();
            if (retention != null) {
                builder.retention(retention);
            }
            String queueUrl = workers ? QueueDatabaseOption.postgres(store.db) : null;
            ConfOption.Declared declared = hosted.load(context.environment());
            String hostingUrl = declared.isEmpty() ? null
                    : store.schedulerUrl("the schedules and triggers of " + hosted.describe());
            RunStore history = store.openForWriting();
            Engine engine = null;
            WorkQueue queue = null;
            Hosting hosting = null;
            LoomflowServer server;
            try {
                if (queueUrl != null) {
                    queue = WorkQueue.connect(queueUrl);
                    builder.queue(queue);
                }
                engine = Engine.builder()
                        .name("loomflow-server")
                        .results(ResultStores.directory(store.resultsDirectory()))
                        // Runs in flight when the server is asked to stop are cancelled at once, as 'run' cancels its run.
                        .shutdownGrace(Duration.ZERO, Duration.ofSeconds(5))
                        .build();
                if (hostingUrl != null) {
                    hosting = Hosting.build(hosted, declared, hostingUrl, flows, engine, queue, Submission.defaults());
                    if (hosting.scheduler() != null) {
                        builder.scheduler(hosting.scheduler());
                    }
                }
                server = builder.engine(engine).store(history).build();
            } catch (RuntimeException failed) {
                if (hosting != null) {
                    hosting.close();
                }
                if (engine != null) {
                    engine.close();
                }
                if (queue != null) {
                    queue.close();
                }
                history.close();
                throw failed;
            }
            String news = flows.size() == 1 ? "1 flow" : flows.size() + " flows";
            // Names and paths are the user's: a % in them is not a format's.
            String hostedLines = hosting == null ? "" : hosting.describe(hosted, queue == null ? "their runs start here"
                    : "their runs are queued for the workers").stream().map(line -> "%n" + line.replace("%", "%%"))
                    .collect(java.util.stream.Collectors.joining());
            Engine closing = engine;
            Hosting hosts = hosting;
            // The scheduler and the trigger runner first (the server closes the scheduler too, which does nothing
            // then): they start no run on an engine that is closing, which would fail and leave the slot or the fire
            // claimed until a later scheduler or runner recovers it.
            Runnable first = () -> {
                if (hosts != null) {
                    hosts.close();
                }
                closing.close();
            };
            // The trigger runner starts once the server serves (and records the engine's runs), as the scheduler does.
            Runnable started = hosts == null ? () -> { } : hosts::startTriggers;
            try {
                return serve(context, serving, server, started, first, history,
                        "Loomflow server at %s (" + news + "; Ctrl-C to stop)"
                                + (queue == null ? "" : "%nruns are queued for the workers of the same database"
                                + " (loomflow worker); the Workers page lists them") + hostedLines,
                        "stopping the server; runs in flight are cancelled");
            } finally {
                if (queue != null) {
                    queue.close(); // after the server: the runs queued go on, on the workers
                }
            }
        }
    }

    /** The retention --keep-days and --keep-runs ask for, or null for none; bad input before anything is opened. */
    private Retention retention() {
        if (keepDays != null && keepDays < 1) {
            throw CliException.badInput("--keep-days " + keepDays + " is too few; pass a whole number of days, 1 or more,"
                    + " or leave it out to keep every run");
        }
        if (keepRuns != null && keepRuns < 0) {
            throw CliException.badInput("--keep-runs " + keepRuns + " is negative; pass 0 or more, or leave it out to"
                    + " keep every run");
        }
        if (keepDays == null && keepRuns == null) {
            return null;
        }
        return new Retention(keepDays == null ? null : Duration.ofDays(keepDays), keepRuns, Retention.EVERY,
                java.time.Clock.systemUTC());
    }

    /**
     * Starts {@code server}, then runs {@code started} (such as starting a trigger runner), prints {@code banner} with its address, and waits for Ctrl-C or SIGTERM
     * (printing {@code onSignal} when one comes) or an interrupt, in another program; then runs {@code first} (such as closing the engine
     * given to the server), stops the server and closes the store.
     */
    static int serve(CliContext context, ServeOptions serving, LoomflowServer server, Runnable started, Runnable first,
                     RunStore history, String banner, String onSignal) {
        CountDownLatch stopping = new CountDownLatch(1);
        // Installed before the server starts, so that even an early signal stops it in order.
        SignalCancellation signals = context.ownsProcess()
                ? SignalCancellation.install(onSignal, stopping::countDown,
                        context.err())
                : null;
        boolean interrupted = false;
        try {
            try {
                server.start();
            } catch (UncheckedIOException cannotListen) {
                throw new CliException(ExitCode.BAD_INPUT, cannotListen.getMessage(), cannotListen);
            } catch (IllegalArgumentException cannotServe) {
                // The host was checked before; what is left is a flow whose parameters the server cannot describe.
                throw new CliException(ExitCode.BAD_INPUT, "cannot serve the flows: " + cannotServe.getMessage(),
                        cannotServe);
            }
            started.run();
            context.out().println(banner.formatted(serving.address(server)));
            context.out().flush();
            try {
                stopping.await();
            } catch (InterruptedException stop) {
                interrupted = true; // run in another program, which asked it to stop
            }
            return ExitCode.OK.code();
        } finally {
            // The engine first: its runs in flight are cancelled and recorded while the server still records them.
            first.run();
            server.stop(); // closes the store, if the server started
            history.close(); // if it did not; closing twice does nothing
            if (signals != null) {
                signals.close();
            }
            if (interrupted) {
                Thread.currentThread().interrupt(); // set again only now, so that closing did not cut waits short
            }
        }
    }
}
