package io.loomflow.workers;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Task;
import io.loomflow.store.contract.Postgres;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A worker JVM killed with SIGKILL in the middle of a run: its lease (1 s) expires, the leader
 * re-queues the run, and a worker in this JVM finishes it, replaying the task the dead worker had
 * checkpointed.
 */
class LeaseExpiryTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    private final TestWorkers workers = new TestWorkers(POSTGRES);
    private final BlockingQueue<String> childLines = new LinkedBlockingQueue<>();
    private Process child;

    @AfterEach
    void stop() throws Exception {
        if (child != null) {
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        workers.close();
    }

    @Test
    void aRunWhoseWorkerWasKilledIsRequeuedWhenItsLeaseExpiresAndFinishedByAnother() throws Exception {
        child = startChild("doomed");
        assertThat(nextLine()).isEqualTo("READY");
        WorkQueue queue = workers.queue();
        AtomicInteger firsts = new AtomicInteger();
        Task<String, String> first = Task.named("first", (String input) -> {
            firsts.incrementAndGet();
            return input + "+first";
        });
        Task<String, String> stuck = Task.named("stuck", (String input) -> input + "+done");

        QueuedRun<String> run = queue.runAsync(WorkerProgram.pipeline(first, stuck), "job", Submission.defaults());
        assertThat(nextLine()).isEqualTo("FIRST job");
        assertThat(nextLine()).isEqualTo("STUCK job+first");
        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        workers.start(workers.builder(WorkerProgram.pipeline(first, stuck)).name("survivor")
                .leaseExpiry(Duration.ofSeconds(1)));

        assertThat(run.result().get(30, TimeUnit.SECONDS)).isEqualTo("job+first+done");
        assertThat(firsts).as("'first' was checkpointed by the killed worker and replayed here").hasValue(0);
        assertThat(attemptsOf(run.id())).isEqualTo(2);
    }

    private Process startChild(String name) throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), WorkerProgram.class.getName(), POSTGRES.url(), name);
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                lines.lines().forEach(childLines::add);
            } catch (java.io.IOException closed) {
                // the process died
            }
        });
        return process;
    }

    private String nextLine() throws InterruptedException {
        String line = childLines.poll(60, TimeUnit.SECONDS);
        assertThat(line).as("a line from the worker JVM within 60 s").isNotNull();
        return line;
    }

    private static int attemptsOf(UUID run) throws Exception {
        try (Connection connection = POSTGRES.connect();
             PreparedStatement statement = connection.prepareStatement("SELECT attempts FROM lf_queue WHERE id = ?")) {
            statement.setObject(1, run);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }
}
