package io.loomflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.store.contract.Postgres;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** run, runs, show and logs against the real PostgreSQL on loopback, in a schema of this class's own. */
class PostgresRoundTripTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    @Test
    void aRunRecordedInPostgresqlIsListedShownAndItsLogsRead() {
        Command run = Command.run("run", "greet", "--param", "name=Postgres", "--db", POSTGRES.url(), "--progress", "plain");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).endsWith("\"Hello, Postgres!\"\n");
        String id = run.runId();

        Command runs = Command.run("runs", "--flow", "greet", "--db", POSTGRES.url());
        assertThat(runs.exitCode()).as(runs.toString()).isZero();
        List<String> lines = runs.out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).startsWith(id + "  greet  Completed  ");

        Command show = Command.run("show", id, "--db", POSTGRES.url());
        assertThat(show.out().lines()).hasSize(4).last().asString().startsWith("  say  Completed  ");

        Command logs = Command.run("logs", id, "--db", POSTGRES.url());
        assertThat(logs.out()).contains("say ").contains("greeting Postgres");
    }

    @Test
    void aFailedRunInPostgresqlIsFoundByItsState() {
        Command run = Command.run("run", "boom", "--param", "name=x", "--db", POSTGRES.url(), "--progress", "plain");
        assertThat(run.exitCode()).isEqualTo(1);

        Command failed = Command.run("runs", "--state", "Failed", "--db", POSTGRES.url());
        assertThat(failed.out().lines().skip(1)).singleElement().asString().startsWith(run.runId() + "  boom  Failed");
    }
}
