package io.loomflow.cli.internal;

import io.loomflow.State;
import io.loomflow.store.RunQuery;
import io.loomflow.store.RunRecord;
import io.loomflow.store.RunStore;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code loomflow runs}: the recorded runs, newest first, as a table. */
@Command(name = "runs", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "Lists recorded runs, newest first: id, flow, state, created, duration. Root runs only unless --all.",
        footer = {"", "Examples:",
                "  loomflow runs",
                "  loomflow runs --state Failed --flow report --limit 5"})
final class RunsCommand implements Callable<Integer>, Verbose {

    private final CliContext context;

    @Option(names = "--state", paramLabel = "STATE", completionCandidates = StateNames.class,
            description = "Only runs in this state, in any case: ${COMPLETION-CANDIDATES}.")
    String state;

    @Option(names = "--flow", paramLabel = "NAME", description = "Only runs of this flow (or, with --all, task).")
    String flow;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "At most N runs (default 20).")
    int limit;

    @Option(names = "--all", description = "Include the runs below the roots: subflows and tasks.")
    boolean all;

    @Mixin
    StoreOption store;

    @Mixin
    VerboseOption verbosity;

    RunsCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public boolean verbose() {
        return verbosity.verbose;
    }

    @Override
    public Integer call() {
        if (limit < 1) {
            throw CliException.badInput("--limit was " + limit + "; pass 1 or more");
        }
        RunQuery query = new RunQuery(state == null ? null : kind(state), flow, !all, limit);
        PrintStream out = context.out();
        Optional<RunStore> opened = store.openForReading();
        if (opened.isEmpty()) {
            out.println("No runs recorded in " + TerminalText.line(store.describe()) + " yet; start one with 'loomflow run FLOW'.");
            return ExitCode.OK.code();
        }
        List<RunRecord> runs;
        try (RunStore history = opened.get()) {
            runs = history.runs(query);
        }
        if (runs.isEmpty()) {
            out.println("No runs match in " + TerminalText.line(store.describe()) + ".");
            return ExitCode.OK.code();
        }
        int nameWidth = Math.max(4, runs.stream().mapToInt(run -> TerminalText.line(run.name()).length()).max().orElse(4));
        out.println(Text.pad("ID", 36) + "  " + Text.pad(all ? "NAME" : "FLOW", nameWidth) + "  " + Text.pad("STATE", 9)
                + "  " + Text.pad("CREATED", 19) + "  DURATION");
        for (RunRecord run : runs) {
            out.println(run.id() + "  " + Text.pad(TerminalText.line(run.name()), nameWidth) + "  "
                    + Text.pad(run.state().label(), 9) + "  "
                    + Text.dateTime(run.createdAt(), context.zone()) + "  "
                    + run.duration().map(Text::duration).orElse(run.isFinal() ? "-" : "running"));
        }
        return ExitCode.OK.code();
    }

    /** The kind of state named, whatever its case; refuses names that are no state, with the closest. */
    static State.Kind kind(String given) {
        try {
            return State.Kind.parse(given);
        } catch (IllegalArgumentException notAState) {
            throw CliException.badInput("--state " + notAState.getMessage());
        }
    }

    /** The states, for {@code --state}'s help and shell completion: core's kinds, in the order a run meets them. */
    static final class StateNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return State.Kind.labels().iterator();
        }
    }
}
