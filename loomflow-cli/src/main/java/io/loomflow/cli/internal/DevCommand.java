package io.loomflow.cli.internal;

import io.loomflow.Event;
import io.loomflow.RunInfo;
import io.loomflow.State;
import io.loomflow.server.FlowSources;
import io.loomflow.server.LoomflowServer;
import io.loomflow.store.ResultStores;
import io.loomflow.store.RunStore;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code loomflow dev DIR}: serves the flows whose sources are in {@code DIR} with the server's dev
 * mode, which compiles them in this process and swaps in a new generation when they change, and
 * tells the console about each compile (the flows served, or the problems with file and line) and
 * about each run that fails (with the line of {@code DIR}'s source it failed at).
 */
@Command(name = "dev", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "Serves the flows whose .java sources are in DIR, compiled in this process, and compiles them"
                + " again when they change: a successful compile swaps in a new generation (new classes, new"
                + " resources); runs of the one it replaces finish within --grace, then are cancelled. A failed"
                + " compile keeps the old generation serving and shows the errors here and in the browser.",
        footer = {"", "Examples:",
                "  loomflow dev flows                    (http://127.0.0.1:8080/)",
                "  loomflow dev flows --port 0 --grace 30s",
                "", "Flows are found by the rule of run, flows and server: public static final Flow",
                "fields, or public FlowProvider classes with a public constructor without",
                "parameters. Sources compile against the class path loomflow runs with (./loomflow",
                "puts every module on it), as run --classes DIR compiles a directory of sources",
                "once; DIR is the sources' root (src/main/java in a Maven project); conf/ is",
                "watched too.",
                "", "Exit codes: 0 stopped by Ctrl-C/SIGTERM, 2 bad input (also a port in use),",
                "3 run history unavailable, 4 unexpected error."})
final class DevCommand implements Callable<Integer>, Verbose {

    private final CliContext context;

    @Parameters(index = "0", paramLabel = "DIR", description = "The directory of the flows' .java sources.")
    Path directory;

    @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "10s",
            description = "How long runs of a replaced generation (and, on Ctrl-C, of the last one) get to finish"
                    + " before they are cancelled: 10s (the default), 500ms, 2m, or ISO-8601 such as PT30S.")
    String grace;

    @Mixin
    ServeOptions serving;

    @Mixin
    StoreOption store;

    @Mixin
    VerboseOption verbosity;

    DevCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public boolean verbose() {
        return verbosity.verbose;
    }

    @Override
    public Integer call() {
        Path sources = directory.toAbsolutePath().normalize();
        if (!Files.isDirectory(sources)) {
            throw CliException.badInput("DIR " + directory + " is not a directory; pass the directory that holds your"
                    + " flows' .java sources");
        }
        try {
            FlowSources.requireCompiler();
        } catch (IllegalStateException noCompiler) {
            throw CliException.badInput("loomflow dev compiles the sources in " + directory + ", and "
                    + noCompiler.getMessage());
        }
        Duration reloadGrace = duration(grace);
        PrintStream out = context.out();
        // Bad input is reported before the store is opened, so a typo never creates .loomflow.
        LoomflowServer.Builder builder = serving.configured(LoomflowServer.builder(), context)
                .dev(sources)
                .reloadGrace(reloadGrace)
                .engineSetup(engine -> engine
                        .results(ResultStores.directory(store.resultsDirectory()))
                        .listener(event -> reportFailure(event, sources)))
                .onReload(reload -> {
                    // One write per reload, so a reader never sees its first line without the rest.
                    StringBuilder report = new StringBuilder();
                    if (reload.swapped()) {
                        report.append("loomflow dev: generation ").append(reload.generation()).append(" serves ")
                                .append(reload.flows().isEmpty() ? "no flows" : String.join(", ", reload.flows()))
                                .append(" (compiled and loaded in ").append(reload.took().toMillis()).append(" ms)\n");
                    } else {
                        report.append("loomflow dev: the sources have problems; ")
                                .append(reload.generation() == 0 ? "nothing is served until they compile"
                                        : "generation " + reload.generation() + " goes on serving").append(":\n");
                        reload.problems().forEach(problem -> report.append("  ")
                                .append(problem.toString().replace("\n", "\n    ")).append('\n'));
                    }
                    reload.notes().forEach(note -> report.append("  ").append(note).append('\n'));
                    synchronized (out) {
                        out.print(report);
                        out.flush();
                    }
                });
        RunStore history = store.openForWriting();
        LoomflowServer server;
        try {
            server = builder.store(history).build();
        } catch (RuntimeException failed) {
            history.close();
            throw failed;
        }
        return ServerCommand.serve(context, serving, server, () -> { }, () -> { }, history,
                "Loomflow dev server at %s (watching " + directory + "; Ctrl-C to stop)",
                "stopping the server; runs in flight get " + grace.strip() + " to finish, then are cancelled");
    }

    /** A failed run, on the console, with the line of a source in the dev directory it failed at. */
    private void reportFailure(Event event, Path sources) {
        if (!(event instanceof Event.StateChange change) || !(change.state() instanceof State.Failed failed)) {
            return;
        }
        RunInfo run = change.run();
        Throwable error = failed.error();
        String at = "";
        for (StackTraceElement frame : error.getStackTrace()) {
            if (frame.getFileName() != null && frame.getLineNumber() > 0 && Files.exists(sources.resolve(
                    frame.getClassName().contains(".") ? frame.getClassName().substring(0, frame.getClassName()
                            .lastIndexOf('.')).replace('.', '/') + "/" + frame.getFileName() : frame.getFileName()))) {
                at = " (at " + frame.getFileName() + ":" + frame.getLineNumber() + ")";
                break;
            }
        }
        synchronized (context.out()) {
            context.err().println("loomflow dev: " + (run.kind() == RunInfo.Kind.FLOW ? "flow" : "task") + " '"
                    + TerminalText.line(run.name()) + "' (run " + run.id() + ") failed: "
                    + TerminalText.line(error.getClass().getName() + ": " + error.getMessage()) + at);
        }
    }

    /** {@code 10s}, {@code 500ms}, {@code 2m}, or ISO-8601. */
    static Duration duration(String text) {
        String value = text.strip().toLowerCase(java.util.Locale.ROOT);
        try {
            if (value.matches("\\d+ms")) {
                return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
            }
            if (value.matches("\\d+s")) {
                return Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)));
            }
            if (value.matches("\\d+m")) {
                return Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1)));
            }
            Duration parsed = Duration.parse(text.strip());
            if (!parsed.isNegative()) {
                return parsed;
            }
        } catch (DateTimeParseException | NumberFormatException notADuration) {
            // reported below
        }
        throw CliException.badInput("--grace " + text + " is not a duration; pass 10s, 500ms, 2m or ISO-8601 such as"
                + " PT30S");
    }
}
