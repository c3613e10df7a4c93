package io.loomflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loomflow.store.contract.Postgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code loomflow worker} in this JVM (Main.run on a thread, interrupted to stop) serving the test
 * flows from the real PostgreSQL; {@code submit} and {@code workers} from other Main.run calls.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkerCommandTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    private static final ByteArrayOutputStream OUT = new ByteArrayOutputStream(); // its methods are synchronized
    private static final ByteArrayOutputStream ERR = new ByteArrayOutputStream();
    private static final AtomicInteger EXIT_CODE = new AtomicInteger(-1);
    private static Thread worker;

    @BeforeAll
    static void startAWorker() {
        worker = Thread.ofPlatform().name("loomflow-worker-command").daemon(true).start(() -> {
            try (PrintStream out = new PrintStream(OUT, true, StandardCharsets.UTF_8);
                 PrintStream err = new PrintStream(ERR, true, StandardCharsets.UTF_8)) {
                EXIT_CODE.set(Main.run(new String[] {"worker", "--db", POSTGRES.url(), "--name", "w1", "--concurrency", "4",
                        "--grace", "5s"}, out, err));
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> workerOut().contains("Ctrl-C to stop") || !worker.isAlive());
        assertThat(worker.isAlive()).as("still serving; out: " + workerOut() + "; err: " + ERR).isTrue();
    }

    @AfterAll
    static void stopTheWorker() throws InterruptedException {
        worker.interrupt();
        worker.join(Duration.ofSeconds(30));
    }

    private static String workerOut() {
        return OUT.toString(StandardCharsets.UTF_8);
    }

    @Test
    @Order(1)
    void theWorkerSaysWhatItServesInOneLine() {
        assertThat(workerOut().lines().findFirst()).get().asString()
                .startsWith("worker w1 serves queue default with ")
                .contains("greet", "boom", "sleepy")
                .endsWith("concurrency 4; Ctrl-C to stop");
    }

    @Test
    @Order(2)
    void submitWithWaitPrintsTheRunIdAtOnceThenTheResultTheWorkerComputed() {
        Command submit = Command.run("submit", "greet", "-p", "name=Queue", "--db", POSTGRES.url(), "--wait", "--output",
                "text");

        assertThat(submit.exitCode()).as(submit.toString()).isZero();
        List<String> lines = submit.out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.getFirst()).matches("[0-9a-f-]{36}");
        assertThat(lines.get(1)).isEqualTo("\"Hello, Queue!\"");
        String id = lines.getFirst();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(workerOut())
                .containsPattern("claimed  greet  " + id)
                .containsPattern("ended    greet  " + id + "  Completed in "));

        // stdout no terminal, no --output: the result alone on stdout, the id on stderr
        Command piped = Command.run("submit", "greet", "-p", "name=Pipe", "--db", POSTGRES.url(), "--wait");
        assertThat(piped.exitCode()).as(piped.toString()).isZero();
        assertThat(piped.out()).isEqualTo("\"Hello, Pipe!\"\n");
        assertThat(piped.err()).matches("[0-9a-f-]{36}\n");
    }

    @Test
    @Order(3)
    void submitWithWaitExitsOneWithTheErrorOfAFailedRunInOneLine() {
        Command submit = Command.run("submit", "boom", "-p", "name=x", "--db", POSTGRES.url(), "--wait");

        assertThat(submit.exitCode()).as(submit.toString()).isEqualTo(1);
        assertThat(submit.out()).isEmpty();
        assertThat(submit.err()).matches("[0-9a-f-]{36}\nloomflow: run [0-9a-f-]{36} of flow 'boom' failed: .*DiskFullException:"
                + " block 7 could not be written\n");
    }

    @Test
    @Order(4)
    void submittingAFlowNoWorkerRunsExitsTwoListingTheFlowsTheWorkersRun() {
        Command submit = Command.run("submit", "nope", "--db", POSTGRES.url());

        assertThat(submit.exitCode()).as(submit.toString()).isEqualTo(2);
        assertThat(submit.out()).isEmpty();
        assertThat(submit.err()).contains("'nope'", "greet (queue default)", "sleepy (queue default)");
    }

    @Test
    @Order(5)
    void workersListsTheWorkerAliveWithItsFlowsAndTheQueues() {
        Command workers = Command.run("workers", "--db", POSTGRES.url());

        assertThat(workers.exitCode()).as(workers.toString()).isZero();
        List<String> lines = workers.out().lines().toList();
        assertThat(lines.getFirst()).startsWith("WORKER").contains("HOST/PID", "STATE", "HEARTBEAT", "IN FLIGHT",
                "CONCURRENCY", "QUEUES", "FLOWS");
        assertThat(lines.get(1)).startsWith("w1  ").contains("  alive  ", " ago ", "  default  ").contains("greet");
    }

    @Test
    @Order(6)
    void workersJsonParsesWithTheSameFacts() throws Exception {
        Command workers = Command.run("workers", "--db", POSTGRES.url(), "--json");

        assertThat(workers.exitCode()).as(workers.toString()).isZero();
        JsonNode document = new ObjectMapper().readTree(workers.out());
        JsonNode w1 = document.path("workers").get(0);
        assertThat(w1.path("name").asText()).isEqualTo("w1");
        assertThat(w1.path("alive").asBoolean()).isTrue();
        assertThat(w1.path("concurrency").asInt()).isEqualTo(4);
        assertThat(w1.path("flows").toString()).contains("\"greet\"");
        assertThat(document.path("queues").isArray()).isTrue();
    }

    @Test
    @Order(7)
    void submitWithAKeyGivesTheSameRunTwice() {
        Command first = Command.run("submit", "greet", "-p", "name=Once", "--key", "once", "--db", POSTGRES.url());
        Command second = Command.run("submit", "greet", "-p", "name=Once", "--key", "once", "--db", POSTGRES.url());

        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(second.out()).isEqualTo(first.out());
        assertThat(second.err()).contains("idempotency key 'once' was queued before");
    }

    @Test
    @Order(7)
    void submitRecordsHowOftenTheRunMayBeRecovered() throws Exception {
        Command submitted = Command.run("submit", "greet", "-p", "name=Rare", "--max-recoveries", "2", "--db",
                POSTGRES.url());
        assertThat(submitted.exitCode()).as(submitted.toString()).isZero();
        try (java.sql.Connection connection = POSTGRES.connect();
             java.sql.PreparedStatement statement = connection.prepareStatement(
                     "SELECT max_recoveries FROM lf_queue WHERE id = ?")) {
            statement.setObject(1, java.util.UUID.fromString(submitted.out().strip()));
            try (java.sql.ResultSet rows = statement.executeQuery()) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getInt(1)).isEqualTo(2);
            }
        }
    }

    @Test
    @Order(8)
    void interruptedTheWorkerStopsAndExitsZero() throws InterruptedException {
        worker.interrupt();
        worker.join(Duration.ofSeconds(30));

        assertThat(worker.isAlive()).isFalse();
        assertThat(EXIT_CODE.get()).as("err: " + ERR).isZero();
        assertThat(workerOut()).endsWith("worker w1 stopped\n");
    }
}
