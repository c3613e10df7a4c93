package io.loomflow.cli.internal;

import io.loomflow.workers.QueuedRun;
import io.loomflow.workers.QueuedRunFailedException;
import io.loomflow.workers.Submission;
import io.loomflow.workers.WorkQueue;
import io.loomflow.workers.WorkQueueException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code loomflow submit}: queues a run of a flow for the workers ({@link WorkQueue}) and prints its
 * id at once; with {@code --wait}, waits until a worker has finished it and prints its result (exit
 * 1, with its error on one line, if it failed). A flow that no live worker runs is refused with exit
 * 2 and the flows the live workers run.
 */
@Command(name = "submit", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "Queues a run of FLOW for the workers ('loomflow worker') and prints its id at once; with --wait,"
                + " waits for a worker to finish it and prints its result as JSON (with --output json, the default when"
                + " stdout is not a terminal, the id goes to stderr then, and the result alone to stdout).",
        footer = {"", "Examples:",
                "  loomflow submit greet -p name=World --db 'jdbc:postgresql://localhost:5432/loomflow?user=u&password=p'",
                "  loomflow submit report -p day=2026-01-31 --queue reports --priority 10 --key report-2026-01-31",
                "  loomflow submit cleanup --not-before +10m",
                "  loomflow submit greet -p name=World --wait",
                "", "Parameters travel as text (NAME=VALUE); the worker reads them into the flow's parameter record,",
                "converting numbers, booleans, dates and the like, and fails the run if they do not fit. When this",
                "command finds the flow too (as 'loomflow run' finds flows), it checks them first and queues nothing",
                "if they do not fit.",
                "", "Exit codes: 0 queued (with --wait: completed), 1 the run failed or was cancelled (--wait),",
                "2 bad input (unknown flow: the flows the live workers run are listed), 3 database unavailable."})
final class SubmitCommand implements Callable<Integer>, Verbose {

    private final CliContext context;

    @Parameters(index = "0", paramLabel = "FLOW", description = "The flow's name, as 'loomflow workers' lists it.")
    String flowName;

    @Option(names = {"-p", "--param"}, paramLabel = "NAME=VALUE",
            description = "A parameter of the flow; repeatable. The worker converts the text to the parameter's type.")
    List<String> params = new ArrayList<>();

    @Option(names = "--queue", paramLabel = "QUEUE", defaultValue = Submission.DEFAULT_QUEUE,
            description = "The queue (default: default); only workers that take it run the run.")
    String queue;

    @Option(names = "--priority", paramLabel = "N", defaultValue = "0",
            description = "Larger runs first among the runs due on the queue (default: 0; any whole number).")
    int priority;

    @Option(names = "--key", paramLabel = "IDEMPOTENCY_KEY",
            description = "An idempotency key: submitting again with a key already queued gives the run queued then"
                    + " (its id), whatever its state, and queues nothing.")
    String key;

    @Option(names = "--not-before", paramLabel = "TIME",
            description = "The earliest start: an ISO instant (2026-01-31T12:00:00Z) or a delay from now (+90s, +10m,"
                    + " +2h, +1d).")
    String notBefore;

    @Option(names = "--max-recoveries", paramLabel = "N", defaultValue = "" + Submission.DEFAULT_MAX_RECOVERIES,
            description = "How many times the run is queued again after losing its worker (which died, froze or lost"
                    + " the database) before a further loss fails it (default: 5; 0 to 1000).")
    int maxRecoveries;

    @Option(names = "--wait", description = "Wait until a worker has finished the run and print its result as JSON;"
            + " exit 1 if it failed or was cancelled.")
    boolean await;

    @Mixin
    QueueDatabaseOption database;

    @Mixin
    ClassesOption classes;

    @Mixin
    OutputOption output;

    @Mixin
    VerboseOption verbosity;

    SubmitCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public boolean verbose() {
        return verbosity.verbose;
    }

    @Override
    public Integer call() {
        String url = database.url();
        Submission submission = submission();
        Map<String, String> parameters = parameters();
        checkHere();
        try (WorkQueue workQueue = WorkQueue.connect(url)) {
            QueuedRun<String> run;
            try {
                run = workQueue.runAsync(flowName, parameters, submission);
            } catch (IllegalArgumentException refused) {
                throw CliException.badInput(refused.getMessage());
            }
            // With --wait and JSON output the result alone goes to stdout; without --wait the id is the result.
            (await && output.json(context) ? context.err() : context.out()).println(run.id());
            context.out().flush();
            if (!run.created()) {
                context.err().println("loomflow: idempotency key '" + TerminalText.line(key) + "' was queued before;"
                        + " this is that run");
            }
            if (!await) {
                return ExitCode.OK.code();
            }
            try {
                context.out().println(TerminalText.lines(run.result().get()));
                return ExitCode.OK.code();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                context.err().println("loomflow: stopped waiting; run " + run.id() + " goes on in the queue");
                return ExitCode.RUN_FAILED.code();
            } catch (ExecutionException ended) {
                if (ended.getCause() instanceof QueuedRunFailedException failed) {
                    context.err().println("loomflow: run " + run.id() + " of flow '" + TerminalText.line(flowName)
                            + "' failed: " + TerminalText.line(failed.errorType()
                            + (failed.errorMessage() == null ? "" : ": " + Text.firstLine(failed.errorMessage()))));
                    return ExitCode.RUN_FAILED.code();
                }
                if (ended.getCause() instanceof WorkQueueException unavailable) {
                    throw new CliException(ExitCode.STORE_UNAVAILABLE, unavailable.getMessage(), unavailable);
                }
                throw new IllegalStateException("waiting for run " + run.id() + " failed", ended.getCause());
            }
        }
    }

    private Submission submission() {
        Submission submission;
        try {
            submission = Submission.defaults().withQueue(queue).withPriority(priority);
        } catch (IllegalArgumentException bad) {
            throw CliException.badInput("--queue '" + TerminalText.line(queue) + "' is not a queue name; pass 1 to 200"
                    + " characters, not blank, such as --queue default");
        }
        if (key != null) {
            try {
                submission = submission.withIdempotencyKey(key);
            } catch (IllegalArgumentException bad) {
                throw CliException.badInput("--key '" + TerminalText.line(key) + "' is not an idempotency key; pass 1 to"
                        + " 1000 characters, such as --key report-2026-01-31");
            }
        }
        if (notBefore != null) {
            submission = submission.withNotBefore(earliestStart(notBefore));
        }
        if (maxRecoveries < 0 || maxRecoveries > Submission.MOST_RECOVERIES) {
            throw CliException.badInput("--max-recoveries " + maxRecoveries + " is out of range; pass 0 to "
                    + Submission.MOST_RECOVERIES + ", such as --max-recoveries 3 (0 fails the run the first time its"
                    + " worker is lost)");
        }
        return submission.withMaxRecoveries(maxRecoveries);
    }

    /** {@code --not-before}: an ISO instant, or {@code +AGE} from now. */
    private Instant earliestStart(String given) {
        String text = given.strip();
        if (text.startsWith("+")) {
            return context.clock().instant().plus(Ages.parse("--not-before +", text.substring(1)));
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notAnInstant) {
            throw CliException.badInput("--not-before '" + TerminalText.line(given) + "' is not a time; pass an ISO"
                    + " instant such as 2026-01-31T12:00:00Z, or a delay such as +10m");
        }
    }

    /**
     * Binds the parameters here, as {@code run} does, when this command finds the flow too (on its
     * class path, {@code --classes} or {@code LOOMFLOW_CLASSPATH}): a value that does not fit, or
     * breaks a constraint of the record, is refused before anything is queued. A flow only the
     * workers have is checked by the worker that claims it, which fails the run without running it.
     */
    private void checkHere() {
        try (FlowCatalog catalog = FlowCatalog.discover(classes.entries(context.environment()))) {
            catalog.entries().stream().filter(entry -> entry.flow().name().equals(flowName)).findFirst()
                    .ifPresent(entry -> RunCommand.bind(entry.flow(), params));
        }
    }

    /** The {@code NAME=VALUE} pairs; a name given twice keeps its values, comma-separated, as lists take them. */
    private Map<String, String> parameters() {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String pair : params) {
            int equals = pair.indexOf('=');
            if (equals < 1) {
                throw CliException.badInput("--param '" + TerminalText.line(pair) + "' is not NAME=VALUE; pass such as"
                        + " -p name=World");
            }
            pairs.merge(pair.substring(0, equals), pair.substring(equals + 1), (a, b) -> a + "," + b);
        }
        return pairs;
    }
}
