package io.loomflow.workers;

import io.loomflow.Flow;
import io.loomflow.store.contract.Postgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The workers and queues a test starts on its class's PostgreSQL schema, closed after the test
 * (workers first, with no grace), so that none outlives it. Not thread-safe; one per test.
 */
final class TestWorkers implements AutoCloseable {

    private final Postgres postgres;
    private final List<AutoCloseable> open = new ArrayList<>();

    TestWorkers(Postgres postgres) {
        this.postgres = postgres;
    }

    /** A builder on the test's schema with a short poll interval, for flows. */
    Worker.Builder builder(Flow<?, ?>... flows) {
        return Worker.builder().database(postgres.url()).flows(flows).pollInterval(Duration.ofMillis(100));
    }

    /** Starts a worker and closes it after the test. */
    Worker start(Worker.Builder builder) {
        Worker worker = builder.build();
        open.add(() -> worker.close(Duration.ZERO));
        return worker.start();
    }

    /** Connects a queue and closes it after the test. */
    WorkQueue queue() {
        WorkQueue queue = WorkQueue.connect(postgres.url());
        open.add(queue);
        return queue;
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable closeable : open.reversed()) {
            if (closeable instanceof WorkQueue) {
                continue;
            }
            closeable.close();
        }
        for (AutoCloseable closeable : open) {
            if (closeable instanceof WorkQueue) {
                closeable.close();
            }
        }
    }
}
