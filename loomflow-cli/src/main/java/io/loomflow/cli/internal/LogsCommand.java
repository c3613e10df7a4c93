package io.loomflow.cli.internal;

import io.loomflow.store.LogRecord;
import io.loomflow.store.RunRecord;
import io.loomflow.store.RunStore;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
        description = "Prints the log lines of a run and of the runs below it, in the order they were written.",
        footer = {"", "Examples:",
                "  loomflow logs 0194f3c2-7b1e-7c4d-9a8b-2f6e1d0c3b5a",
                "  loomflow logs 0194f3c2-7b1e-7c4d-9a8b-2f6e1d0c3b5a --follow"})
final class LogsCommand implements Callable<Integer>, Verbose {

    private final CliContext context;

    @Parameters(index = "0", paramLabel = "RUN", description = "The run's id, as 'loomflow runs' lists it.")
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

    /** What has been read of each run: the last line's sequence, and whether the run had ended by then. */
    private final Map<UUID, Long> lastSequence = new HashMap<>();
    private final Set<UUID> finished = new HashSet<>();
    private final Map<UUID, String> names = new HashMap<>();

    LogsCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public boolean verbose() {
        return verbosity.verbose;
    }

    @Override
    public Integer call() throws InterruptedException {
        UUID id = Runs.id(run);
        RunStore history = store.openForReading().orElseThrow(() -> Runs.unknown(id, store));
        try (history) {
            RunRecord root = history.run(id).orElseThrow(() -> Runs.unknown(id, store));
            while (true) {
                // Read the state first: if the run had ended before its lines were read, none can follow.
                boolean ended = history.run(id).map(RunRecord::isFinal).orElse(root.isFinal());
                print(readNewLines(history, root));
                if (!follow || ended) {
                    return ExitCode.OK.code();
                }
                // The poll interval of --follow: how often the history is read again.
                Thread.sleep(poll);
            }
        }
    }

    /** New lines of the run's tree since the last read, in the order they were written. */
    private List<LogRecord> readNewLines(RunStore history, RunRecord root) {
        List<LogRecord> lines = new ArrayList<>();
        List<RunRecord> pending = new ArrayList<>(List.of(root));
        while (!pending.isEmpty()) {
            RunRecord node = pending.removeLast();
            if (finished.contains(node.id())) {
                continue; // read to the end once it had ended, with all of its tree
            }
            names.put(node.id(), node.name());
            List<LogRecord> read = history.logs(node.id(), lastSequence.getOrDefault(node.id(), -1L));
            if (!read.isEmpty()) {
                lastSequence.put(node.id(), read.getLast().sequence());
                lines.addAll(read);
            }
            List<RunRecord> children = history.children(node.id());
            pending.addAll(children);
            // A run that had ended when its lines and children were read has no more; nor, being
            // structured, have its descendants once they are read in this same pass.
            if (node.isFinal() && children.stream().allMatch(RunRecord::isFinal)) {
                finished.add(node.id());
            }
        }
        lines.sort(Comparator.comparingLong(LogRecord::sequence));
        return lines;
    }

    private void print(List<LogRecord> lines) {
        PrintStream out = context.out();
        for (LogRecord line : lines) {
            out.println(Text.clock(line.at(), context.zone()) + "  "
                    + Text.pad(TerminalText.line(names.getOrDefault(line.runId(), "?")), 16) + "  "
                    + Text.pad(TerminalText.line(line.level()), 7) + "  " + TerminalText.line(line.message()));
            if (!line.error().isEmpty()) {
                String trace = verbose() ? line.error() : Text.firstLine(line.error());
                trace.lines().forEach(traceLine -> out.println("    " + TerminalText.line(traceLine)));
            }
        }
        out.flush();
    }
}
