package io.loomflow.cli.internal;

import io.loomflow.State;
import io.loomflow.store.RunRecord;
import io.loomflow.store.RunStore;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code loomflow show RUN}: the run tree with states, durations and errors. */
@Command(name = "show", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "Shows a run and the runs below it, indented, with states, durations and errors. A run with"
                + " many children shows the first few, the failed ones, and counts of the rest.",
        footer = {"", "Examples:",
                "  loomflow show 0194f3c2-7b1e-7c4d-9a8b-2f6e1d0c3b5a",
                "  loomflow show 0194f3c2-7b1e-7c4d-9a8b-2f6e1d0c3b5a --children 50"})
final class ShowCommand implements Callable<Integer>, Verbose {

    private final CliContext context;

    @Parameters(index = "0", paramLabel = "RUN", description = "The run's id, as 'loomflow runs' lists it.")
    String run;

    @Option(names = "--children", paramLabel = "N", defaultValue = "10",
            description = "Show at most N children of each run, plus failed ones (default 10); count the rest.")
    int children;

    @Mixin
    StoreOption store;

    @Mixin
    VerboseOption verbosity;

    ShowCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public boolean verbose() {
        return verbosity.verbose;
    }

    @Override
    public Integer call() {
        UUID id = Runs.id(run);
        if (children < 1) {
            throw CliException.badInput("--children was " + children + "; pass 1 or more");
        }
        RunStore history = store.openForReading().orElseThrow(() -> Runs.unknown(id, store));
        try (history) {
            RunRecord root = history.run(id).orElseThrow(() -> Runs.unknown(id, store));
            PrintStream out = context.out();
            print(history, root, 0, out);
        }
        return ExitCode.OK.code();
    }

    private void print(RunStore history, RunRecord node, int depth, PrintStream out) {
        String indent = "  ".repeat(depth);
        out.println(indent + TerminalText.line(node.name()) + "  " + node.state().label() + "  "
                + node.duration().map(Text::duration).orElse(node.isFinal() ? "-" : "running") + "  " + node.id()
                + (node.error() == null ? "" : "  " + errorText(node)));
        if (depth == 0 && !node.parameters().isEmpty() && !node.parameters().equals("null")) {
            out.println("  parameters: " + TerminalText.line(node.parameters().replaceAll("\\s*\\R\\s*", " ")));
        }
        if (verbose() && node.error() != null) {
            node.error().stackTrace().lines().forEach(line -> out.println(indent + "    " + TerminalText.line(line)));
        }
        List<RunRecord> below = history.children(node.id());
        if (below.size() <= children) {
            below.forEach(child -> print(history, child, depth + 1, out));
            return;
        }
        List<RunRecord> shown = new ArrayList<>(below.subList(0, children));
        List<RunRecord> rest = new ArrayList<>(below.subList(children, below.size()));
        List<RunRecord> failed = rest.stream().filter(r -> r.error() != null).limit(children).toList();
        shown.addAll(failed);
        rest.removeAll(failed);
        shown.forEach(child -> print(history, child, depth + 1, out));
        out.println(indent + "  ... " + rest.size() + " more: " + counts(rest));
    }

    private static String errorText(RunRecord node) {
        String message = Text.firstLine(node.error().message());
        return TerminalText.line(message.isEmpty() ? node.error().type() : node.error().type() + ": " + message);
    }

    /** {@code process: 988 Completed, 2 Cancelled}, per name. */
    private static String counts(List<RunRecord> runs) {
        Map<String, Map<State.Kind, Long>> byName = new TreeMap<>();
        for (RunRecord run : runs) {
            byName.computeIfAbsent(run.name(), name -> new LinkedHashMap<>()).merge(run.state(), 1L, Long::sum);
        }
        return byName.entrySet().stream()
                .map(entry -> TerminalText.line(entry.getKey()) + ": " + entry.getValue().entrySet().stream()
                        .map(state -> state.getValue() + " " + state.getKey().label()).collect(Collectors.joining(", ")))
                .collect(Collectors.joining("; "));
    }
}
