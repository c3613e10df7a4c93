package io.loomflow.cli.internal;

import io.loomflow.schedules.FiredSlot;
import io.loomflow.schedules.ScheduleAdmin;
import io.loomflow.schedules.ScheduleException;
import io.loomflow.schedules.ScheduleStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code loomflow schedules}: the schedules registered in the store's database (loomflow-schedules'
 * tables), with their next fire times and last run; {@code schedules pause NAME} and {@code resume
 * NAME} change them there, for every scheduler on that database. Needs no engine and no flows.
 */
@Command(name = "schedules", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "Lists the schedules registered in the store (name, flow, timing, zone, paused or not, the next"
                + " fire times in the zone and in UTC, the last run); 'pause NAME' and 'resume NAME' change one, for"
                + " every scheduler on that store.",
        footer = {"", "Examples:",
                "  loomflow schedules",
                "  loomflow schedules --output json | jq '.schedules[].name'",
                "  loomflow schedules pause nightly-report --db jdbc:postgresql://localhost:5432/loomflow",
                "  loomflow schedules resume nightly-report",
                "", "Exit codes: 0 listed or changed, 2 bad input (an unknown schedule), 3 store unavailable."})
final class SchedulesCommand implements Callable<Integer>, Verbose {

    private final CliContext context;

    @Mixin
    StoreOption store;

    @Option(names = "--output", paramLabel = "FORMAT", description = "text (the default): a few lines per schedule;"
            + " json: {\"schedules\": [...]} on stdout.")
    OutputFormat output;

    @Option(names = "--next", paramLabel = "N", defaultValue = "3",
            description = "How many next fire times to list per schedule (default 3, 0 to 100).")
    int next;

    @Mixin
    VerboseOption verbosity;

    SchedulesCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public boolean verbose() {
        return verbosity.verbose;
    }

    @Override
    public Integer call() {
        if (next < 0 || next > 100) {
            throw CliException.badInput("--next must be from 0 to 100, not " + next + "; for example --next 3");
        }
        boolean json = output == OutputFormat.JSON;
        List<ScheduleStatus> statuses;
        Optional<ScheduleAdmin> opened = open(store, context, !json);
        if (opened.isEmpty()) {
            if (json) {
                context.out().println("{\"schedules\":[]}");
            }
            return ExitCode.OK.code();
        }
        try (ScheduleAdmin admin = opened.get()) {
            statuses = admin.statuses(next, 1);
        }
        if (json) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (ScheduleStatus status : statuses) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("name", status.name());
                item.put("flow", status.flow());
                item.put("timing", status.timing());
                item.put("zone", status.zone().getId());
                item.put("paused", status.paused());
                item.put("nextFires", status.nextFires().stream().map(Instant::toString).toList());
                item.put("nextFiresInZone", status.nextFires().stream()
                        .map(at -> at.atZone(status.zone()).toOffsetDateTime().toString()).toList());
                item.put("fired", status.firedCount());
                item.put("lastRun", status.recent().isEmpty() ? null : status.recent().getFirst());
                list.add(item);
            }
            context.out().println(Json.write(Json.mapper(), Map.of("schedules", list)));
            return ExitCode.OK.code();
        }
        if (statuses.isEmpty()) {
            context.out().println("no schedules in " + store.describe());
            return ExitCode.OK.code();
        }
        for (ScheduleStatus status : statuses) {
            context.out().println(TerminalText.line(status.name() + "  " + status.flow() + "  " + status.timing() + "  "
                    + status.zone().getId() + "  " + (status.paused() ? "paused" : "active")));
            List<String> fires = status.nextFires().stream().map(at -> at.atZone(status.zone()).toOffsetDateTime()
                    + " (" + at + ")").toList();
            context.out().println("  next: " + (fires.isEmpty() ? "none" : String.join(", ", fires)));
            if (status.recent().isEmpty()) {
                context.out().println("  last run: none");
            } else {
                FiredSlot last = status.recent().getFirst();
                context.out().println(TerminalText.line("  last run: slot " + last.slot() + ", run " + last.runId() + " ("
                        + last.state() + "); " + status.firedCount() + " fired in all"));
            }
        }
        return ExitCode.OK.code();
    }

    /**
     * Opens the store's schedule tables; empty, after saying so ({@code tell}), when the store does
     * not exist or has no schedule tables.
     */
    static Optional<ScheduleAdmin> open(StoreOption store, CliContext context, boolean tell) {
        Optional<String> url = store.existingUrl();
        if (url.isEmpty()) {
            if (tell) {
                context.out().println("no schedules: there is no run history in " + store.describe().substring(
                        "the run history at ".length()) + "; schedules are registered by a scheduler on a store");
            }
            return Optional.empty();
        }
        try {
            return Optional.of(ScheduleAdmin.open(url.get()));
        } catch (ScheduleException noTables) {
            if (tell) {
                context.out().println("no schedules in " + store.describe() + ": " + noTables.getMessage());
            }
            return Optional.empty();
        } catch (IllegalStateException unavailable) {
            throw new CliException(ExitCode.STORE_UNAVAILABLE, unavailable.getMessage(), unavailable);
        }
    }

    /** {@code loomflow schedules pause NAME} and {@code resume NAME}. */
    abstract static class Change implements Callable<Integer>, Verbose {

        private final CliContext context;
        private final boolean pause;

        @Mixin
        StoreOption store;

        @Parameters(paramLabel = "NAME", description = "The schedule's name.")
        String name;

        @Mixin
        VerboseOption verbosity;

        Change(CliContext context, boolean pause) {
            this.context = context;
            this.pause = pause;
        }

        @Override
        public boolean verbose() {
            return verbosity.verbose;
        }

        @Override
        public Integer call() {
            Optional<ScheduleAdmin> opened = open(store, context, false);
            if (opened.isEmpty()) {
                throw CliException.badInput("no schedule is named '" + name + "': " + store.describe()
                        + " has no schedules; a scheduler registers them when it starts on it");
            }
            try (ScheduleAdmin admin = opened.get()) {
                if (pause) {
                    admin.pause(name);
                } else {
                    admin.resume(name);
                }
            } catch (ScheduleException unknown) {
                throw CliException.badInput(unknown.getMessage());
            }
            context.out().println(TerminalText.line("schedule " + name + (pause ? " paused" : " resumed")));
            return ExitCode.OK.code();
        }
    }

    /** {@code loomflow schedules pause NAME}. */
    @Command(name = "pause", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
            description = "Pauses a schedule: no scheduler on this store fires it until it is resumed; the slots that"
                    + " pass meanwhile are missed, for its catch-up policy.",
            footer = {"", "Examples:", "  loomflow schedules pause nightly-report",
                    "", "Exit codes: 0 paused, 2 no schedule of that name, 3 store unavailable."})
    static final class Pause extends Change {
        Pause(CliContext context) {
            super(context, true);
        }
    }

    /** {@code loomflow schedules resume NAME}. */
    @Command(name = "resume", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
            description = "Resumes a paused schedule; its missed slots fire as its catch-up policy says.",
            footer = {"", "Examples:", "  loomflow schedules resume nightly-report",
                    "", "Exit codes: 0 resumed, 2 no schedule of that name, 3 store unavailable."})
    static final class Resume extends Change {
        Resume(CliContext context) {
            super(context, false);
        }
    }
}
