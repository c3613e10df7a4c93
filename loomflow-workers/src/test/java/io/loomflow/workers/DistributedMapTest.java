package io.loomflow.workers;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.loomflow.Flow;
import io.loomflow.MapHandle;
import io.loomflow.Outcome;
import io.loomflow.RunContext;
import io.loomflow.Task;
import io.loomflow.store.RunStore;
import io.loomflow.store.contract.Postgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Distributed maps on real PostgreSQL: the items of a map over a task marked {@code withQueue}, in a
 * queued (durable) run, become queued child runs that every worker with the task takes, each done
 * once; a parent handed back mid-map re-attaches to its children on another worker; a cancelled map
 * cancels its children in the queue.
 *
 * <p>The task writes each item into a table whose key is the item, with the worker that ran it, and
 * counts its executions in this JVM: "done exactly once" is that table holding every item and the
 * count of executions being the number of items.
 */
class DistributedMapTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    private static final String ITEMS_QUEUE = "items";

    private final TestWorkers workers = new TestWorkers(POSTGRES);
    private final AtomicInteger executions = new AtomicInteger();
    /** Items at or above this index wait for {@link #release} before they are done. */
    private volatile int heldFrom = Integer.MAX_VALUE;
    private final CountDownLatch release = new CountDownLatch(1);
    private HikariDataSource pool;

    private final Task<Integer, Long> square = Task.named("square", (Integer item) -> {
        executions.incrementAndGet();
        if (item >= heldFrom) {
            release.await();
        }
        record(item);
        return (long) item * item;
    }).withQueue(ITEMS_QUEUE);

    private final Flow<Integer, Long> sumOfSquares = Flow.named("sum-of-squares", Integer.class,
            count -> square.map(IntStream.range(0, count).boxed().toList()).join().stream()
                    .mapToLong(Long::longValue).sum());

    @BeforeEach
    void createTheTableOfDoneItems() throws SQLException {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(POSTGRES.url());
        config.setMaximumPoolSize(8);
        pool = new HikariDataSource(config);
        RunStore.open(POSTGRES.url()).close(); // creates the queue's tables, as a worker would
        update("DROP TABLE IF EXISTS dm_done");
        update("CREATE TABLE dm_done (item INTEGER PRIMARY KEY, worker TEXT NOT NULL)");
        update("DELETE FROM lf_queue");
    }

    @AfterEach
    void closeWorkers() throws Exception {
        release.countDown();
        workers.close();
        pool.close();
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aMapOfTenThousandItemsOverThreeWorkersDoesEachItemExactlyOnceAndEveryWorkerTakesSome() throws Exception {
        int items = Integer.getInteger("loomflow.distmap.items", 10_000);
        for (String name : List.of("w1", "w2", "w3")) {
            workers.start(workers.builder(sumOfSquares).tasks(square).queues(Submission.DEFAULT_QUEUE, ITEMS_QUEUE)
                    .concurrency(16).name(name));
        }
        WorkQueue queue = workers.queue();
        Instant started = Instant.now();

        long sum = queue.run(sumOfSquares, items, Submission.defaults());

        Duration took = Duration.between(started, Instant.now());
        System.out.println("distributed map of " + items + " items over three workers took " + took);
        assertThat(sum).isEqualTo(IntStream.range(0, items).mapToLong(i -> (long) i * i).sum());
        assertThat(count("SELECT COUNT(*) FROM dm_done")).as("every item is done").isEqualTo(items);
        assertThat(executions).as("each item ran once").hasValue(items);
        assertThat(count("SELECT COUNT(*) FROM lf_queue WHERE kind = 'task'")).as("one queued run per item")
                .isEqualTo(items);
        assertThat(count("SELECT COUNT(*) FROM lf_queue WHERE kind = 'task' AND state = 'completed'"))
                .isEqualTo(items);
        Map<String, Integer> byWorker = byWorker();
        assertThat(byWorker).as("items done by each worker").containsOnlyKeys("w1", "w2", "w3");
        assertThat(byWorker.values()).allSatisfy(done -> assertThat(done).isPositive());
    }

    @Test
    void aParentHandedBackMidMapIsResumedElsewhereAndReattachesToItsChildRunsWithoutSubmittingAnyTwice()
            throws Exception {
        int items = 2_000;
        int held = 10; // fewer than the item worker's slots, which take items in no particular order
        heldFrom = items - held;
        Worker parentWorker = workers.start(workers.builder(sumOfSquares).name("parent-1"));
        workers.start(Worker.builder().database(POSTGRES.url()).tasks(square).queues(ITEMS_QUEUE).concurrency(32)
                .pollInterval(Duration.ofMillis(100)).name("items-1"));
        WorkQueue queue = workers.queue();
        QueuedRun<Long> run = queue.runAsync(sumOfSquares, items, Submission.defaults());
        awaitTrue("the items but the held ones are done", () -> count("SELECT COUNT(*) FROM dm_done") == items - held);
        awaitTrue("every item is submitted", () -> count("SELECT COUNT(*) FROM lf_queue WHERE kind = 'task'") == items);

        parentWorker.close(Duration.ZERO);
        assertThat(stateOf(run)).as("the parent was handed back").isEqualTo("queued");
        assertThat(count("SELECT COUNT(*) FROM lf_queue WHERE kind = 'task' AND state = 'cancelled'"))
                .as("the hand-back cancelled no child").isZero();
        workers.start(workers.builder(sumOfSquares).name("parent-2"));
        awaitTrue("the parent runs again", () -> "running".equals(stateOf(run)) && attemptsOf(run) == 2);
        release.countDown();

        assertThat(run.result().get(60, TimeUnit.SECONDS))
                .isEqualTo(IntStream.range(0, items).mapToLong(i -> (long) i * i).sum());
        assertThat(count("SELECT COUNT(*) FROM lf_queue WHERE kind = 'task'")).as("no item was submitted twice")
                .isEqualTo(items);
        assertThat(count("SELECT COUNT(DISTINCT parent) FROM lf_queue WHERE kind = 'task'")).isEqualTo(1);
        assertThat(count("SELECT COUNT(*) FROM dm_done")).isEqualTo(items);
        assertThat(executions).as("each item ran once, though its parent ran twice").hasValue(items);
    }

    @Test
    void cancellingAMapCancelsItsQueuedChildRuns() throws Exception {
        int items = 200;
        CountDownLatch twoStarted = new CountDownLatch(2);
        Task<Integer, Long> held = Task.named("held", (Integer item) -> {
            twoStarted.countDown();
            release.await();
            return (long) item;
        }).withQueue(ITEMS_QUEUE);
        Flow<Integer, Integer> cancelling = Flow.named("cancelling", Integer.class, count -> {
            MapHandle<Long> map = held.map(IntStream.range(0, count).boxed().toList());
            twoStarted.await();
            map.cancel();
            return (int) map.outcomes().stream().filter(outcome -> outcome instanceof Outcome.Cancelled).count();
        });
        workers.start(workers.builder(cancelling).name("parent"));
        workers.start(Worker.builder().database(POSTGRES.url()).tasks(held).queues(ITEMS_QUEUE).concurrency(2)
                .pollInterval(Duration.ofMillis(100)).leaseExpiry(Duration.ofSeconds(3)).name("items"));
        WorkQueue queue = workers.queue();

        int cancelled = queue.run(cancelling, items, Submission.defaults());

        assertThat(cancelled).as("every item of the map was cancelled").isEqualTo(items);
        awaitTrue("no child run is queued or running",
                () -> count("SELECT COUNT(*) FROM lf_queue WHERE kind = 'task' AND state IN ('queued', 'running')") == 0);
        long children = count("SELECT COUNT(*) FROM lf_queue WHERE kind = 'task'");
        assertThat(children).as("the items submitted before the cancel (the others never became runs)")
                .isBetween(2L, (long) items);
        assertThat(count("SELECT COUNT(*) FROM lf_queue WHERE kind = 'task' AND state = 'cancelled'"))
                .as("every child run was cancelled in the queue").isEqualTo(children);
        assertThat(count("SELECT COUNT(*) FROM lf_queue WHERE kind = 'task' AND started IS NOT NULL"))
                .as("only the two items that had started ran").isEqualTo(2);
    }

    /**
     * Writes the item as done by this worker. Other tests on this machine restart PostgreSQL: a write
     * whose connection broke is retried, and since it may have committed before, a retry does not
     * insist on inserting (a second execution still shows in {@link #executions}).
     */
    private void record(int item) throws SQLException, InterruptedException {
        String engine = RunContext.current().engine().name();
        Instant deadline = Instant.now().plusSeconds(30);
        for (boolean retry = false; ; retry = true) {
            try (Connection connection = pool.getConnection();
                 PreparedStatement statement = connection.prepareStatement("INSERT INTO dm_done (item, worker)"
                         + " VALUES (?, ?)" + (retry ? " ON CONFLICT (item) DO NOTHING" : ""))) {
                statement.setInt(1, item);
                statement.setString(2, engine.substring(engine.lastIndexOf(' ') + 1)); // "worker NAME"
                statement.executeUpdate();
                return;
            } catch (SQLException failed) {
                if (!isOutage(failed) || Instant.now().isAfter(deadline)) {
                    throw failed;
                }
                TimeUnit.MILLISECONDS.sleep(100); // a back-off between reconnections, not a wait for an event
            }
        }
    }

    /** A broken connection or a server shutting down (SQL states 08... and 57P...). */
    private static boolean isOutage(SQLException failed) {
        String state = failed.getSQLState();
        return state == null || state.startsWith("08") || state.startsWith("57P");
    }

    private Map<String, Integer> byWorker() throws SQLException {
        Map<String, Integer> done = new HashMap<>();
        try (Connection connection = pool.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT worker, COUNT(*) FROM dm_done GROUP BY worker")) {
            while (rows.next()) {
                done.put(rows.getString(1), rows.getInt(2));
            }
        }
        return done;
    }

    private void update(String sql) throws SQLException {
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            statement.executeUpdate(sql);
        }
    }

    private long count(String sql) {
        for (int attempt = 1; ; attempt++) {
            try (Connection connection = pool.getConnection();
                 Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery(sql)) {
                rows.next();
                return rows.getLong(1);
            } catch (SQLException failed) {
                if (!isOutage(failed) || attempt == 50) {
                    throw new IllegalStateException(failed);
                }
                try {
                    TimeUnit.MILLISECONDS.sleep(100); // a back-off while PostgreSQL restarts
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(interrupted);
                }
            }
        }
    }

    private String stateOf(QueuedRun<?> run) {
        return column(run, "state");
    }

    private int attemptsOf(QueuedRun<?> run) {
        return Integer.parseInt(column(run, "attempts"));
    }

    private String column(QueuedRun<?> run, String column) {
        count("SELECT 1"); // waits out a restart of PostgreSQL by another test on this machine
        try (Connection connection = pool.getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT " + column + " FROM lf_queue WHERE id = ?")) {
            statement.setObject(1, run.id());
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        } catch (SQLException failed) {
            throw new IllegalStateException(failed);
        }
    }

    /** Polls a condition on the database's rows (there is no event to wait on) until a deadline. */
    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting until " + what);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }
}
