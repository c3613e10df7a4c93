package io.loomflow.cli.internal;

import io.loomflow.slf4j.RunLogHandler;
import io.loomflow.slf4j.UncapturedFilter;
import io.loomflow.store.RunStoreException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.Arrays;
import java.util.logging.Filter;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Assembles the {@code loomflow} command and maps what goes wrong to messages and exit codes:
 * a {@link CliException} prints its message, a {@link RunStoreException} prints the store's
 * message (exit 3), anything else is reported as a bug (exit 4); never a bare stack trace unless
 * {@code --verbose}.
 */
public final class Cli {

    private Cli() {
    }

    /**
     * Runs one command line.
     *
     * @param args the arguments
     * @param context the streams and environment
     * @return the exit code
     */
    public static int run(String[] args, CliContext context) {
        return commandLine(context).execute(args);
    }

    /**
     * The command line with every subcommand, set up as {@link #run} runs it; for tools that parse
     * or describe commands without running them (the documentation's tests parse its examples).
     *
     * @param context the streams and environment
     * @return a new command line
     */
    public static CommandLine commandLine(CliContext context) {
        CommandLine cli = new CommandLine(new LoomflowCommand());
        cli.addSubcommand(new RunCommand(context));
        cli.addSubcommand(new RunsCommand(context));
        cli.addSubcommand(new ShowCommand(context));
        cli.addSubcommand(new LogsCommand(context));
        cli.addSubcommand(new PruneCommand(context));
        cli.addSubcommand(new FlowsCommand(context));
        cli.addSubcommand(new GraphCommand(context));
        cli.addSubcommand(new ServerCommand(context));
        cli.addSubcommand(new DevCommand(context));
        cli.addSubcommand(new WorkerCommand(context));
        cli.addSubcommand(new WorkersCommand(context));
        cli.addSubcommand(new SubmitCommand(context));
        cli.addSubcommand(new CommandLine(new SchedulesCommand(context))
                .addSubcommand(new SchedulesCommand.Pause(context)).addSubcommand(new SchedulesCommand.Resume(context)));
        cli.addSubcommand(new CompletionCommand(context));
        cli.addSubcommand(new InitCommand(context));
        cli.addSubcommand(new ShellCommand(context));
        cli.addSubcommand(new CommandLine.HelpCommand()); // loomflow help [COMMAND]
        // Set after the subcommands are added: picocli applies these to the whole tree at this moment.
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setOut(new PrintWriter(context.out(), true, context.out().charset()));
        cli.setErr(new PrintWriter(context.err(), true, context.err().charset()));
        cli.setParameterExceptionHandler(Cli::badUsage);
        cli.setExecutionExceptionHandler((failure, command, parseResult) -> failed(failure, command));
        return cli;
    }

    private static int badUsage(ParameterException problem, String[] args) {
        CommandLine command = problem.getCommandLine();
        PrintWriter err = command.getErr();
        if (problem instanceof UnmatchedArgumentException unmatched && command.getParent() == null
                && !unmatched.getUnmatched().isEmpty() && !unmatched.getUnmatched().getFirst().startsWith("-")) {
            String given = unmatched.getUnmatched().getFirst();
            var commands = command.getSubcommands().keySet();
            err.println("loomflow: unknown command '" + TerminalText.line(given) + "'."
                    + Text.closest(given, commands).map(best -> " Did you mean '" + best + "'?").orElse("")
                    + " The commands are: " + String.join(", ", commands));
        } else {
            err.println("loomflow: " + TerminalText.lines(problem.getMessage()));
            UnmatchedArgumentException.printSuggestions(problem, err);
        }
        err.println("See '" + command.getCommandSpec().qualifiedName() + " --help'.");
        err.flush();
        return ExitCode.BAD_INPUT.code();
    }

    private static int failed(Exception failure, CommandLine command) {
        PrintWriter err = command.getErr();
        boolean verbose = command.getCommand() instanceof Verbose v && v.verbose();
        int code;
        switch (failure) {
            case CliException known -> {
                err.println("loomflow: " + TerminalText.lines(known.getMessage()));
                code = known.exitCode().code();
            }
            case io.loomflow.workers.WorkQueueException queue -> {
                err.println("loomflow: " + TerminalText.lines(queue.getMessage()));
                code = ExitCode.STORE_UNAVAILABLE.code();
            }
            case RunStoreException store -> {
                err.println("loomflow: " + TerminalText.lines(store.getMessage()));
                code = ExitCode.STORE_UNAVAILABLE.code();
            }
            default -> {
                err.println("loomflow: unexpected error: " + Text.error(failure));
                err.println("  this is a bug in Loomflow or in a flow provider"
                        + (verbose ? "" : "; run again with --verbose for the stack trace"));
                code = ExitCode.INTERNAL_ERROR.code();
            }
        }
        if (verbose) {
            err.print(Text.stackTrace(failure));
        }
        err.flush();
        return code;
    }

    /**
     * Sets up {@code java.util.logging} for a command-line process, once, before any command runs.
     *
     * <p>What a task logs while it runs, through SLF4J (bound to java.util.logging by {@code
     * slf4j-jdk14}) or the JDK's {@link System.Logger}, at {@code INFO} and above, is captured into its
     * run's log by a {@link RunLogHandler} on the root logger: {@code loomflow run} prints it with the
     * run's progress, and it is recorded with the run ({@code loomflow logs}, the server's UI and API).
     * The console shows warnings and errors logged outside of runs, one line each, and Loomflow's own
     * wherever they are logged ({@link #consoleFilter()}): a task's warning is in its run's log, not on
     * stderr a second time. Core's
     * {@code io.loomflow.run} logger is off: those lines are the runs' logs, which {@code loomflow run}
     * prints from the event stream. The server's warnings are not logged (its one warning, serving
     * without a token, {@code loomflow server --insecure} prints itself), only its errors. Nor is the
     * Azure SDK's warning, on every request of the {@code az:} storage, that the JDK's HttpClient sets
     * the {@code Content-Length} header itself (which it does, correctly); that client logs no other
     * warning.
     *
     * <p>When {@code java.util.logging.config.file} or {@code .class} is set, that configuration is
     * left as it is, and only the {@link RunLogHandler} is added to the root logger, unless the
     * configuration has one there already.
     */
    public static void configureLogging() {
        if (System.getProperty("java.util.logging.config.file") == null
                && System.getProperty("java.util.logging.config.class") == null) {
            String configuration = """
                    handlers=java.util.logging.ConsoleHandler
                    .level=INFO
                    io.loomflow.run.level=OFF
                    io.loomflow.server.level=SEVERE
                    com.azure.core.http.jdk.httpclient.JdkHttpClient.level=SEVERE
                    java.util.logging.ConsoleHandler.level=WARNING
                    java.util.logging.SimpleFormatter.format=loomflow: %4$s: %5$s%6$s%n
                    """;
            try {
                LogManager.getLogManager().readConfiguration(new ByteArrayInputStream(configuration.getBytes(StandardCharsets.UTF_8)));
            } catch (IOException impossible) {
                throw new java.io.UncheckedIOException(impossible);
            }
            for (Handler handler : Logger.getLogger("").getHandlers()) {
                handler.setFilter(consoleFilter());
            }
        }
        Logger root = Logger.getLogger("");
        if (Arrays.stream(root.getHandlers()).noneMatch(RunLogHandler.class::isInstance)) {
            root.addHandler(new RunLogHandler());
        }
    }

    /**
     * The console's filter: the lines no run's log captures ({@link UncapturedFilter}), and Loomflow's
     * own warnings and errors wherever they are logged (a store that fails under a run, say), which an
     * operator of {@code server} or {@code worker} must see on the console even when they are also in a
     * run's log. Core's {@code io.loomflow.run} lines are never let through: they are the runs' logs.
     *
     * @return the filter
     */
    static Filter consoleFilter() {
        UncapturedFilter uncaptured = new UncapturedFilter();
        return line -> {
            String name = line.getLoggerName();
            if (name != null && (name.equals("io.loomflow.run") || name.startsWith("io.loomflow.run."))) {
                return false;
            }
            return name != null && name.startsWith("io.loomflow.") || uncaptured.isLoggable(line);
        };
    }

    /** {@code loomflow --version}: the version this command was built as. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            return new String[] {"loomflow " + number().orElse("(unknown version)") + " on Java " + Runtime.version()};
        }

        /** The project version the command was built as ({@code 0.1.0-SNAPSHOT}); empty if the build did not say. */
        static java.util.Optional<String> number() throws IOException {
            Properties properties = new Properties();
            try (InputStream in = Cli.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return java.util.Optional.ofNullable(properties.getProperty("version"));
        }
    }
}
