package io.loomflow.workers;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Flow;
import io.loomflow.Task;
import io.loomflow.store.contract.Postgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A worker closed while a run is going hands it back at once: another worker finishes it, skipping
 * the tasks the first one had completed (their checkpoints), and the first one is fenced out.
 */
class HandBackTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    private final AtomicInteger fetches = new AtomicInteger();
    private final AtomicInteger parses = new AtomicInteger();
    private final AtomicInteger stores = new AtomicInteger();
    private final CountDownLatch storing = new CountDownLatch(1);
    private final CountDownLatch never = new CountDownLatch(1);
    private final Task<String, String> fetch = Task.named("fetch", (String url) -> {
        fetches.incrementAndGet();
        return "<" + url + ">";
    });
    private final Task<String, Integer> parse = Task.named("parse", (String page) -> {
        parses.incrementAndGet();
        return page.length();
    });
    /** The first execution blocks until it is cancelled; later ones store at once. */
    private final Task<Integer, String> store = Task.named("store", (Integer size) -> {
        if (stores.incrementAndGet() == 1) {
            storing.countDown();
            never.await();
        }
        return "stored " + size;
    });
    private final Flow<String, String> ingest = Flow.named("ingest", String.class,
            url -> store.call(parse.call(fetch.call(url))));
    private final TestWorkers workers = new TestWorkers(POSTGRES);

    @AfterEach
    void closeWorkers() throws Exception {
        workers.close();
    }

    @Test
    void aClosedWorkerHandsItsRunBackAndAnotherFinishesItWithoutRepeatingCompletedTasks() throws Exception {
        Worker first = workers.start(workers.builder(ingest).name("first"));
        WorkQueue queue = workers.queue();
        QueuedRun<String> run = queue.runAsync(ingest, "example.org", Submission.defaults());
        assertThat(storing.await(30, TimeUnit.SECONDS)).as("the first worker reached the third task").isTrue();

        first.close(Duration.ZERO);
        assertThat(stateOf(run.id())).isEqualTo("queued");
        workers.start(workers.builder(ingest).name("second"));

        assertThat(run.result().get(30, TimeUnit.SECONDS)).isEqualTo("stored 13");
        assertThat(fetches).as("fetch ran once: replayed from its checkpoint").hasValue(1);
        assertThat(parses).as("parse ran once: replayed from its checkpoint").hasValue(1);
        assertThat(stores).as("store was in flight at the hand-back, so it ran again").hasValue(2);
        assertThat(attemptsOf(run.id())).isEqualTo(2);
    }

    private static String stateOf(UUID run) throws Exception {
        return column(run, "state");
    }

    private static int attemptsOf(UUID run) throws Exception {
        return Integer.parseInt(column(run, "attempts"));
    }

    private static String column(UUID run, String column) throws Exception {
        try (Connection connection = POSTGRES.connect();
             PreparedStatement statement = connection.prepareStatement("SELECT " + column + " FROM lf_queue WHERE id = ?")) {
            statement.setObject(1, run);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        }
    }
}
