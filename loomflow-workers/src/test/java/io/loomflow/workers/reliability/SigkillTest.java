package io.loomflow.workers.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.store.contract.Postgres;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three worker JVMs take 90 runs of five checkpointed tasks while one of them, at random, is killed
 * with SIGKILL and started again five times: every run completes exactly once, and only the tasks
 * in flight at a kill run again.
 */
class SigkillTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    private static final int CONCURRENCY = 4;
    private static final int KILLS = 5;
    private static final int RUNS = 90;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS) // five JVM restarts and lease expiries on a loaded 2-core machine
    void workersKilledWithSigkillLoseNoRunCompleteNoneTwiceAndRepeatOnlyTasksInFlight() throws Exception {
        KillSoak.Settings settings = new KillSoak.Settings(POSTGRES.url(), 3, CONCURRENCY, Duration.ofSeconds(2),
                Duration.ofMillis(150), RUNS, KILLS, 15, Duration.ofSeconds(90));
        KillSoak.Report report;
        try (WorkerProcesses processes = new WorkerProcesses(POSTGRES.url(), line -> { })) {
            report = new KillSoak(settings, System.out::println).run(processes);
        }
        System.out.println(report.text());

        assertThat(report.kills()).hasSize(KILLS)
                .allSatisfy(kill -> assertThat(kill.exitStatus()).as("exit status of a SIGKILL").isEqualTo(WorkerProcesses.KILLED));
        assertThat(report.lost()).as("runs that did not complete").isEmpty();
        assertThat(report.completed()).isEqualTo(RUNS);
        assertThat(report.duplicated()).as("runs that ended twice or wrote other than five effects").isEmpty();
        assertThat(report.unexplained()).as("tasks that ran again without having been in flight at a kill").isEmpty();
        assertThat(report.reexecutions()).as("re-executed tasks").isLessThanOrEqualTo(KILLS * CONCURRENCY);
        assertThat(report.runsHeldAtKills()).as("the kills hit workers that held runs").isPositive();
        assertThat(report.takeovers()).as("every run a killed worker held ran elsewhere").hasSize(report.runsHeldAtKills());
    }
}
