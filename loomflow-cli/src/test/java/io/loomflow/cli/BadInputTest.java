package io.loomflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad input: a clear message on stderr, exit 2, never a stack trace, and nothing recorded. */
class BadInputTest {

    @TempDir
    Path directory;

    private String db() {
        return directory.resolve("history").toString();
    }

    /** Runs the command and checks it was refused as bad input: exit 2, a message on stderr, nothing else. */
    static Command badInput(String... args) {
        Command command = Command.run(args);
        assertThat(command.exitCode()).as(command.toString()).isEqualTo(2);
        assertThat(command.out()).as(command.toString()).isEmpty();
        assertThat(command.err()).as(command.toString()).startsWith("loomflow: ").doesNotContain("\tat ");
        return command;
    }

    @Test
    void anUnknownFlowListsTheKnownOnesAndSuggestsTheClosest() {
        Command command = badInput("run", "gret", "--db", db());

        assertThat(command.err()).isEqualTo("loomflow: unknown flow 'gret'. Did you mean 'greet'? The flows are: boom, doomed, fanout,"
                + " flaky, greet, knobs, many, plain, sleepy, stubborn, tuned, typed, wide (see 'loomflow flows')\n");
    }

    @Test
    void anUnknownFlowFarFromEveryNameGetsNoSuggestion() {
        assertThat(badInput("run", "completely-different", "--db", db()).err())
                .isEqualTo("loomflow: unknown flow 'completely-different'. The flows are: boom, doomed, fanout, flaky, greet,"
                        + " knobs, many, plain, sleepy, stubborn, tuned, typed, wide (see 'loomflow flows')\n");
    }

    @Test
    void badInputIsReportedBeforeTheStoreIsCreated() {
        badInput("run", "gret", "--db", db());
        badInput("run", "greet", "--param", "nmae=x", "--db", db());

        assertThat(Files.exists(directory.resolve("history"))).isFalse();
    }

    @Test
    void aValueOutsideADeclaredConstraintIsOneLineNamingTheParameterTheValueAndTheBound() {
        // knobs declares @Min(1) @Max(1000) int items and @NotBlank @Size(max = 12) @Pattern(...) String slug
        assertThat(badInput("run", "knobs", "-p", "items=-5", "--db", db()).err())
                .isEqualTo("loomflow: flow 'knobs': parameter 'items': must be from 1 to 1000, got -5\n");
        assertThat(badInput("run", "knobs", "-p", "slug=Main", "--db", db()).err())
                .isEqualTo("loomflow: flow 'knobs': parameter 'slug': must match the pattern \"[a-z][a-z0-9]*(-[a-z0-9]+)*\", got \"Main\"\n");
        assertThat(Files.exists(directory.resolve("history"))).isFalse();

        Command flows = Command.run("flows");
        assertThat(flows.exitCode()).as(flows.toString()).isZero();
        assertThat(flows.out()).containsPattern("--param items +a whole number from 1 to 1000")
                .containsPattern("--param slug +text, not blank, at most 12 characters, matching \"")
                .contains(", matching \"[a-z][a-z0-9]*(-[a-z0-9]+)*\"");
    }

    @Test
    void anUnknownParameterListsTheValidOnesAndSuggestsTheClosest() {
        assertThat(badInput("run", "greet", "--param", "nmae=World", "--db", db()).err())
                .contains("  parameter 'nmae' is unknown; did you mean 'name'? the parameters are name (text)\n")
                .contains("  parameter 'name' is required, and was not given (expected text); pass --param name=VALUE\n");
    }

    @Test
    void anUnknownPartOfANestedParameterNamesTheGroupAndItsParts() {
        assertThat(badInput("run", "typed", "--param", "window.form=2026-01-01", "--db", db()).err())
                .contains("  parameter 'window.form' is unknown in Window; did you mean"
                        + " 'window.from'? its parts are window.from (a date such as 2026-01-31), window.length"
                        + " (a duration such as PT30S)\n");
    }

    @Test
    void aMissingRequiredParameterIsNamedWithWhatItExpects() {
        assertThat(badInput("run", "greet", "--db", db()).err())
                .isEqualTo("loomflow: flow 'greet': parameter 'name' is required, and was not given (expected text);"
                        + " pass --param name=VALUE\n");
    }

    @Test
    void severalMissingParametersAreNamedTogetherIncludingNestedOnes() {
        assertThat(badInput("run", "typed", "--param", "count=1", "--db", db()).err())
                .isEqualTo("loomflow: flow 'typed' cannot take these parameters:\n"
                        + "  parameter 'ratio' is required, and was not given (expected a number); pass --param ratio=VALUE\n"
                        + "  parameter 'color' is required, and was not given (expected one of RED, GREEN); pass --param color=VALUE\n"
                        + "  parameter 'window.from' is required, and was not given (expected a date such as 2026-01-31);"
                        + " pass --param window.from=VALUE\n"
                        + "  parameter 'window.length' is required, and was not given (expected a duration such as PT30S);"
                        + " pass --param window.length=VALUE\n");
    }

    @Test
    void aValueThatDoesNotFitNamesTheParameterTheExpectedTypeAndTheValue() {
        assertThat(badInput("run", "many", "--param", "items=lots", "--db", db()).err())
                .isEqualTo("loomflow: flow 'many': parameter 'items': expected a whole number from -2147483648 to 2147483647,"
                        + " got \"lots\"\n");
        assertThat(badInput("run", "typed", "--param", "color=blue", "--db", db()).err())
                .contains("parameter 'color': expected one of RED, GREEN, got \"blue\"\n");
        assertThat(badInput("run", "typed", "--param", "ids=1,two", "--db", db()).err())
                .contains("parameter 'ids[1]': expected a whole number from -2147483648 to 2147483647, got \"two\"\n");
        assertThat(badInput("run", "typed", "--param", "window.from=yesterday", "--db", db()).err())
                .contains("parameter 'window.from': expected a date such as 2026-01-31, got \"yesterday\"\n");
        assertThat(badInput("run", "many", "--param", "items=", "--db", db()).err())
                .isEqualTo("loomflow: flow 'many': parameter 'items': expected a whole number from -2147483648 to"
                        + " 2147483647, got an empty value\n");
    }

    @Test
    void aParameterNotOfTheFormNameEqualsValueShowsTheForm() {
        assertThat(badInput("run", "greet", "--param", "World", "--db", db()).err())
                .contains("\"World\" is not of the form NAME=VALUE, such as name=World\n");
    }

    @Test
    void aSingleValuedParameterGivenTwiceIsRefused() {
        assertThat(badInput("run", "greet", "--param", "name=a", "--param", "name=b", "--db", db()).err())
                .isEqualTo("loomflow: flow 'greet': parameter 'name' was given twice (\"a\" and \"b\"); give it once (only"
                        + " lists take several values)\n");
    }

    @Test
    void parametersForAFlowWithoutAParameterRecordAreRefused() {
        assertThat(badInput("run", "plain", "--param", "x=1", "--db", db()).err())
                .isEqualTo("loomflow: flow 'plain': parameter 'x' is unknown: flow 'plain' takes no parameters; leave it"
                        + " out, or define the flow with Flow.named(name, Params.class, body)\n");
    }

    @Test
    void aGroupGivenAsOneValueAsksForItsParts() {
        assertThat(badInput("run", "typed", "--param", "window=2026", "--db", db()).err())
                .contains("parameter 'window' is a group; give its parts (window.from");
    }

    @Test
    void aStoreGivenAsAFileIsNamedInsteadOfReadAsEmpty() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.writeString(directory.resolve("notes.txt"), "not a store");

        for (String command : List.of("runs", "show", "logs")) {
            List<String> args = new java.util.ArrayList<>(List.of(command));
            if (!command.equals("runs")) {
                args.add("3f2c1b9e-0d4a-4c55-9a51-6b1f1e2d3c4b");
            }
            args.addAll(List.of("--db", file.toString()));
            assertThat(badInput(args.toArray(String[]::new)).err()).as(command)
                    .isEqualTo("loomflow: --db " + file + " is a file; pass the directory that holds the run history"
                            + " (history.mv.db), such as .loomflow, or a jdbc: URL\n");
        }
        assertThat(java.nio.file.Files.readString(file)).isEqualTo("not a store");
    }

    @Test
    void anUnknownCommandSuggestsTheClosest() {
        assertThat(badInput("rnu").err())
                .isEqualTo("loomflow: unknown command 'rnu'. Did you mean 'run'? The commands are: run, runs, show, logs,"
                        + " prune, flows, graph, server, dev, worker, workers, submit, schedules, completion, init, shell, help\nSee 'loomflow --help'.\n");
    }

    @Test
    void anUnknownOptionIsNamedWithWhereToGetHelp() {
        assertThat(badInput("run", "greet", "--parm", "name=x").err())
                .isEqualTo("loomflow: Unknown options: '--parm', 'name=x'\nPossible solutions: --param\n"
                        + "See 'loomflow run --help'.\n");
    }

    @Test
    void aBadProgressModeListsTheModes() {
        assertThat(badInput("run", "greet", "--progress", "fancy").err())
                .contains("expected one of [AUTO, TTY, PLAIN] (case-insensitive) but was 'fancy'");
    }

    @Test
    void aMalformedRunIdShowsWhatARunIdLooksLike() {
        String expected = "loomflow: 'not-a-run' is not a run id; a run id is a UUID such as"
                + " 0194f3c2-7b1e-7c4d-9a8b-2f6e1d0c3b5a, as 'loomflow runs' lists them, the first characters of a root"
                + " run's id (0194f3c2), or 'last'\n";
        assertThat(badInput("show", "not-a-run", "--db", db()).err()).isEqualTo(expected);
        assertThat(badInput("logs", "not-a-run", "--db", db()).err()).isEqualTo(expected);
    }

    @Test
    void anUnknownRunIdNamesTheStoreAndHowToListRuns() {
        Command.run("run", "greet", "--param", "name=x", "--db", db(), "--progress", "plain");
        String unknown = "0194f3c2-7b1e-7c4d-9a8b-2f6e1d0c3b5a";
        String expected = "loomflow: no run " + unknown + " in the run history at " + directory.resolve("history")
                + "; list the runs with 'loomflow runs' (add --all for runs below the roots), or pass the right --db\n";

        assertThat(badInput("show", unknown, "--db", db()).err()).isEqualTo(expected);
        assertThat(badInput("logs", unknown, "--db", db()).err()).isEqualTo(expected);
    }

    @Test
    void anUnknownRunIdInAStoreThatDoesNotExistYetIsStillJustUnknown() {
        assertThat(badInput("show", "0194f3c2-7b1e-7c4d-9a8b-2f6e1d0c3b5a", "--db", db()).err())
                .startsWith("loomflow: no run 0194f3c2-7b1e-7c4d-9a8b-2f6e1d0c3b5a in the run history at");
        assertThat(Files.exists(directory.resolve("history"))).isFalse();
    }

    @Test
    void anUnknownStateNamesTheStates() {
        assertThat(badInput("runs", "--state", "faild", "--db", db()).err())
                .isEqualTo("loomflow: --state 'faild' is not a state. Did you mean 'Failed'? The states are: Scheduled,"
                        + " Pending, Running, Retrying, Completed, Cached, Failed, Cancelled, Crashed\n");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            Runing                      | --state 'Runing' is not a state. Did you mean 'Running'? The states are:
            COMPLETE                    | --state 'COMPLETE' is not a state. Did you mean 'Completed'?
            " "                         | --state ' ' is not a state. The states are: Scheduled,
            Failed'; DROP TABLE lf_run  | --state 'Failed'; DROP TABLE lf_run' is not a state. The states are:
            Unreadable                  | --state 'Unreadable' is not a state. The states are:
            """)
    void anUnknownStateIsRefusedQuotingItWithTheClosestState(String given, String message) {
        assertThat(badInput("runs", "--state", given, "--db", db()).err()).startsWith("loomflow: " + message);
    }

    @Test
    void noCommandAtAllPrintsTheUsage() {
        Command command = Command.run();

        assertThat(command.exitCode()).isEqualTo(2);
        assertThat(command.err()).contains("Usage: loomflow").contains("Exit codes:");
    }
}
