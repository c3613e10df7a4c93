package io.loomflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The commands of workers refuse a database that is not PostgreSQL and bad values with exit 2 and
 * one line naming the value with an example, before anything is opened.
 */
class WorkerBadInputTest {

    private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    private static void refused(Command command, String... said) {
        assertThat(command.exitCode()).as(command.toString()).isEqualTo(2);
        assertThat(command.out()).isEmpty();
        assertThat(command.err().lines()).as(command.toString()).hasSize(1);
        assertThat(command.err()).startsWith("loomflow: ").contains(said);
    }

    @Test
    void aWorkerOnTheEmbeddedStoreIsToldWorkersNeedPostgresqlWithAnExampleUrl() {
        refused(Command.run("worker", "--db", ".loomflow"), "--db .loomflow is the embedded store's directory",
                "workers need PostgreSQL", "pass --db jdbc:postgresql://localhost:5432/");
    }

    @Test
    void aWorkerOnAnH2UrlIsToldWorkersNeedPostgresql() {
        refused(Command.run("worker", "--db", "jdbc:h2:file:/tmp/x;password=hidden"), "is an H2 database",
                "workers need PostgreSQL", "jdbc:postgresql://", "password=***");
    }

    @Test
    void submitAndWorkersNeedPostgresqlToo() {
        refused(Command.run("submit", "greet", "--db", "history"), "workers need PostgreSQL");
        refused(Command.run("workers", "--db", "jdbc:h2:mem:x"), "workers need PostgreSQL");
        refused(Command.run("server", "--workers", "--db", "history"), "workers need PostgreSQL");
    }

    @Test
    void aConcurrencyOfZeroIsNamedWithAnExample() {
        refused(Command.run("worker", "--db", POSTGRES, "--concurrency", "0"), "--concurrency 0 is out of range",
                "--concurrency 8");
    }

    @Test
    void aLeaseThatIsNoDurationIsNamedWithAnExample() {
        refused(Command.run("worker", "--db", POSTGRES, "--lease", "abc"), "--lease 'abc' is not a duration",
                "--lease 30s");
        refused(Command.run("worker", "--db", POSTGRES, "--lease", "2h"), "--lease 2h is out of range");
        refused(Command.run("worker", "--db", POSTGRES, "--grace", "-1s"), "--grace '-1s' is not a duration");
    }

    @Test
    void anEmptyQueueNameIsNamedWithAnExample() {
        refused(Command.run("worker", "--db", POSTGRES, "--queue", ""), "--queue '' is not a queue name",
                "--queue default");
        refused(Command.run("submit", "greet", "--db", POSTGRES, "--queue", " "), "--queue ' ' is not a queue name");
    }

    @Test
    void submitRefusesATimeThatIsNoInstantAndAPairWithoutAName() {
        refused(Command.run("submit", "greet", "--db", POSTGRES, "--not-before", "tomorrow"),
                "--not-before 'tomorrow' is not a time", "2026-01-31T12:00:00Z", "+10m");
        refused(Command.run("submit", "greet", "--db", POSTGRES, "-p", "World"), "--param 'World' is not NAME=VALUE");
    }

    @Test
    void submitChecksTheParametersOfAFlowItFindsBeforeQueueingAnything() {
        // knobs (on this command's class path) declares @Min(1) @Max(1000) int items; the database is not
        // even reached: the check comes first
        refused(Command.run("submit", "knobs", "-p", "items=-5", "--db",
                        "jdbc:postgresql://127.0.0.1:1/nowhere?user=postgres"),
                "flow 'knobs': parameter 'items': must be from 1 to 1000, got -5");
    }

    @Test
    void submitRefusesRecoveriesOutOfRange() {
        refused(Command.run("submit", "greet", "--db", POSTGRES, "--max-recoveries", "1001"),
                "--max-recoveries 1001 is out of range", "0 to 1000", "--max-recoveries 3");
        refused(Command.run("submit", "greet", "--db", POSTGRES, "--max-recoveries", "-1"),
                "--max-recoveries -1 is out of range");
    }
}
