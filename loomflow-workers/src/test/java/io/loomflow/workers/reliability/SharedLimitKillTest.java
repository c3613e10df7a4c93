package io.loomflow.workers.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.store.contract.Postgres;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A cluster-wide limit of 3 across three worker JVMs of concurrency 8, while workers are killed
 * with SIGKILL and started again: never more than 3 tasks inside the limit at once, as the tasks
 * themselves record it (the stay of a task whose process was killed ends at the kill), and every
 * run completes once: the permits of a killed worker come back when their lease expires.
 */
class SharedLimitKillTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    private static final int LIMIT = 3;
    private static final int CONCURRENCY = 8;
    private static final int KILLS = 3;
    private static final int RUNS = 48;

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS) // three JVM restarts and lease expiries on a loaded 2-core machine
    void aSharedLimitOfThreeHoldsAcrossThreeWorkersOfEightAndTheirKills() throws Exception {
        KillSoak.Settings settings = new KillSoak.Settings(POSTGRES.url(), 3, CONCURRENCY, Duration.ofSeconds(2),
                Duration.ofMillis(40), RUNS, KILLS, 16, Duration.ofSeconds(120), LIMIT);
        KillSoak.Report report;
        try (WorkerProcesses processes = new WorkerProcesses(POSTGRES.url(), line -> { })) {
            report = new KillSoak(settings, System.out::println).run(processes);
        }
        System.out.println(report.text());

        assertThat(report.kills()).hasSize(KILLS)
                .allSatisfy(kill -> assertThat(kill.exitStatus()).as("exit status of a SIGKILL").isEqualTo(WorkerProcesses.KILLED));
        assertThat(report.mostInsideLimit()).as("tasks inside the limit at once, across workers and kills")
                .isEqualTo(LIMIT); // never more, and the limit was full at some point
        assertThat(report.lost()).as("runs that did not complete").isEmpty();
        assertThat(report.completed()).isEqualTo(RUNS);
        assertThat(report.duplicated()).as("runs that ended twice or wrote other than five effects").isEmpty();
        assertThat(report.runsHeldAtKills()).as("the kills hit workers that held runs").isPositive();
    }
}
