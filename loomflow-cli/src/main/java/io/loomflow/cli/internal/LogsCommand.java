package io.loomflow.cli.internal;

import io.loomflow.store.LogRecord;
import io.loomflow.store.RunRecord;
import io.loomflow.store.RunStore;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
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

    /** The most lines read and held before they are printed, whatever the size of the tree. */
    private static final int MOST_LINES_HELD = 10_000;

    /**
     * Where reading has got to: the last line read of each run still followed, and the runs read to
     * the end (ended, with their trees, when read) whose parent has not been. A run read to the end
     * is forgotten once its parent is, so what is kept is the runs in flight and their children.
     */
    private final Map<UUID, Long> lastSequence = new HashMap<>();
    private final Set<UUID> finished = new HashSet<>();

    /** A line read, with the name of the run that wrote it. */
    private record Line(LogRecord record, String runName) {
    }

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
            if (follow) {
                context.err().println("following run " + id + " (" + TerminalText.line(root.name()) + ", "
                        + root.state().label() + "); Ctrl-C to stop");
            }
            while (true) {
                // Read the state first: if the run had ended before its lines were read, none can follow.
                RunRecord now = history.run(id).orElse(root);
                readNewLines(history, now);
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

    /**
     * Prints the new lines of the run's tree since the last read, in the order they were written.
     * The store serves lines run by run, so a tree is read a run at a time: lines are printed, in
     * order, once the whole tree has been read, or sooner, a part of it at a time, when it is so
     * large that reading it takes longer than {@code --poll} while following or finds more than
     * {@value #MOST_LINES_HELD} lines; then a line of one part may have been written before a line of
     * the part printed before it.
     */
    private void readNewLines(RunStore history, RunRecord root) {
        List<Line> lines = new ArrayList<>();
        List<UUID> forgotten = new ArrayList<>();
        Instant printAt = context.clock().instant().plus(poll);
        List<RunRecord> pending = new ArrayList<>(List.of(root));
        while (!pending.isEmpty()) {
            RunRecord node = pending.removeLast();
            if (finished.contains(node.id())) {
                continue; // read to the end once it had ended, with all of its tree
            }
            List<LogRecord> read = history.logs(node.id(), lastSequence.getOrDefault(node.id(), -1L));
            if (!read.isEmpty()) {
                lastSequence.put(node.id(), read.getLast().sequence());
                read.forEach(line -> lines.add(new Line(line, node.name())));
            }
            List<RunRecord> children = history.children(node.id());
            pending.addAll(children);
            // A run that had ended when its lines and children were read has no more; nor, being
            // structured, have its descendants once they are read in this same pass.
            if (node.isFinal() && children.stream().allMatch(RunRecord::isFinal)) {
                finished.add(node.id());
                lastSequence.remove(node.id());
                children.forEach(child -> forgotten.add(child.id())); // not visited again once this pass is over
            }
            if (lines.size() >= MOST_LINES_HELD || follow && !lines.isEmpty() && !context.clock().instant().isBefore(printAt)) {
                print(lines);
                lines.clear();
                printAt = context.clock().instant().plus(poll);
            }
        }
        print(lines);
        forgotten.forEach(finished::remove);
    }

    private void print(List<Line> lines) {
        lines.sort(Comparator.comparingLong(line -> line.record().sequence()));
        PrintStream out = context.out();
        for (Line read : lines) {
            LogRecord line = read.record();
            out.println(Text.clock(line.at(), context.zone()) + "  "
                    + Text.pad(TerminalText.line(read.runName()), 16) + "  "
                    + Text.pad(TerminalText.line(line.level()), 7) + "  " + TerminalText.line(line.message()));
            if (!line.error().isEmpty()) {
                String trace = verbose() ? line.error() : Text.firstLine(line.error());
                trace.lines().forEach(traceLine -> out.println("    " + TerminalText.line(traceLine)));
            }
        }
        out.flush();
    }
}
