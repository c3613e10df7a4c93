package io.loomflow.cli.internal;

import io.loomflow.State;
import io.loomflow.store.MapSummary;
import io.loomflow.store.PageQuery;
import io.loomflow.store.RunRecord;
import io.loomflow.store.RunStore;
import io.loomflow.store.RunSummary;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code loomflow show RUN}: a run, its children counted and summarised, and one page of them ({@link TreeView}). */
@Command(name = "show", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = {"Shows a run with its children counted by state, each map it started on one line (counts,"
                + " progress, first failures, p50 and p99 of its items' durations), then its children oldest first, each"
                + " map as one line, at most --limit of them; a last line gives the command for the next page.",
                "With --map, shows one of the run's maps and a page of its items.",
                "With --lineage, shows a page of the datasets the run's tree read and wrote (for a run below a root,"
                        + " those it and its children read and wrote), with versions and locations; the first page of"
                        + " a run shows the first " + TreeView.LINEAGE_SHOWN + " of them.",
                "With --output json, prints the same as JSON."},
        footer = {"", "Examples:",
                "  loomflow show 0194f3c2-7b1e-7c4d-9a8b-2f6e1d0c3b5a",
                "  loomflow show 0194f3c2-7b1e-7c4d-9a8b-2f6e1d0c3b5a --state failed",
                "  loomflow show 0194f3c2          (the root run whose id starts so)",
                "  loomflow show last",
                "  loomflow show RUN_ID --map MAP_ID --limit 100 --state failed",
                "  loomflow show last --lineage --output json"})
final class ShowCommand implements Callable<Integer>, Verbose {

    private final CliContext context;

    @Parameters(index = "0", paramLabel = "RUN", description = "The run's id, as 'loomflow runs' lists it; the first"
            + " characters of a root run's id, if no other root run's id starts with them; or 'last', the newest root run.")
    String run;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "" + TreeView.DEFAULT_LIMIT,
            description = "Show at most N children or items (1 to " + PageQuery.MOST + ", default ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--state", paramLabel = "STATE", completionCandidates = RunsCommand.StateNames.class,
            description = "Only children or items in this state, in any case, such as failed.")
    String state;

    @Option(names = "--after", paramLabel = "CURSOR",
            description = "The next page: the cursor the last line of the page before gave.")
    String after;

    @Option(names = "--map", paramLabel = "MAP_ID",
            description = "Show this map of the run (its id is on its line) and a page of its items.")
    String map;

    @Option(names = "--lineage", description = "Show the datasets the run read and wrote, a page at a time.")
    boolean lineage;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text",
            description = "text (the default): lines for people. json: the run, its children, maps and lineage as"
                    + " the store's records in JSON, for programs.")
    OutputFormat output;

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
        Runs.Named named = Runs.named(run);
        UUID mapId = map == null ? null : Runs.id(map, "--map", "a map id is on the map's line in 'loomflow show RUN'");
        if (lineage && mapId != null) {
            throw CliException.badInput("--lineage and --map were both given; a map's items read and write as part of"
                    + " the run: show the run's lineage with 'loomflow show RUN --lineage'");
        }
        if (lineage && state != null) {
            throw CliException.badInput("--state was given with --lineage; a run's lineage has no states to filter by:"
                    + " leave --state out");
        }
        PageQuery query = query();
        boolean json = output == OutputFormat.JSON;
        RunStore history = store.openForReading().orElseThrow(() -> Runs.unknown(named, store));
        try (history) {
            UUID id = named.resolve(history, store, null, context.zone());
            TreeView view = new TreeView(history, context.out(), verbose());
            if (lineage) {
                RunRecord shown = history.run(id).orElseThrow(() -> Runs.unknown(id, store));
                if (json) {
                    ShowJson.print(context.out(), ShowJson.lineage(history, shown, query));
                } else {
                    view.lineage(shown, query);
                }
                return ExitCode.OK.code();
            }
            if (mapId == null) {
                RunSummary summary = history.summary(id).orElseThrow(() -> Runs.unknown(id, store));
                if (json) {
                    ShowJson.print(context.out(), ShowJson.run(history, summary, query));
                } else {
                    view.run(summary, query);
                }
                return ExitCode.OK.code();
            }
            RunRecord parent = history.run(id).orElseThrow(() -> Runs.unknown(id, store));
            MapSummary found = history.map(mapId).filter(summary -> summary.parentId().equals(id))
                    .orElseThrow(() -> CliException.badInput("run " + id + " has no map " + mapId + "; its maps are listed"
                            + " by 'loomflow show " + id + "'"));
            if (json) {
                ShowJson.print(context.out(), ShowJson.map(history, parent, found, query));
            } else {
                view.map(parent, found, query);
            }
        }
        return ExitCode.OK.code();
    }

    private PageQuery query() {
        if (limit < 1 || limit > PageQuery.MOST) {
            throw CliException.badInput("--limit was " + limit + "; pass a number from 1 to " + PageQuery.MOST
                    + ", such as --limit 100");
        }
        if (after != null && after.isBlank()) {
            throw CliException.badInput("--after was blank; pass the cursor the last line of the page before gave");
        }
        return new PageQuery(state == null ? null : RunsCommand.kind(state), limit, after);
    }
}
