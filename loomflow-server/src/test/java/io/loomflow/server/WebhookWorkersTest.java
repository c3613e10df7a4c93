package io.loomflow.server;

import static io.loomflow.server.WebhookTest.SECRET;
import static io.loomflow.server.WebhookTest.deliver;
import static io.loomflow.server.WebhookTest.json;
import static io.loomflow.server.WebhookTest.now;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomflow.Flow;
import io.loomflow.server.WebhookTest.Order;
import io.loomflow.store.RunStore;
import io.loomflow.store.contract.Postgres;
import io.loomflow.workers.WorkQueue;
import io.loomflow.workers.Worker;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Signed webhooks to servers that run with workers (issue 19): a delivery is queued on PostgreSQL under the
 * idempotency key {@code webhook:FLOW:ID} and run once by a real {@link Worker}, however often and to however
 * many servers it is sent; what is refused queues nothing; and a delivery the queue could not take is not
 * remembered, so that the sender's retry is taken.
 */
class WebhookWorkersTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    /** The orders the worker ran, as it received them. */
    private final ConcurrentLinkedQueue<Order> ran = new ConcurrentLinkedQueue<>();
    private final Flow<Order, String> order = Flow.named("order", Order.class, given -> {
        ran.add(given);
        return given.customer() + " x" + given.quantity();
    });

    private Worker worker(Flow<?, ?> runs) {
        return Worker.builder().database(POSTGRES.url()).flows(runs).gracePeriod(Duration.ofSeconds(5)).build().start();
    }

    private LoomflowServer server(WorkQueue queue, Duration tolerance) {
        return LoomflowServer.builder().flow(order).store(RunStore.open(POSTGRES.url())).queue(queue).port(0)
                .webhook("order", SECRET).webhookTolerance(tolerance).build().start();
    }

    @Test
    void aDeliveryIsQueuedUnderItsKeyRunOnceByAWorkerAndTakenOnceAcrossTwoServers() throws SQLException {
        try (Worker worker = worker(order);
             WorkQueue queueOne = WorkQueue.connect(POSTGRES.url());
             WorkQueue queueTwo = WorkQueue.connect(POSTGRES.url());
             LoomflowServer one = server(queueOne, Duration.ofMinutes(5));
             LoomflowServer two = server(queueTwo, Duration.ofMinutes(5))) {
            String delivery = "msg_" + UUID.randomUUID();
            String body = "{\"customer\":\"ada\",\"quantity\":3}";
            long at = now();

            RawHttp.Response started = deliver(one, "order", SECRET, delivery, at, body);
            assertThat(started.status()).as(started.body()).isEqualTo(202);
            String id = json(started.body()).path("id").asText();
            assertThat(queued(delivery)).as("queued under webhook:order:ID").containsExactly(id);

            JsonNode run = new Http(one.uri()).awaitEnd(id);
            assertThat(run.path("state").asText()).isEqualTo("Completed");
            assertThat(run.path("result").asText()).isEqualTo("ada x3");
            assertThat(queueRow(id)).as("ended by the worker, not the server").isEqualTo("completed by " + worker.id());

            // sent again, to the same server and to the other one on the same database: 409, nothing new queued
            for (LoomflowServer to : List.of(one, two)) {
                RawHttp.Response again = deliver(to, "order", SECRET, delivery, at, body);
                assertThat(again.status()).as(again.body()).isEqualTo(409);
                JsonNode refusal = json(again.body());
                assertThat(refusal.path("error").asText()).contains(delivery, "received already");
                assertThat(refusal.path("delivery").asText()).isEqualTo(delivery);
                assertThat(again.body()).doesNotContain("\"ada\"");
            }
            assertThat(queued(delivery)).containsExactly(id);
            assertThat(ordersQueued("ada")).isEqualTo(1);
            assertThat(ran).containsExactly(new Order("ada", 3));
        }
    }

    @Test
    void aWrongSignatureAndAnOldOrReplayedTimestampAreRefusedAndQueueNothing() throws SQLException {
        Duration tolerance = Duration.ofSeconds(2);
        try (Worker worker = worker(order);
             WorkQueue queue = WorkQueue.connect(POSTGRES.url());
             LoomflowServer server = server(queue, tolerance)) {
            String body = "{\"customer\":\"eve\",\"quantity\":2}";
            String wrong = "msg_" + UUID.randomUUID();
            assertSignatureRefused(deliver(server, "order", "a-wrong-secret-of-thirty-two-bytes!!", wrong, now(), body));
            String old = "msg_" + UUID.randomUUID();
            assertSignatureRefused(deliver(server, "order", SECRET, old, now() - 60, body));
            assertThat(queued(wrong)).isEmpty();
            assertThat(queued(old)).isEmpty();

            // a good delivery, captured and sent again once its timestamp is out of the tolerance
            String captured = "msg_" + UUID.randomUUID();
            long at = now();
            RawHttp.Response first = deliver(server, "order", SECRET, captured, at, body);
            assertThat(first.status()).as(first.body()).isEqualTo(202);
            new Http(server.uri()).awaitEnd(json(first.body()).path("id").asText());
            Instant outOfTolerance = Instant.ofEpochSecond(at).plus(tolerance).plusSeconds(1);
            await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(outOfTolerance));
            assertSignatureRefused(deliver(server, "order", SECRET, captured, at, body));

            assertThat(queued(captured)).hasSize(1);
            assertThat(ordersQueued("eve")).isEqualTo(1);
            assertThat(ran).containsExactly(new Order("eve", 2));
        }
    }

    @Test
    void duplicatesPostedAtOnceQueueExactlyOneRun() throws Exception {
        int senders = 8;
        try (Worker worker = worker(order);
             WorkQueue queueOne = WorkQueue.connect(POSTGRES.url());
             WorkQueue queueTwo = WorkQueue.connect(POSTGRES.url());
             LoomflowServer one = server(queueOne, Duration.ofMinutes(5));
             LoomflowServer two = server(queueTwo, Duration.ofMinutes(5));
             ExecutorService pool = Executors.newFixedThreadPool(senders)) {
            String delivery = "msg_" + UUID.randomUUID();
            String body = "{\"customer\":\"many\",\"quantity\":8}";
            long at = now();
            CyclicBarrier together = new CyclicBarrier(senders);
            List<Future<RawHttp.Response>> sent = new ArrayList<>();
            for (int i = 0; i < senders; i++) {
                LoomflowServer to = i % 2 == 0 ? one : two;
                sent.add(pool.submit(() -> {
                    together.await();
                    return deliver(to, "order", SECRET, delivery, at, body);
                }));
            }
            List<String> accepted = new ArrayList<>();
            int refused = 0;
            for (Future<RawHttp.Response> each : sent) {
                RawHttp.Response answer = each.get();
                if (answer.status() == 202) {
                    accepted.add(json(answer.body()).path("id").asText());
                } else {
                    assertThat(answer.status()).as(answer.body()).isEqualTo(409);
                    assertThat(json(answer.body()).path("error").asText()).contains(delivery, "received already");
                    refused++;
                }
            }
            assertThat(accepted).hasSize(1);
            assertThat(refused).isEqualTo(senders - 1);
            assertThat(queued(delivery)).containsExactlyElementsOf(accepted);
            assertThat(ordersQueued("many")).isEqualTo(1);
            JsonNode run = new Http(one.uri()).awaitEnd(accepted.getFirst());
            assertThat(run.path("result").asText()).isEqualTo("many x8");
            assertThat(ran).containsExactly(new Order("many", 8));
        }
    }

    @Test
    void aDeliveryTheQueueRefusedIsNotRememberedSoItsRetryIsTaken() throws SQLException {
        Flow<Order, String> another = Flow.named("another", Order.class, given -> "not an order");
        String delivery = "msg_" + UUID.randomUUID();
        String body = "{\"customer\":\"retry\",\"quantity\":1}";
        long at = now();
        try (WorkQueue queue = WorkQueue.connect(POSTGRES.url());
             LoomflowServer server = server(queue, Duration.ofMinutes(5))) {
            try (Worker elsewhere = worker(another)) {
                // no live worker runs 'order': the queue refuses it, and the sender is told to try again
                RawHttp.Response refused = deliver(server, "order", SECRET, delivery, at, body);
                assertThat(refused.status()).as(refused.body()).isEqualTo(409);
                assertThat(json(refused.body()).path("error").asText()).contains("'order'", "another")
                        .doesNotContain("received already");
                assertThat(queued(delivery)).isEmpty();
            }

            try (Worker worker = worker(order)) {
                // the sender's retry: the same delivery, signed the same, once a worker runs the flow
                RawHttp.Response retried = deliver(server, "order", SECRET, delivery, at, body);
                assertThat(retried.status()).as("a refused delivery must not block its retry: " + retried.body())
                        .isEqualTo(202);
                String id = json(retried.body()).path("id").asText();
                assertThat(queued(delivery)).containsExactly(id);
                assertThat(new Http(server.uri()).awaitEnd(id).path("result").asText()).isEqualTo("retry x1");

                RawHttp.Response again = deliver(server, "order", SECRET, delivery, at, body);
                assertThat(again.status()).as(again.body()).isEqualTo(409);
                assertThat(queued(delivery)).containsExactly(id);
                assertThat(ran).containsExactly(new Order("retry", 1));
            }
        }
    }

    private static void assertSignatureRefused(RawHttp.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(401);
        assertThat(json(response.body()).path("error").asText())
                .isEqualTo("the webhook signature is missing or not valid; sign each delivery as the server's README"
                        + " says (headers webhook-id, webhook-timestamp and webhook-signature)");
    }

    /** The ids of the queued runs under the delivery's idempotency key. */
    private static List<String> queued(String delivery) throws SQLException {
        try (Connection connection = POSTGRES.connect();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT id FROM lf_queue WHERE idempotency_key = ?")) {
            statement.setString(1, "webhook:order:" + delivery);
            List<String> ids = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString("id"));
                }
            }
            return ids;
        }
    }

    /** How many runs of 'order' for this customer are queued, under any key or none. */
    private static int ordersQueued(String customer) throws SQLException {
        try (Connection connection = POSTGRES.connect();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT count(*) FROM lf_queue WHERE flow = 'order' AND parameters::jsonb ->> 'customer' = ?")) {
            statement.setString(1, customer);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
    }

    private static String queueRow(String id) throws SQLException {
        try (Connection connection = POSTGRES.connect();
             PreparedStatement statement = connection.prepareStatement("SELECT state, owner FROM lf_queue WHERE id = ?")) {
            statement.setObject(1, UUID.fromString(id));
            try (ResultSet row = statement.executeQuery()) {
                assertThat(row.next()).as("a queue row for run " + id).isTrue();
                return row.getString("state") + " by " + row.getObject("owner", UUID.class);
            }
        }
    }
}
