package io.loomflow.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loomflow.workers.QueuedRun;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * One webhook request, {@code POST /api/flows/{name}/webhook}: checked in this order, and no run started unless
 * every check passes.
 * <ol>
 * <li>a flow without webhooks is a 404, the same as a flow the server does not have (so flows cannot be probed);</li>
 * <li>{@code webhook-id}, {@code webhook-timestamp} and {@code webhook-signature} given more than once: 400;</li>
 * <li>any of them missing or malformed, a timestamp outside the tolerance, or no signature that verifies: 401,
 *     always with the same message, which says "signature" and never which part was wrong, nor the body;</li>
 * <li>a body over the limit: 413 (read before the signature is checked: the signature covers it);</li>
 * <li>a body that is not a JSON object of parameters that fit: 400, as the API's start answers;</li>
 * <li>a delivery id already taken (on every server sharing the store or the queue): 409;</li>
 * <li>then the run starts (or is queued, with {@code webhook:FLOW:ID} as its idempotency key): 202.</li>
 * </ol>
 * A server that runs its flows itself claims the delivery's id in the store ({@code RunStore.claimDelivery}),
 * remembered for 7 days (a sender's retries keep the id and sign again with a fresh timestamp), then starts the run; if the run cannot start (the server is stopping), the
 * claim is released before the error is answered, so the retry is taken there too. A server with workers claims it with the queue's
 * idempotency key, in the statement that queues the run: a delivery the queue refused (no live worker runs the
 * flow, the database is down) is answered with an error and not remembered, so the sender's retry is taken.
 */
final class WebhookDelivery {

    static final String ID = "webhook-id";
    static final String TIMESTAMP = "webhook-timestamp";
    static final String SIGNATURE = "webhook-signature";

    /** What a delivery id may be: printable, no spaces, at most 200 characters. */
    private static final Pattern DELIVERY_ID = Pattern.compile("[\\x21-\\x7e]{1,200}");
    private static final Pattern SECONDS = Pattern.compile("[0-9]{1,12}");

    private final Server server;
    private final ObjectMapper json;

    WebhookDelivery(Server server, ObjectMapper json) {
        this.server = server;
        this.json = json;
    }

    /** Checks the request and starts its run; returns the run's id. */
    UUID start(Request request) throws IOException {
        String flow = request.path("name");
        Webhooks webhooks = server.webhooks();
        List<byte[]> keys = webhooks.keys(flow);
        if (keys == null || !server.generation().names().contains(flow)) {
            throw HttpError.notFound("no webhook at " + request.pathText() + "; a flow takes webhooks when the server is"
                    + " started with a secret for it");
        }
        request.once(ID);
        request.once(TIMESTAMP);
        request.once(SIGNATURE);
        String id = request.header(ID);
        String timestamp = request.header(TIMESTAMP);
        String signature = request.header(SIGNATURE);
        Instant now = Instant.now();
        if (id == null || timestamp == null || signature == null || !DELIVERY_ID.matcher(id).matches()
                || !SECONDS.matcher(timestamp).matches()
                || !webhooks.timely(Instant.ofEpochSecond(Long.parseLong(timestamp)), now)) {
            throw refused();
        }
        byte[] body = request.body();
        if (!Webhooks.verify(keys, id, timestamp, body, signature)) {
            throw refused();
        }
        JsonNode parameters = request.parse(body);
        if (!parameters.isMissingNode() && !parameters.isObject()) {
            throw new HttpError(400, "the body is JSON but not an object; send a JSON object of the flow's parameters,"
                    + " such as {} for none");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> given = parameters.isMissingNode() ? Map.of() : json.convertValue(parameters, Map.class);
        Generation.bind(server.generation().flow(flow), given); // 400 before the delivery is remembered
        String key = "webhook:" + flow + ":" + id;
        if (server.queue() != null) {
            QueuedRun<Object> queued = server.enqueue(flow, given, key);
            if (!queued.created()) {
                throw new HttpError(409, "the delivery " + id + " was received already (it queued run " + queued.id()
                        + "); send each delivery once, with an id of its own").with("delivery", id);
            }
            return queued.id();
        }
        Instant sent = Instant.ofEpochSecond(Long.parseLong(timestamp));
        Instant latest = (sent.isAfter(now) ? sent : now).plus(webhooks.tolerance());
        Instant expires = now.plus(Webhooks.REMEMBERED).isAfter(latest) ? now.plus(Webhooks.REMEMBERED) : latest;
        if (!server.store().claimDelivery("webhook:" + flow, id, now, expires)) {
            throw new HttpError(409, "the delivery " + id + " was received already (the delivery id is remembered for "
                    + Webhooks.REMEMBERED.toDays() + " days); send each delivery once, with an id of its own")
                    .with("delivery", id);
        }
        try {
            return server.start(flow, given, key);
        } catch (RuntimeException notStarted) {
            // No run started (a stopping server's 503, say): the sender's retry, here or at another server of
            // the store, must be taken, not refused as a replay.
            try {
                server.store().releaseDelivery("webhook:" + flow, id);
            } catch (RuntimeException unreleased) {
                notStarted.addSuppressed(unreleased);
            }
            throw notStarted;
        }
    }

    private static HttpError refused() {
        return new HttpError(401, "the webhook signature is missing or not valid; sign each delivery as the server's"
                + " README says (headers webhook-id, webhook-timestamp and webhook-signature)");
    }
}
