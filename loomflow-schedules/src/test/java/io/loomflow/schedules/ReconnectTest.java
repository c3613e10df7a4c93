package io.loomflow.schedules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.ManualTimeSource;
import io.loomflow.store.contract.Postgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A scheduler whose database connection is dropped (an administrator's {@code pg_terminate_backend},
 * as a database restart or a failover does) fires again on a new connection: at most the tick that
 * found it broken fails.
 */
class ReconnectTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");

    record Report(String region) {
    }

    private final Flow<Report, String> report = Flow.named("report", Report.class, Report::region);

    /** Drops every connection the scheduler has open; returns how many there were. */
    private static int terminate(String application) throws Exception {
        try (Connection admin = DriverManager.getConnection(POSTGRES.url());
             Statement statement = admin.createStatement();
             ResultSet rows = statement.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                     + " WHERE application_name = '" + application + "'")) {
            int terminated = 0;
            while (rows.next()) {
                terminated++;
            }
            return terminated;
        }
    }

    /** Ticks until a tick fires something, at most three times: a tick that finds the connection broken fails. */
    private static List<Slot> tickUntilFired(Scheduler scheduler, List<String> failures) {
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                List<Slot> fired = scheduler.tick().getOrDefault("minutely", List.of());
                if (!fired.isEmpty()) {
                    return fired;
                }
            } catch (IllegalStateException broken) {
                failures.add(broken.getMessage());
            }
        }
        return List.of();
    }

    @Test
    void aSchedulerWhoseConnectionWasDroppedFiresAgainOnANewOne() throws Exception {
        String application = "reconnect-test";
        String url = POSTGRES.url() + "&ApplicationName=" + application;
        ManualTimeSource clock = ManualTimeSource.startingAt(T0);
        Schedule minutely = Schedule.cron("minutely", "report", "* * * * *").withParameters(Map.of("region", "emea"))
                .withMaxActive(100);
        try (Engine engine = Engine.builder().build();
             Scheduler scheduler = Scheduler.builder().database(url).schedules(minutely).engine(engine, report)
                     .clock(clock).build()) {
            assertThat(scheduler.tick().get("minutely")).extracting(Slot::key).containsExactly("2026-06-01T00:00");

            assertThat(terminate(application)).as("the scheduler's connections dropped").isPositive();
            clock.advance(Duration.ofMinutes(1));
            List<String> failures = new ArrayList<>();
            assertThat(tickUntilFired(scheduler, failures)).as("failed ticks: " + failures)
                    .extracting(Slot::key).containsExactly("2026-06-01T00:01");
            assertThat(failures).hasSizeLessThanOrEqualTo(1);

            clock.advance(Duration.ofMinutes(1));
            assertThat(scheduler.tick().get("minutely")).extracting(Slot::key).containsExactly("2026-06-01T00:02");

            scheduler.close();
            clock.advance(Duration.ofMinutes(1));
            assertThatThrownBy(scheduler::tick).as("a closed scheduler never connects again")
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("was closed");
        }
    }
}
