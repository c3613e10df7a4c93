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
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;

/** One request and its response: what a route reads, and the ways it answers. */
final class Request {

    private final HttpExchange exchange;
    private final ObjectMapper json;
    private final long maxBodyBytes;
    private Matcher matcher;
    private Map<String, String> query;
    private boolean answered;

    Request(HttpExchange exchange, ObjectMapper json, long maxBodyBytes) {
        this.exchange = exchange;
        this.json = json;
        this.maxBodyBytes = maxBodyBytes;
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

    /** A {@code {name}} segment of the route's path, decoded. */
    String path(String name) {
        return matcher.group(name);
    }

    /** A path segment that must be a run id; 404 when it is not one. */
    UUID runId(String name) {
        String text = path(name);
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException notAnId) {
            throw HttpError.notFound("no run with id '" + text + "'; a run id is a UUID such as "
                    + "3f2c1b9e-0d4a-4c55-9a51-6b1f1e2d3c4b");
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
                    String key = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
                    String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
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

    String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
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
     * The body as JSON: a missing node when empty; 413 when over the limit; 415 unless sent as
     * {@code application/json}; 400 with the line and column when malformed.
     */
    JsonNode json() throws IOException {
        byte[] body = body();
        if (body.length == 0) {
            return MissingNode.getInstance();
        }
        String type = header("Content-Type");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new HttpError(415, "the body was sent as " + (type == null ? "no content type" : "'" + type + "'")
                    + "; send JSON with the header Content-Type: application/json");
        }
        try {
            return json.readTree(body);
        } catch (JsonProcessingException malformed) {
            JsonLocation at = malformed.getLocation();
            throw HttpError.malformedJson(at == null ? 1 : at.getLineNr(), at == null ? 1 : at.getColumnNr(),
                    malformed.getOriginalMessage());
        }
    }

    private byte[] body() throws IOException {
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
        try (InputStream in = exchange.getRequestBody()) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                if (read.size() + n > maxBodyBytes) {
                    throw HttpError.tooLarge(maxBodyBytes);
                }
                read.write(buffer, 0, n);
            }
        }
        return read.toByteArray();
    }

    void sendJson(int status, JsonNode body) throws IOException {
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
                sendHtml(refused.status(), Pages.error(refused.status(), refused.getMessage()));
            }
        } catch (IOException clientGone) {
            // nobody to tell
        }
    }
}
