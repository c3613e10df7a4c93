package io.loomflow.cli.internal;

import io.loomflow.spi.FlowGraph;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code loomflow graph FLOW}: the graph a flow carries (a pipeline's nodes and datasets), layer by
 * layer as core's {@link FlowGraph#layers()} places them, or as JSON.
 */
@Command(name = "graph", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "Prints the graph of a flow that runs a pipeline: its datasets and nodes, layer by layer, each"
                + " node with what it reads and writes; --output json prints it as JSON.",
        footer = {"", "Examples:",
                "  loomflow graph spaceflights",
                "  loomflow graph spaceflights --output json | jq '.nodes[].name'"})
final class GraphCommand implements Callable<Integer>, Verbose {

    private static final String BOLD = "\033[1m";
    private static final String CYAN = "\033[36m";
    private static final String DIM = "\033[2m";
    private static final String RESET = "\033[0m";

    private final CliContext context;

    @Parameters(index = "0", paramLabel = "FLOW", description = "the flow, as 'loomflow flows' lists it")
    String flow;

    @Option(names = "--output", paramLabel = "FORMAT", description = "text (the default): the layers, in colour in a"
            + " terminal; json: the graph as JSON (nodes, datasets, each with its layer and position)")
    OutputFormat output;

    @Mixin
    ClassesOption classes;

    @Mixin
    VerboseOption verbosity;

    GraphCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public boolean verbose() {
        return verbosity.verbose;
    }

    @Override
    public Integer call() {
        PrintStream out = context.out();
        try (FlowCatalog catalog = FlowCatalog.discover(classes.entries(context.environment()))) {
            FlowCatalog.Entry entry = catalog.find(flow);
            FlowGraph graph = entry.flow().graph().orElseThrow(() -> {
                TreeSet<String> drawn = new TreeSet<>();
                catalog.entries().stream().filter(each -> each.flow().graph().isPresent())
                        .forEach(each -> drawn.add(each.flow().name()));
                return CliException.badInput("flow '" + flow + "' has no graph: only flows that run a pipeline"
                        + " (Pipeline.toFlow, or a flow given one with Flow.withGraph) have one; "
                        + (drawn.isEmpty() ? "none of the flows found has one" : "the flows with one are: "
                        + String.join(", ", drawn)));
            });
            if (output == OutputFormat.JSON) {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("flow", entry.flow().name());
                json.putAll(graph.toJson());
                out.println(Json.write(Json.mapper(), json));
            } else {
                boolean colour = context.consoleIsTerminal() && !context.environment().containsKey("NO_COLOR");
                text(out, entry.flow().name(), graph, colour);
            }
        }
        return ExitCode.OK.code();
    }

    /**
     * The layers, top to bottom, one line per node or dataset: a dataset as {@code (name)} with its type and
     * location, a node as {@code [name]} with what it reads ({@code <-}) and writes ({@code ->}).
     */
    static void text(PrintStream out, String name, FlowGraph graph, boolean colour) {
        List<List<FlowGraph.Place>> layers = graph.layers();
        out.println(paint(colour, BOLD, TerminalText.line(name)) + ": " + graph.nodes().size() + " nodes, "
                + graph.datasets().size() + " datasets, " + layers.size() + " layers");
        Map<String, FlowGraph.Node> nodes = new LinkedHashMap<>();
        graph.nodes().forEach(node -> nodes.put(node.name(), node));
        int number = String.valueOf(Math.max(0, layers.size() - 1)).length();
        for (int i = 0; i < layers.size(); i++) {
            List<String> lines = new ArrayList<>();
            for (FlowGraph.Place place : layers.get(i)) {
                if (place.node()) {
                    FlowGraph.Node node = nodes.get(place.name());
                    lines.add(paint(colour, BOLD, "[" + TerminalText.line(node.name()) + "]")
                            + (node.inputs().isEmpty() ? "" : "  <- " + TerminalText.line(String.join(", ", node.inputs())))
                            + (node.outputs().isEmpty() ? "" : "  -> " + TerminalText.line(String.join(", ", node.outputs()))));
                } else {
                    FlowGraph.Dataset dataset = graph.dataset(place.name()).orElseThrow();
                    String shape = "(" + TerminalText.line(dataset.name()) + ")";
                    lines.add(paint(colour, dataset.kind() == FlowGraph.Kind.CATALOG ? CYAN : DIM, shape) + "  "
                            + TerminalText.line(dataset.type()) + (dataset.location() == null ? ""
                            : "  " + TerminalText.line(dataset.location())));
                }
            }
            for (int line = 0; line < lines.size(); line++) {
                String label = line == 0 ? Text.pad(String.valueOf(i), number) : " ".repeat(number);
                out.println("  " + paint(colour, DIM, label) + "  " + lines.get(line));
            }
            if (i < layers.size() - 1) {
                out.println("  " + " ".repeat(number) + "  " + paint(colour, DIM, "|"));
            }
        }
    }

    private static String paint(boolean colour, String code, String text) {
        return colour ? code + text + RESET : text;
    }
}
