package io.loomflow.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomflow.Flow;
import io.loomflow.store.RunQuery;
import io.loomflow.store.RunStore;
import io.loomflow.store.contract.Postgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Signed webhooks over real HTTP to a real server: what starts a run, and what is refused with nothing started. */
class WebhookTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    static final String SECRET = "0123456789abcdef0123456789abcdef-hook";
    static final String NEXT_SECRET = "fedcba9876543210fedcba9876543210-next";

    /** The parameters of the flow a webhook starts, with a constraint. */
    public record Order(String customer, @io.loomflow.Param.Min(1) int quantity) {
    }

    private final ConcurrentLinkedQueue<Order> received = new ConcurrentLinkedQueue<>();
    private final Flow<Order, String> order = Flow.named("order", Order.class, given -> {
        received.add(given);
        return given.customer() + " x" + given.quantity();
    });
    private final Flow<Order, String> other = Flow.named("other", Order.class, given -> "not a webhook");

    @TempDir
    Path folder;

    static String sign(String secret, String id, String timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "v1," + Base64.getEncoder().encodeToString(
                    mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException impossible) {
            throw new AssertionError(impossible);
        }
    }

    static List<String> headers(String id, String timestamp, String signature) {
        List<String> headers = new ArrayList<>(List.of("Content-Type: application/json"));
        if (id != null) {
            headers.add("webhook-id: " + id);
        }
        if (timestamp != null) {
            headers.add("webhook-timestamp: " + timestamp);
        }
        if (signature != null) {
            headers.add("webhook-signature: " + signature);
        }
        return headers;
    }

    static RawHttp.Response deliver(LoomflowServer server, String flow, String secret, String id, long at, String body) {
        String timestamp = String.valueOf(at);
        return RawHttp.send(server.uri(), "POST", "/api/flows/" + flow + "/webhook",
                headers(id, timestamp, sign(secret, id, timestamp, body)), body.getBytes(StandardCharsets.UTF_8));
    }

    static long now() {
        return Instant.now().getEpochSecond();
    }

    private LoomflowServer start(RunStore store) {
        return LoomflowServer.builder().flow(order).flow(other).store(store).port(0).maxBodyBytes(4096)
                .webhook("order", SECRET, NEXT_SECRET).build().start();
    }

    @Test
    void aSignedDeliveryStartsTheFlowWithItsParameters() {
        try (LoomflowServer server = start(RunStore.inMemory())) {
            RawHttp.Response started = deliver(server, "order", SECRET, "msg_1", now(), "{\"customer\":\"ada\",\"quantity\":3}");
            assertThat(started.status()).as(started.body()).isEqualTo(202);
            JsonNode answer = json(started.body());
            String id = answer.path("id").asText();
            assertThat(started.headers().get("location")).isEqualTo("/api/runs/" + id);
            JsonNode run = new Http(server.uri()).awaitEnd(id);
            assertThat(run.path("state").asText()).isEqualTo("Completed");
            assertThat(run.path("result").asText()).isEqualTo("ada x3");
            assertThat(received).containsExactly(new Order("ada", 3));

            // the second secret (rotation) verifies too; a header may carry several signatures
            String body = "{\"customer\":\"bob\",\"quantity\":1}";
            String ts = String.valueOf(now());
            RawHttp.Response rotated = RawHttp.send(server.uri(), "POST", "/api/flows/order/webhook",
                    headers("msg_2", ts, "v1,AAAA " + sign(NEXT_SECRET, "msg_2", ts, body)), body.getBytes(StandardCharsets.UTF_8));
            assertThat(rotated.status()).as(rotated.body()).isEqualTo(202);
            new Http(server.uri()).awaitEnd(json(rotated.body()).path("id").asText());
            assertThat(received).extracting(Order::customer).containsExactly("ada", "bob");
        }
    }

    @Test
    void badDeliveriesAreRefusedAndStartNothing() {
        RunStore store = RunStore.inMemory();
        try (LoomflowServer server = start(store)) {
            String body = "{\"customer\":\"eve\",\"quantity\":2}";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            String ts = String.valueOf(now());
            String good = sign(SECRET, "msg_x", ts, body);
            String path = "/api/flows/order/webhook";
            // wrong secret
            assertRefused(deliver(server, "order", "a-wrong-secret-of-thirty-two-bytes!!", "msg_x", now(), body), 401, body);
            // tampered body, with the good signature
            assertRefused(RawHttp.send(server.uri(), "POST", path, headers("msg_x", ts, good),
                    "{\"customer\":\"eve\",\"quantity\":200}".getBytes(StandardCharsets.UTF_8)), 401, "200");
            // another id with the good signature (the id is signed)
            assertRefused(RawHttp.send(server.uri(), "POST", path, headers("msg_y", ts, good), bytes), 401, body);
            // old, and far future, timestamps, signed well
            assertRefused(deliver(server, "order", SECRET, "msg_old", now() - 301, body), 401, body);
            assertRefused(deliver(server, "order", SECRET, "msg_future", now() + 301, body), 401, body);
            // missing headers, one at a time
            assertRefused(RawHttp.send(server.uri(), "POST", path, headers(null, ts, good), bytes), 401, body);
            assertRefused(RawHttp.send(server.uri(), "POST", path, headers("msg_x", null, good), bytes), 401, body);
            assertRefused(RawHttp.send(server.uri(), "POST", path, headers("msg_x", ts, null), bytes), 401, body);
            // hostile headers: not a number, not base64, an id with a space, a header twice
            assertRefused(RawHttp.send(server.uri(), "POST", path, headers("msg_x", ts + "x", good), bytes), 401, body);
            assertRefused(RawHttp.send(server.uri(), "POST", path, headers("msg_x", ts, "v1,%%%%"), bytes), 401, body);
            assertRefused(RawHttp.send(server.uri(), "POST", path, headers("msg x", ts, good), bytes), 401, body);
            assertRefused(RawHttp.send(server.uri(), "POST", path, headers("msg_x", "-" + ts, good), bytes), 401, body);
            List<String> twice = headers("msg_x", ts, good);
            twice.add("webhook-signature: " + good);
            assertRefused(RawHttp.send(server.uri(), "POST", path, twice, bytes), 400, body);
            // not JSON: 415 as for every POST
            List<String> form = headers("msg_x", ts, good);
            form.set(0, "Content-Type: text/plain");
            assertRefused(RawHttp.send(server.uri(), "POST", path, form, bytes), 415, body);
            // oversized body (1 MiB is the limit), signed well
            String big = "{\"customer\":\"" + "x".repeat(5000) + "\",\"quantity\":1}";
            Http.Response tooBig = new Http(server.uri()).send(new Http(server.uri()).builder(path)
                    .header("Content-Type", "application/json").header("webhook-id", "msg_big").header("webhook-timestamp", ts)
                    .header("webhook-signature", sign(SECRET, "msg_big", ts, big))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(big)));
            assertThat(tooBig.status()).isEqualTo(413);
            assertThat(tooBig.text()).doesNotContain("xxxx");
            // parameters that do not fit, signed well: 400 naming the field
            RawHttp.Response unfit = deliver(server, "order", SECRET, "msg_unfit", now(), "{\"customer\":\"eve\",\"quantity\":0}");
            assertThat(unfit.status()).isEqualTo(400);
            assertThat(json(unfit.body()).path("problems").get(0).path("field").asText()).isEqualTo("quantity");
            // a flow without webhooks answers as an unknown flow does on this route, so flows cannot be probed
            RawHttp.Response none = deliver(server, "other", SECRET, "msg_o", now(), body);
            RawHttp.Response unknown = deliver(server, "nosuch", SECRET, "msg_o", now(), body);
            assertThat(none.status()).isEqualTo(404);
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(json(none.body()).path("error").asText().replace("other", "NAME"))
                    .isEqualTo(json(unknown.body()).path("error").asText().replace("nosuch", "NAME"));
            assertThat(none.body()).doesNotContain("order");

            // a good one goes through; then its replay is a 409, with the same signature or signed again
            RawHttp.Response first = deliver(server, "order", SECRET, "msg_x", Long.parseLong(ts), body);
            assertThat(first.status()).as(first.body()).isEqualTo(202);
            new Http(server.uri()).awaitEnd(json(first.body()).path("id").asText());
            assertRefused(deliver(server, "order", SECRET, "msg_x", Long.parseLong(ts), body), 409, "\"quantity\"");
            assertRefused(deliver(server, "order", NEXT_SECRET, "msg_x", now(), body), 409, "\"quantity\"");

            assertThat(received).containsExactly(new Order("eve", 2));
            assertThat(store.runs(RunQuery.all().withRootsOnly())).hasSize(1);
        }
    }

    @Test
    void aDeliveryWhoseRunCannotStartIsNotRememberedSoItsRetryIsTaken() {
        RunStore store = RunStore.inMemory();
        io.loomflow.Engine stopped = io.loomflow.Engine.builder().build();
        stopped.close();
        try (LoomflowServer stopping = LoomflowServer.builder().flow(order).engine(stopped).store(store).port(0)
                .webhook("order", SECRET).build().start();
             LoomflowServer other = start(store)) {
            String body = "{\"customer\":\"ada\",\"quantity\":1}";
            long at = now();
            RawHttp.Response refused = deliver(stopping, "order", SECRET, "msg_retry", at, body);
            assertThat(refused.status()).as(refused.body()).isEqualTo(503);
            // the sender retries the same delivery at another server sharing the store: it is taken, once
            RawHttp.Response retried = deliver(other, "order", SECRET, "msg_retry", at, body);
            assertThat(retried.status()).as(retried.body()).isEqualTo(202);
            new Http(other.uri()).awaitEnd(json(retried.body()).path("id").asText());
            assertRefused(deliver(other, "order", SECRET, "msg_retry", at, body), 409, "\"quantity\"");
            assertThat(received).containsExactly(new Order("ada", 1));
        }
    }

    @Test
    void aRetrySignedAgainAfterTheToleranceIsStillAReplay() {
        Duration tolerance = Duration.ofSeconds(1);
        try (LoomflowServer server = LoomflowServer.builder().flow(order).store(RunStore.inMemory()).port(0)
                .webhook("order", SECRET).webhookTolerance(tolerance).build().start()) {
            String body = "{\"customer\":\"ada\",\"quantity\":1}";
            long first = now();
            RawHttp.Response accepted = deliver(server, "order", SECRET, "msg_later", first, body);
            assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
            new Http(server.uri()).awaitEnd(json(accepted.body()).path("id").asText());
            // a sender's retry schedule outlasts the tolerance: the same id, signed again with a fresh timestamp
            Instant past = Instant.ofEpochSecond(first).plus(tolerance).plusSeconds(1);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(past));
            RawHttp.Response retried = deliver(server, "order", SECRET, "msg_later", now(), body);
            assertRefused(retried, 409, "\"quantity\"");
            assertThat(json(retried.body()).path("error").asText()).contains("msg_later").contains("7 days");
            assertThat(received).containsExactly(new Order("ada", 1));
        }
    }

    @Test
    void theWebhookNeedsNoTokenNorOriginButTheRestOfTheApiKeepsThem() {
        try (LoomflowServer server = LoomflowServer.builder().flow(order).port(0).token("a-token-of-sixteen-chars")
                .webhook("order", SECRET).build().start()) {
            String body = "{\"customer\":\"ada\",\"quantity\":1}";
            String ts = String.valueOf(now());
            List<String> fromElsewhere = headers("msg_t", ts, sign(SECRET, "msg_t", ts, body));
            fromElsewhere.add("Origin: https://hooks.example");
            fromElsewhere.add("Sec-Fetch-Site: cross-site");
            fromElsewhere.add("Host: hooks.example");
            RawHttp.Response hooked = RawHttp.send(server.uri(), "POST", "/api/flows/order/webhook", fromElsewhere,
                    body.getBytes(StandardCharsets.UTF_8));
            assertThat(hooked.status()).as(hooked.body()).isEqualTo(202);

            // the same request (signature headers and all) to the API's start: the token is still asked
            RawHttp.Response api = RawHttp.send(server.uri(), "POST", "/api/flows/order/runs", fromElsewhere,
                    body.getBytes(StandardCharsets.UTF_8));
            assertThat(api.status()).isIn(401, 403);
            List<String> withToken = new ArrayList<>(fromElsewhere);
            withToken.add("Authorization: Bearer a-token-of-sixteen-chars");
            assertThat(RawHttp.send(server.uri(), "POST", "/api/flows/order/runs", withToken,
                    body.getBytes(StandardCharsets.UTF_8)).status()).as("cross-site, with the token").isEqualTo(403);
            new Http(server.uri(), "a-token-of-sixteen-chars").awaitEnd(json(hooked.body()).path("id").asText());
            assertThat(received).hasSize(1);
        }
    }

    @Test
    void aDeliveryIsTakenOnceAcrossTwoServersOnOnePostgres() throws Exception {
        try (LoomflowServer one = start(RunStore.open(POSTGRES.url()));
             LoomflowServer two = start(RunStore.open(POSTGRES.url()))) {
            String id = "msg_" + UUID.randomUUID();
            String body = "{\"customer\":\"pg\",\"quantity\":5}";
            long at = now();
            RawHttp.Response first = deliver(one, "order", SECRET, id, at, body);
            assertThat(first.status()).as(first.body()).isEqualTo(202);
            assertRefused(deliver(two, "order", SECRET, id, at, body), 409, "\"pg\"");
            assertRefused(deliver(one, "order", SECRET, id, at, body), 409, "\"pg\"");
            new Http(one.uri()).awaitEnd(json(first.body()).path("id").asText());
            assertThat(received).containsExactly(new Order("pg", 5));
        }
    }

    @Test
    void secretsAreCheckedAndNeverShown() throws Exception {
        assertThatThrownBy(() -> LoomflowServer.builder().webhook("order", "short-secret"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("flow 'order'").hasMessageContaining("at least 32").hasMessageNotContaining("short-secret");
        assertThatThrownBy(() -> LoomflowServer.builder().webhook("order"))
                .hasMessageContaining("flow 'order' has no secret");
        assertThatThrownBy(() -> LoomflowServer.builder().flow(order).port(0).webhook("orders", SECRET).build().start())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("flow 'orders'")
                .hasMessageContaining("order").hasMessageNotContaining(SECRET);

        Path file = folder.resolve("webhooks.json");
        Files.writeString(file, "{\"order\": [\"${LOOMFLOW_WEBHOOK_TEST_UNSET_VARIABLE}\"]}");
        assertThatThrownBy(() -> LoomflowServer.builder().webhooks(file))
                .hasMessageContaining("LOOMFLOW_WEBHOOK_TEST_UNSET_VARIABLE").hasMessageContaining("not set");
        Files.writeString(file, "{\"order\": [\"tooShortSecretValue\" }");
        assertThatThrownBy(() -> LoomflowServer.builder().webhooks(file))
                .hasMessageContaining("line 1, column").hasMessageNotContaining("tooShortSecretValue");
        Files.writeString(file, "{\"order\": \"tooShortSecretValue\"}");
        assertThatThrownBy(() -> LoomflowServer.builder().webhooks(file))
                .hasMessageContaining("flow 'order'").hasMessageNotContaining("tooShortSecretValue");

        // a file's secrets, a Standard Webhooks one (whsec_ and base64) among them, verify deliveries
        String standard = "whsec_" + Base64.getEncoder().encodeToString(SECRET.getBytes(StandardCharsets.UTF_8));
        Files.writeString(file, "{\"order\": [\"" + standard + "\"]}");
        try (LoomflowServer server = LoomflowServer.builder().flow(order).port(0).webhooks(file).build().start()) {
            RawHttp.Response started = deliver(server, "order", SECRET, "msg_f", now(), "{\"customer\":\"f\",\"quantity\":1}");
            assertThat(started.status()).as(started.body()).isEqualTo(202);
            new Http(server.uri()).awaitEnd(json(started.body()).path("id").asText());
        }
    }

    /** The parameters of the README's example. */
    public record Name(String name) {
    }

    @Test
    void theReadmesCurlAndOpensslCommandsSignADeliveryTheServerTakes() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("```\n", readme.indexOf("Signing a delivery with curl and openssl")) + 4;
        String script = readme.substring(start, readme.indexOf("```", start));
        Flow<Name, String> greet = Flow.named("greet", Name.class, name -> "Hello, " + name.name() + "!");
        try (LoomflowServer server = LoomflowServer.builder().flow(greet).port(0).webhook("greet", SECRET).build().start()) {
            String local = script.replace("http://127.0.0.1:8080/", server.uri().toString());
            assertThat(local).isNotEqualTo(script);
            Path file = folder.resolve("sign.sh");
            Files.writeString(file, local);
            ProcessBuilder bash = new ProcessBuilder("bash", "-eu", file.toString()).redirectErrorStream(true);
            bash.environment().put("SECRET", SECRET);
            Process process = bash.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor()).as(output).isZero();
            JsonNode run = new Http(server.uri()).awaitEnd(json(output).path("id").asText());
            assertThat(run.path("result").asText()).isEqualTo("Hello, World!");
        }
    }

    private static void assertRefused(RawHttp.Response response, int status, String notEchoed) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.body()).doesNotContain(notEchoed);
        if (status == 401) {
            assertThat(json(response.body()).path("error").asText()).contains("signature").doesNotContain("timestamp is")
                    .doesNotContain("secret");
        }
    }

    static JsonNode json(String text) {
        try {
            return Http.JSON.readTree(text);
        } catch (java.io.IOException notJson) {
            throw new AssertionError("not JSON: " + text, notJson);
        }
    }
}
