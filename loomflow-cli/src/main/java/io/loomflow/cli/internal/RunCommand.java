package io.loomflow.cli.internal;

import io.loomflow.ParameterModel;
import io.loomflow.ParameterException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.Handle;
import io.loomflow.Outcome;
import io.loomflow.RunOptions;
import io.loomflow.store.ResultStores;
import io.loomflow.store.RunRecord;
import io.loomflow.store.RunRecorder;
import io.loomflow.store.RunStore;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code loomflow run FLOW}: binds the parameters, runs the flow on an engine of its own that
 * records into the run history, shows progress, and prints the result or a failure summary.
 */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "Runs a flow, records the run in the run history, and prints its result as JSON and its run id.",
        footer = {"", "Examples:",
                "  loomflow run hello --param name=World",
                "  loomflow run s5 -p items=100 -p fail-at=0 --progress plain",
                "  loomflow run report --db 'jdbc:postgresql://db:5432/runs?user=me'",
                "  loomflow run s5 --resume 01a2...c0de   (after a failed run: reuse persisted results)",
                "  loomflow run s5 --resume last -p fail-at=0   (the newest run of s5, one parameter changed)",
                "", "Exit codes: 0 completed, 1 failed or cancelled, 2 bad input, 3 run history",
                "unavailable, 4 unexpected error, 130/143 stopped by Ctrl-C/SIGTERM."})
final class RunCommand implements Callable<Integer>, Verbose {

    /** How many failed runs the summary names before it says how many more there were. */
    private static final int FAILURES_SHOWN = 10;
    /** How long, after Ctrl-C or SIGTERM, runs that ignore their cancellation get before they are given up on. */
    private static final Duration CANCEL_GRACE = Duration.ofSeconds(5);
    /**
     * How soon after Ctrl-C or SIGTERM the process exits, whatever is left to do: the grace, and a
     * second for the history. A history slower than that is not waited for: the runs it has not
     * recorded as ended show as Crashed, as after a crash.
     */
    private static final Duration EXIT_WITHIN = CANCEL_GRACE.plusSeconds(1);

    private final CliContext context;

    @Parameters(index = "0", paramLabel = "FLOW", description = "The flow's name, as 'loomflow flows' lists it.")
    String flowName;

    @Option(names = {"-p", "--param"}, paramLabel = "NAME=VALUE",
            description = "A parameter of the flow; repeatable. Dotted names (a.b=v) set nested records; lists take"
                    + " a,b,c or the name repeated.")
    List<String> params = new ArrayList<>();

    @Option(names = "--progress", paramLabel = "MODE", defaultValue = "auto",
            description = "auto (default), tty (a live status line) or plain (one line per finished run).")
    ProgressMode progress;

    @Mixin
    OutputOption output;

    @Option(names = "--resume", paramLabel = "RUN",
            description = "Run the flow again after its run RUN failed or was cancelled: tasks marked"
                    + " withPersistedResult() or withCache() whose results RUN stored end Cached, the others run."
                    + " The parameters are those of RUN, each --param given replacing one. RUN is a run id, the first"
                    + " characters of a root run's id, or 'last': the newest run of FLOW.")
    String resume;

    @Mixin
    StoreOption store;

    @Mixin
    ClassesOption classes;

    @Mixin
    VerboseOption verbosity;

    RunCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public boolean verbose() {
        return verbosity.verbose;
    }

    /**
     * The flow's parameters from {@code --param} pairs, by the parameter model the server and the web
     * form bind with too.
     */
    static Object bind(Flow<?, ?> flow, List<String> pairs) {
        try {
            return ParameterModel.of(flow).bindText(pairs);
        } catch (ParameterException doesNotFit) {
            throw CliException.badInput(describe(doesNotFit));
        }
    }

    /** The problems, one a line when there are several: {@code parameter 'count': expected ...}. */
    static String describe(ParameterException doesNotFit) {
        List<String> lines = new ArrayList<>();
        for (ParameterException.Problem problem : doesNotFit.problems()) {
            String text = problem.problem();
            if (problem.field().isEmpty()) {
                lines.add(text);
            } else {
                boolean verb = text.startsWith("is ") || text.startsWith("was ") || text.startsWith("has ");
                lines.add("parameter '" + problem.field() + "'" + (verb ? " " : ": ") + text
                        + (text.startsWith("is required") ? "; pass --param " + problem.field() + "=VALUE" : ""));
            }
        }
        if (doesNotFit.problemsLeftOut() > 0) {
            lines.add("and " + doesNotFit.problemsLeftOut() + " more problems");
        }
        return lines.size() == 1 ? doesNotFit.subject() + ": " + lines.getFirst()
                : doesNotFit.subject() + " cannot take these parameters:\n  " + String.join("\n  ", lines);
    }

    @Override
    public Integer call() {
        ObjectMapper json = Json.mapper();
        try (FlowCatalog catalog = FlowCatalog.discover(classes.entries(context.environment()))) {
            Flow<?, ?> flow = catalog.find(flowName).flow();
            // Bad input is reported before the store is opened, so a typo never creates .loomflow.
            // Resuming binds --param over the parameters the earlier run recorded, once they are read.
            Object input = resume != null ? null : bind(flow, params);
            Runs.Named resumes = resume == null ? null : Runs.named(resume);
            RunStore history = store.openForWriting();
            UUID resumed = null;
            if (resumes != null) {
                try {
                    resumed = resumes.resolve(history, store, flow.name(), context.zone());
                    input = resumedInput(flow, resumed, history, json);
                } catch (RuntimeException bad) {
                    history.close();
                    throw bad;
                }
            }
            return run(flow, input, resumed, history, json);
        }
    }

    /** Checks that {@code id} is a root run of {@code flow}; its parameters, each {@code --param} given replacing one. */
    private Object resumedInput(Flow<?, ?> flow, UUID id, RunStore history, ObjectMapper json) {
        RunRecord earlier = history.run(id).orElseThrow(() -> Runs.unknown(id, store));
        if (earlier.parentId() != null) {
            throw CliException.badInput("run " + id + " is a " + earlier.kind().name().toLowerCase(java.util.Locale.ROOT)
                    + " run of '" + earlier.name() + "' inside another run; resume its root run " + earlier.rootId());
        }
        if (!earlier.name().equals(flow.name())) {
            throw CliException.badInput("run " + id + " is a run of flow '" + earlier.name() + "', not of '"
                    + flow.name() + "'; run: loomflow run " + earlier.name() + " --resume " + id);
        }
        if (flow.parameterType().isEmpty()) {
            return bind(flow, params);
        }
        java.util.Map<String, Object> recorded;
        try {
            @SuppressWarnings("unchecked")
            java.util.Map<String, Object> read = json.readValue(earlier.parameters(), java.util.Map.class);
            recorded = read == null ? java.util.Map.of() : read;
        } catch (com.fasterxml.jackson.core.JacksonException | ClassCastException unreadable) {
            if (params.isEmpty()) {
                throw CliException.badInput("the parameters run " + id + " recorded, " + earlier.parameters()
                        + ", cannot be read back; give them with --param");
            }
            return bind(flow, params); // every parameter is given again, as a new run takes them
        }
        try {
            // read back through the parameter model, by the same rules as every other way in
            return ParameterModel.of(flow).bindText(recorded, params);
        } catch (ParameterException doesNotFit) {
            throw CliException.badInput(params.isEmpty() ? "the parameters run " + id + " recorded no longer fit flow '"
                    + flow.name() + "' (" + describe(doesNotFit) + "); give them with --param"
                    : describe(doesNotFit) + " (the --param given over the parameters run " + id + " recorded)");
        }
    }

    private int run(Flow<?, ?> flow, Object input, UUID resumed, RunStore history, ObjectMapper json) {
        RunRecorder recorder = RunRecorder.to(history); // the engine closes it last: it writes everything, closes the store
        ProgressView view = new ProgressView(textOut(), progress.resolve(context.consoleIsTerminal()), verbose(), context);
        Engine engine = Engine.builder()
                .name("cli")
                .listener(recorder)
                .listener(view)
                .results(ResultStores.directory(store.resultsDirectory()))
                // Nothing is in flight once the run has ended, so closing never waits for a run; after a
                // signal, closing gives up on runs that ignore their cancellation for CANCEL_GRACE.
                .shutdownGrace(Duration.ZERO, CANCEL_GRACE)
                .build();
        AtomicReference<Handle<?>> running = new AtomicReference<>();
        SignalCancellation signals = context.ownsProcess() ? SignalCancellation.install("cancelling the run", () -> {
            Handle<?> handle = running.get();
            if (handle != null) {
                stop(handle, engine);
            } // else the run is being started: it is cancelled as soon as it has been
        }, context.err(), EXIT_WITHIN, "the run history: the runs it has not recorded as ended will show as Crashed") : null;
        try {
            view.start(flow.name());
            Handle<?> handle = start(engine, flow, input, resumed);
            running.set(handle);
            if (signals != null && signals.received()) {
                stop(handle, engine); // the signal came while the run was being started
            }
            Outcome<?> outcome = handle.outcome();
            Duration took = Duration.between(handle.info().createdAt(), context.clock().instant());
            view.stop();
            engine.close(); // the history is complete before the run id is shown
            if (signals != null && !signals.settled()) {
                return signals.exitCode(); // the deadline has passed: the process is exiting already
            }
            ExitCode code = report(flow, handle, outcome, view, took, json, signals != null && signals.received());
            return signals != null && signals.received() ? signals.exitCode() : code.code();
        } finally {
            view.stop();
            engine.close();
            if (signals != null) {
                signals.close();
            }
        }
    }

    /**
     * After Ctrl-C or SIGTERM: cancels the run and, on a thread of its own, closes the engine, which
     * gives runs that ignore their cancellation {@link #CANCEL_GRACE} before recording them Crashed,
     * then writes the history.
     */
    private static void stop(Handle<?> handle, Engine engine) {
        handle.cancel();
        Thread.ofPlatform().name("loomflow-stop").start(engine::close);
    }

    /** Where progress and the line about the run go: stderr with JSON output, which leaves stdout to the result. */
    private PrintStream textOut() {
        return output.json(context) ? context.err() : context.out();
    }

    @SuppressWarnings("unchecked")
    private static Handle<?> start(Engine engine, Flow<?, ?> flow, Object input, UUID resumed) {
        return engine.submit((Flow<Object, Object>) flow, input,
                resumed == null ? RunOptions.defaults() : RunOptions.resuming(resumed));
    }

    private ExitCode report(Flow<?, ?> flow, Handle<?> handle, Outcome<?> outcome, ProgressView view, Duration took,
                            ObjectMapper mapper, boolean stopping) {
        PrintStream err = context.err();
        PrintStream out = textOut();
        String name = TerminalText.line(flow.name());
        // the run has ended (outcome waited for it): its final state, Completed, Failed, Cancelled or Crashed
        String head = name + " " + handle.state().label() + " in " + Text.duration(took) + "; run " + handle.runId();
        switch (outcome) {
            case Outcome.Success<?> success -> {
                out.println(head);
                context.out().println(TerminalText.lines(Json.write(mapper, success.value())));
                return ExitCode.OK;
            }
            case Outcome.Failure<?> failure -> {
                out.println(head);
                err.println("loomflow: flow '" + name + "' failed: " + Text.error(failure.error()));
                List<ProgressView.FailedRun> failures = view.failures();
                if (!failures.isEmpty()) {
                    err.println("  failed runs, first to fail first:");
                    failures.stream().limit(FAILURES_SHOWN).forEach(failed -> err.println("    "
                            + failed.run().kind().name().toLowerCase(java.util.Locale.ROOT) + " '" + TerminalText.line(failed.run().name())
                            + "' (run " + failed.run().id() + "): " + Text.error(failed.error())));
                    int more = view.failedCount() + 1 - Math.min(failures.size(), FAILURES_SHOWN);
                    if (more > 0) {
                        err.println("    ... and " + more + " more");
                    }
                }
                for (Throwable cause = failure.error().getCause(); cause != null && cause != cause.getCause();
                     cause = cause.getCause()) {
                    err.println("  caused by: " + Text.error(cause));
                }
                if (verbose()) {
                    err.print(Text.stackTrace(failure.error()));
                }
                err.println("  see the run tree with: loomflow show " + handle.runId()
                        + (verbose() ? "" : "; add --verbose for the stack trace"));
                err.println("  resume it with: loomflow run " + name + " --resume " + handle.runId()
                        + " (tasks that persisted their results are not run again)");
                return ExitCode.RUN_FAILED;
            }
            case Outcome.Cancelled<?> cancelled -> {
                out.println(head);
                err.println("loomflow: flow '" + name + "' was cancelled"
                        + (stopping ? " because the process was asked to stop (Ctrl-C or SIGTERM)" : "") + ": "
                        + TerminalText.line(cancelled.reason()));
                return ExitCode.RUN_FAILED;
            }
        }
    }
}
