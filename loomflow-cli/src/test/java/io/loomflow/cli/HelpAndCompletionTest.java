package io.loomflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.State;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Every command explains itself with an example; completion and version work. */
class HelpAndCompletionTest {

    @ParameterizedTest
    @ValueSource(strings = {"run", "runs", "show", "logs", "prune", "flows", "graph", "server", "dev", "worker", "workers", "submit",
            "schedules", "completion", "shell"})
    void everyCommandsHelpShowsItsUsageAndAnExample(String name) {
        Command command = Command.run(name, "--help");

        assertThat(command.exitCode()).as(command.toString()).isZero();
        assertThat(command.out()).startsWith("Usage: loomflow " + name).contains("Examples:\n  " + (name.equals("completion")
                ? "source <(loomflow completion)" : "loomflow " + name));
    }

    @Test
    void theTopCommandsHelpListsTheCommandsAnExampleAndTheExitCodes() {
        Command command = Command.run("--help");

        assertThat(command.exitCode()).isZero();
        assertThat(command.out()).contains("  run ", "  runs ", "  show ", "  logs ", "  prune ", "  flows ", "  graph ", "  server ", "  dev ", "  worker ",
                        "  workers ", "  submit ", "  schedules ", "  completion ", "  shell ")
                .contains("loomflow run hello --param name=World")
                .contains("Exit codes:\n  0  success\n  1  the run failed or was cancelled; prune could not write the store\n  2  bad usage or bad input");
    }

    @Test
    void helpAsACommandPrintsTheTopUsageOrACommandsUsage() {
        Command top = Command.run("help");
        Command run = Command.run("help", "run");

        assertThat(top.exitCode()).as(top.toString()).isZero();
        assertThat(top.out()).isEqualTo(Command.run("--help").out()).contains("  help ");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).startsWith("Usage: loomflow run").isEqualTo(Command.run("run", "--help").out());
        assertThat(run.err()).isEmpty();
    }

    @Test
    void helpForACommandThatDoesNotExistNamesItAndExitsTwo() {
        Command command = Command.run("help", "rnu");

        assertThat(command.exitCode()).as(command.toString()).isEqualTo(2);
        assertThat(command.out()).isEmpty();
        assertThat(command.err()).contains("'rnu'").doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void versionNamesTheBuiltVersion() {
        Command command = Command.run("--version");

        assertThat(command.exitCode()).isZero();
        assertThat(command.out()).matches("loomflow 0\\.1\\.0-SNAPSHOT on Java 25.*\n");
    }

    @Test
    void completionPrintsABashAndZshScriptForEveryCommandAndOption() {
        Command command = Command.run("completion");

        assertThat(command.exitCode()).as(command.toString()).isZero();
        assertThat(command.out()).startsWith("#!/usr/bin/env bash")
                .contains("complete -F _complete_loomflow -o default loomflow")
                .contains("zsh")
                .contains("run runs show logs prune flows graph server dev worker workers submit schedules completion")
                .contains("--param").contains("--db").contains("--follow").contains("--progress")
                .contains("--token").contains("--insecure").contains("--grace")
                .contains("--older-than").contains("--keep").contains("--dry-run").contains("--map").contains("--after");
    }

    @Test
    void theStatesOfRunsStateAreCoresKindsInHelpAndCompletion() {
        String states = String.join(", ", State.Kind.labels());
        assertThat(Command.run("runs", "--help").out().replaceAll("\\s+", " "))
                .contains("Only runs in this state, in any case: " + states + ".");
        assertThat(Command.run("completion").out()).contains("local STATE_option_args=(\""
                + String.join("\" \"", State.Kind.labels()) + "\") # --state values");
    }
}
