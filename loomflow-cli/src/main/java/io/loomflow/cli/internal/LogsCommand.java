package io.loomflow.cli.internal;

import io.loomflow.store.RunRecord;
import io.loomflow.store.RunStore;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code loomflow logs RUN}: the log lines of a run and of every run below it, in the order they
 * were written; {@code --follow} keeps reading until the run has ended.
 */
@Command(name = "logs", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = {"Prints the log lines of a run and of the runs below it, in the order they were written.",
                "Of a map of more than " + TreeLogs.ITEMS_READ + " items, only the lines of its first "
                        + TreeLogs.ITEMS_READ + " failed items are read (and the runs below them); the others are counted"
                        + " on stderr: 'loomflow logs ITEM_ID' prints an item's lines."},
        footer = {"", "Examples:",
                "  loomflow logs 0194f3c2-7b1e-7c4d-9a8b-2f6e1d0c3b5a",
                "  loomflow logs 0194f3c2-7b1e-7c4d-9a8b-2f6e1d0c3b5a --follow",
                "  loomflow logs last --follow"})
final class LogsCommand implements Callable<Integer>, Verbose {

    private final CliContext context;

    @Parameters(index = "0", paramLabel = "RUN", description = "The run's id, as 'loomflow runs' lists it; the first"
            + " characters of a root run's id, if no other root run's id starts with them; or 'last', the newest root run.")
    String run;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new lines until the run has ended.")
    boolean follow;

    @Option(names = "--poll", paramLabel = "DURATION", defaultValue = "PT0.5S", hidden = true,
            description = "How often --follow reads the history (ISO-8601, default PT0.5S).")
    Duration poll;

    @Mixin
    StoreOption store;

    @Mixin
    VerboseOption verbosity;

    LogsCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public boolean verbose() {
        return verbosity.verbose;
    }

    @Override
    public Integer call() throws InterruptedException {
        Runs.Named named = Runs.named(run);
        RunStore history = store.openForReading().orElseThrow(() -> Runs.unknown(named, store));
        try (history) {
            UUID id = named.resolve(history, store, null, context.zone());
            RunRecord root = history.run(id).orElseThrow(() -> Runs.unknown(id, store));
            TreeLogs tree = new TreeLogs(context, follow, poll, verbose());
            if (follow) {
                context.err().println("following run " + id + " (" + TerminalText.line(root.name()) + ", "
                        + root.state().label() + "); Ctrl-C to stop");
            }
            while (true) {
                // Read the state first: if the run had ended before its lines were read, none can follow.
                RunRecord now = history.run(id).orElse(root);
                tree.readNewLines(history, now);
                if (!follow || now.isFinal()) {
                    tree.leftOut().forEach(note -> context.err().println("loomflow: " + note));
                }
                if (!follow) {
                    return ExitCode.OK.code();
                }
                if (now.isFinal()) {
                    context.err().println("run " + id + " ended " + now.state().label() + " after "
                            + Text.duration(now.duration().orElse(Duration.between(now.createdAt(), now.history().getLast().at()))));
                    return ExitCode.OK.code();
                }
                // The poll interval of --follow: how often the history is read again.
                Thread.sleep(poll);
            }
        }
    }
}
