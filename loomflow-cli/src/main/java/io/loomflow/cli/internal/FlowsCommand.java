package io.loomflow.cli.internal;

import io.loomflow.ParameterModel;
import java.io.PrintStream;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code loomflow flows}: the flows found, with their parameters. */
@Command(name = "flows", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "Lists the flows found on the class path and in --classes, with their parameters.",
        footer = {"", "Examples:",
                "  loomflow flows",
                "  loomflow flows --classes build/classes"})
final class FlowsCommand implements Callable<Integer>, Verbose {

    private final CliContext context;

    @Mixin
    ClassesOption classes;

    @Mixin
    VerboseOption verbosity;

    FlowsCommand(CliContext context) {
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
            List<FlowCatalog.Entry> entries = catalog.required().stream()
                    .sorted(Comparator.comparing(entry -> entry.flow().name())).toList();
            for (FlowCatalog.Entry entry : entries) {
                out.println(TerminalText.line(entry.flow().name() + "  (from " + entry.provider() + ")"));
                ParameterModel<?> model = ParameterModel.of(entry.flow());
                List<ParameterModel.Parameter> parameters = model.parameters();
                if (model.unusable().isPresent()) {
                    out.println(TerminalText.line("  --param cannot bind its parameters: " + model.unusable().get()));
                } else if (parameters.isEmpty()) {
                    out.println("  no parameters");
                }
                int width = parameters.stream().mapToInt(p -> p.name().length()).max().orElse(0);
                for (ParameterModel.Parameter parameter : parameters) {
                    String syntax = parameter.name().endsWith(".KEY") ? "; one NAME.KEY=VALUE per entry"
                            : parameter.expects().startsWith("a list") || parameter.expects().startsWith("a set")
                            ? "; comma-separated or repeated" : "";
                    out.println(TerminalText.line("  --param " + Text.pad(parameter.name(), width) + "  " + parameter.expects() + syntax
                            + (parameter.required() ? ", required" : parameter.byDefault().map(d -> ", default " + d)
                            .orElse(", optional"))));
                }
            }
        }
        return ExitCode.OK.code();
    }
}
