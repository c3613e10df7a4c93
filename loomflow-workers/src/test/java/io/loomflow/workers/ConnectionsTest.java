package io.loomflow.workers;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Flow;
import io.loomflow.Task;
import io.loomflow.store.contract.Postgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a worker costs the database in connections, which bounds how many workers one PostgreSQL
 * serves: one listening connection whatever it follows (new runs, ended child runs, freed slots of
 * shared limits), and pools bounded by the README's figures.
 */
class ConnectionsTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    private final TestWorkers workers = new TestWorkers(POSTGRES);

    @AfterEach
    void closeWorkers() throws Exception {
        workers.close();
    }

    @Test
    void aWorkerFollowsEveryChannelOnOneListeningConnection() throws Exception {
        Task<Integer, Integer> twice = Task.named("twice", (Integer i) -> i * 2).withQueue("items").withLimit("gpu");
        Flow<Integer, Integer> sum = Flow.named("sum", Integer.class,
                n -> twice.map(List.of(1, 2, 3, 4).subList(0, n)).join().stream().mapToInt(Integer::intValue).sum());
        workers.start(workers.builder(sum).name("busy").tasks(twice).queues("default", "items").concurrency(32)
                .sharedLimit("gpu", 2));
        WorkQueue queue = workers.queue();

        // Each channel works: the run is claimed on a notification, its items end and free their slots.
        assertThat(queue.runAsync(sum, 4, Submission.defaults()).result().get(60, TimeUnit.SECONDS)).isEqualTo(20);

        try (Connection connection = POSTGRES.connect();
             PreparedStatement statement = connection.prepareStatement("""
                     SELECT count(*) FILTER (WHERE application_name = 'loomflow-worker-busy-listen'),
                            count(*) FILTER (WHERE application_name LIKE 'loomflow-worker-busy%')
                     FROM pg_stat_activity""");
             ResultSet rows = statement.executeQuery()) {
            rows.next();
            assertThat(rows.getInt(1)).as("listening connections of the worker").isEqualTo(1);
            assertThat(rows.getInt(2)).as("connections of the worker's queue pool and listener")
                    .isLessThanOrEqualTo(16 + 4 + 1);
        }
    }
}
