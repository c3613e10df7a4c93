package io.loomflow.cli.internal;

import io.loomflow.store.Prune;
import io.loomflow.store.RunStore;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code loomflow prune}: deletes the history of old root runs, each with everything below it. */
@Command(name = "prune", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = {"Deletes the history of root runs that ended before an age, or of all but the newest N root"
                + " runs, or both (a run goes when every condition given selects it), each with every run below it and"
                + " their log lines. Runs that have not ended are kept, and counted."},
        footer = {"", "Examples:",
                "  loomflow prune --older-than 30d",
                "  loomflow prune --keep 100",
                "  loomflow prune --older-than 12h --keep 10 --dry-run",
                "",
                "AGE is a whole number and a unit: s, m, h, d (days) or w (weeks), such as 90m, 12h, 30d, 2w."})
final class PruneCommand implements Callable<Integer>, Verbose {

    private final CliContext context;

    // Both take their value as text, with arity 0..1, so that a missing or bad value gets the
    // command's own one-line message rather than picocli's.
    @Option(names = "--older-than", paramLabel = "AGE", arity = "0..1", fallbackValue = "",
            description = "Delete root runs that ended more than AGE ago, such as 30d or 12h.")
    String olderThan;

    @Option(names = "--keep", paramLabel = "N", arity = "0..1", fallbackValue = "",
            description = "Keep the newest N root runs (0 or more) and delete the older ones.")
    String keep;

    @Option(names = "--dry-run", description = "Say how many root runs would be deleted; delete nothing.")
    boolean dryRun;

    @Mixin
    StoreOption store;

    @Mixin
    VerboseOption verbosity;

    PruneCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public boolean verbose() {
        return verbosity.verbose;
    }

    @Override
    public Integer call() {
        Prune request = Pruning.request(context.clock().instant(), olderThan, keep);
        Optional<RunStore> opened = dryRun ? store.openForReading() : store.openExistingForWriting();
        if (opened.isEmpty()) {
            context.out().println("No runs recorded in " + TerminalText.line(store.describe()) + "; nothing to prune.");
            return ExitCode.OK.code();
        }
        try (RunStore history = opened.get()) {
            context.out().println(dryRun ? Pruning.preview(history, request)
                    : Pruning.prune(history, request, TerminalText.line(store.describe())));
        }
        return ExitCode.OK.code();
    }
}
