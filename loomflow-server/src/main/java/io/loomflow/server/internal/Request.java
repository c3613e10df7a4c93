package io.loomflow.server.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;

/** One request and its response: what a route reads, and the ways it answers. */
final class Request {

    private final HttpExchange exchange;
    private final ObjectMapper json;
    private final Limits limits;
    private final String base;
    private Matcher matcher;
    private Map<String, String> query;
    private boolean answered;
    private byte[] body;

    Request(HttpExchange exchange, ObjectMapper json, Limits limits, String base) {
        this.exchange = exchange;
        this.json = json;
        this.limits = limits;
        this.base = base;
    }

    /** The path a mounted server is served under, before every link it writes; {@code ""} when it listens itself. */
    String base() {
        return base;
    }

    /**
     * What a request may take: the largest body, and the time to read it, which {@code deadlines} enforces
     * by interrupting the reading thread (which closes the connection).
     */
    record Limits(long maxBodyBytes, Duration bodyTimeout, ScheduledExecutorService deadlines) {
    }

    void matched(Matcher pathMatcher) {
        this.matcher = pathMatcher;
    }

    HttpExchange exchange() {
        return exchange;
    }

    String method() {
        return exchange.getRequestMethod();
    }

    String pathText() {
        return exchange.getRequestURI().getPath();
    }

    /**
     * The method and path as the client sent them (percent-encoded), for the log: never the query, which
     * may hold a token.
     */
    String describe() {
        return method() + " " + exchange.getRequestURI().getRawPath();
    }

    /** A {@code {name}} segment of the route's path, decoded. */
    String path(String name) {
        return matcher.group(name);
    }

    /** A path segment that must be a run id; 400 when it is not a UUID. */
    UUID runId(String name) {
        return id(name, "run");
    }

    /** A path parameter that is the id of a {@code what} (a run, a map); 400 naming it when it is not a UUID. */
    UUID id(String name, String what) {
        String text = path(name);
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException notAnId) {
            throw new HttpError(400, "the " + what + " id '" + text + "' is not a UUID; pass a " + what
                    + " id such as 3f2c1b9e-0d4a-4c55-9a51-6b1f1e2d3c4b");
        }
    }

    /** A query parameter, or {@code null}. */
    String query(String name) {
        if (query == null) {
            query = new HashMap<>();
            String raw = exchange.getRequestURI().getRawQuery();
            if (raw != null) {
                for (String pair : raw.split("&")) {
                    if (pair.isEmpty()) {
                        continue;
                    }
                    int equals = pair.indexOf('=');
                    String key = decode(equals < 0 ? pair : pair.substring(0, equals));
                    String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
                    query.putIfAbsent(key, value);
                }
            }
        }
        String value = query.get(name);
        return value == null || value.isEmpty() ? null : value;
    }

    /** A whole-number query parameter within bounds; 400 naming it otherwise. */
    int queryInt(String name, int otherwise, int least, int most) {
        String text = query(name);
        if (text == null) {
            return otherwise;
        }
        try {
            int value = Integer.parseInt(text.strip());
            if (value >= least && value <= most) {
                return value;
            }
        } catch (NumberFormatException notANumber) {
            // answered below
        }
        throw new HttpError(400, "query parameter " + name + " was '" + text + "'; pass a whole number from " + least
                + " to " + most);
    }

    /** A part of a query, decoded; 400 naming it when its percent-encoding is broken. */
    static String decode(String encoded) {
        try {
            return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException broken) {
            throw new HttpError(400, "the query part '" + encoded + "' is not percent-encoded properly (" + broken.getMessage()
                    + "); encode a % as %25");
        }
    }

    /**
     * 400 when a header that decides what the request may do comes more than once: the first and the
     * last could be read differently by us and by a proxy in front.
     */
    void once(String name) {
        int count = headers(name).size();
        if (count > 1) {
            throw new HttpError(400, "the request had " + count + " " + name + " headers; send one");
        }
    }

    String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    /** Every value of a header, in order; empty when absent. */
    List<String> headers(String name) {
        return exchange.getRequestHeaders().getOrDefault(name, List.of());
    }

    /**
     * 415 unless the request says its body is JSON: {@code Content-Type: application/json}, in any case, with
     * optional parameters, of which a {@code charset} must be UTF-8. Every state-changing route asks this,
     * with or without a body, so that a plain HTML form of another site (which can only send
     * {@code text/plain}, {@code multipart/form-data} or {@code application/x-www-form-urlencoded}) changes nothing.
     */
    void requireJsonType() {
        once("Content-Type");
        String type = header("Content-Type");
        if (type == null) {
            throw new HttpError(415, "the request had no Content-Type; send the header Content-Type: application/json"
                    + " (with a JSON body, or none)");
        }
        String[] parts = type.split(";", -1);
        if (!parts[0].strip().equalsIgnoreCase("application/json")) {
            throw new HttpError(415, "the request was sent as '" + type + "'; send JSON with the header"
                    + " Content-Type: application/json").with("contentType", type);
        }
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].strip();
            int equals = parameter.indexOf('=');
            if (equals < 0) {
                if (parameter.isEmpty()) {
                    continue;
                }
                throw new HttpError(415, "the Content-Type '" + type + "' has a parameter '" + parameter + "' without a"
                        + " value; send Content-Type: application/json").with("contentType", type);
            }
            String value = parameter.substring(equals + 1).strip();
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            if (parameter.substring(0, equals).strip().equalsIgnoreCase("charset") && !value.equalsIgnoreCase("utf-8")) {
                throw new HttpError(415, "the body's charset was '" + value + "'; send it as UTF-8 (Content-Type:"
                        + " application/json; charset=utf-8)").with("contentType", type);
            }
        }
    }

    /** A cookie's value, or {@code null}. */
    String cookie(String name) {
        for (String header : exchange.getRequestHeaders().getOrDefault("Cookie", java.util.List.of())) {
            for (String part : header.split(";")) {
                String trimmed = part.strip();
                if (trimmed.startsWith(name + "=")) {
                    return trimmed.substring(name.length() + 1);
                }
            }
        }
        return null;
    }

    /**
     * The body as JSON: 415 unless sent as {@code application/json} (see {@link #requireJsonType()}); then a
     * missing node when empty; 413 when over the limit; 400 with the line and column when malformed or
     * followed by anything but white space.
     */
    JsonNode json() throws IOException {
        requireJsonType();
        byte[] body = body();
        return parse(body);
    }

    /** Bytes read as JSON, as {@link #json()} reads a body: strict UTF-8, a missing node when empty, 400 when malformed. */
    JsonNode parse(byte[] body) {
        if (body.length == 0) {
            return MissingNode.getInstance();
        }
        String text;
        try {
            // Strictly: an overlong encoding ("\xc0\xae" for '.') or a code point past U+10FFFF is refused,
            // not decoded into something a later check would not expect.
            text = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(body)).toString();
        } catch (java.nio.charset.CharacterCodingException notUtf8) {
            throw new HttpError(400, "the body is not valid UTF-8 (" + notUtf8.getMessage() + "); send JSON encoded as UTF-8");
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1); // a byte order mark: allowed before UTF-8 JSON
        }
        try {
            return json.readTree(text);
        } catch (JsonProcessingException malformed) {
            JsonLocation at = malformed.getLocation();
            throw HttpError.malformedJson(at == null ? 1 : at.getLineNr(), at == null ? 1 : at.getColumnNr(),
                    malformed.getOriginalMessage());
        }
    }

    /**
     * The body, read within the body timeout: a client that sends it too slowly has its connection closed
     * (the reading thread is interrupted, which closes the channel), whatever the JDK server's own
     * {@code sun.net.httpserver.maxReqTime} is.
     */
    byte[] body() throws IOException {
        if (body == null) {
            body = readBody();
        }
        return body;
    }

    private byte[] readBody() throws IOException {
        long maxBodyBytes = limits.maxBodyBytes();
        String length = header("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.strip()) > maxBodyBytes) {
                    throw HttpError.tooLarge(maxBodyBytes);
                }
            } catch (NumberFormatException unreadable) {
                throw new HttpError(400, "Content-Length was '" + length + "'; send the body's length in bytes");
            }
        }
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        Deadline deadline = new Deadline(Thread.currentThread());
        ScheduledFuture<?> timer = limits.deadlines().schedule(deadline::fire, limits.bodyTimeout().toMillis(),
                TimeUnit.MILLISECONDS);
        try (InputStream in = exchange.getRequestBody()) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                if (read.size() + n > maxBodyBytes) {
                    throw HttpError.tooLarge(maxBodyBytes);
                }
                read.write(buffer, 0, n);
            }
        } catch (IOException cut) {
            if (deadline.end()) {
                throw new HttpError(408, "the request body did not arrive within " + limits.bodyTimeout().toSeconds()
                        + " s; send it at once, or start the server with a longer requestTimeout");
            }
            throw cut;
        } finally {
            timer.cancel(false);
            deadline.end();
        }
        return read.toByteArray();
    }

    /** Interrupts a thread reading a body once, if it is still reading; the read then fails and the channel closes. */
    private static final class Deadline {
        private final ReentrantLock lock = new ReentrantLock();
        private final Thread reader;
        private boolean reading = true; // guarded by lock
        private boolean fired; // guarded by lock

        Deadline(Thread reader) {
            this.reader = reader;
        }

        void fire() {
            lock.lock();
            try {
                if (reading) {
                    fired = true;
                    reader.interrupt();
                }
            } finally {
                lock.unlock();
            }
        }

        /** Stops the deadline; tells whether it fired, clearing the interrupt it caused. */
        boolean end() {
            lock.lock();
            try {
                reading = false;
                if (fired) {
                    Thread.interrupted();
                }
                return fired;
            } finally {
                lock.unlock();
            }
        }
    }

    /** Answers with {@code body} as JSON: a record of {@link Responses}, or a tree (errors). */
    void sendJson(int status, Object body) throws IOException {
        send(status, "application/json", json.writeValueAsBytes(body));
    }

    void sendHtml(int status, String html) throws IOException {
        send(status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
    }

    void send(int status, String contentType, byte[] body) throws IOException {
        answered = true;
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        if (contentType.startsWith("text/html")) {
            exchange.getResponseHeaders().set("Content-Security-Policy",
                    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'");
        }
        if (method().equals("HEAD")) {
            // A HEAD answer has no body; giving its length makes the JDK log a warning per request.
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    void redirect(String location) throws IOException {
        answered = true;
        exchange.getResponseHeaders().set("Location", location);
        exchange.sendResponseHeaders(303, -1);
    }

    /** Marks the response as begun by the route itself (a stream). */
    void answering() {
        answered = true;
    }

    /** Answers with a refusal: JSON for the API, a page for the UI. Nothing if an answer began. */
    void refuse(HttpError refused) {
        if (answered) {
            return;
        }
        try {
            if (pathText().startsWith("/api/")) {
                sendJson(refused.status(), refused.body());
            } else {
                sendHtml(refused.status(), Pages.error(base, refused.status(), refused.getMessage()));
            }
        } catch (IOException clientGone) {
            // nobody to tell
        }
    }
}
