package io.loomflow.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loomflow.Handle;
import io.loomflow.ParameterModel;
import io.loomflow.store.LogRecord;
import io.loomflow.store.RunQuery;
import io.loomflow.store.RunRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** The JSON API's routes; {@code openapi.json} describes them, and a test holds the two together. */
final class Api {

    static final Set<String> STATES = Set.of("Scheduled", "Pending", "Running", "Retrying", "Completed", "Cached",
            "Failed", "Cancelled", "Crashed");

    private final Server server;
    private final ObjectMapper json;
    private final Views views;

    Api(Server server, ObjectMapper json, Views views) {
        this.server = server;
        this.json = json;
        this.views = views;
    }

    void addTo(Router router) {
        router.route("GET", "/api/health", this::health)
                .route("GET", "/api/openapi.json", this::openApi)
                .route("GET", "/api/flows", this::flows)
                .route("GET", "/api/flows/{name}", this::flow)
                .route("POST", "/api/flows/{name}/runs", this::start)
                .route("GET", "/api/runs", this::runs)
                .route("GET", "/api/runs/{id}", this::run)
                .route("GET", "/api/runs/{id}/tree", this::tree)
                .route("GET", "/api/runs/{id}/logs", this::logs)
                .route("POST", "/api/runs/{id}/cancel", this::cancel)
                .route("GET", "/api/events", this::events)
                .route("GET", "/api/dev", this::dev);
    }

    private void health(Request request) throws IOException {
        request.sendJson(200, json.createObjectNode().put("status", "ok"));
    }

    private void openApi(Request request) throws IOException {
        try (InputStream in = Api.class.getResourceAsStream("web/openapi.json")) {
            request.send(200, "application/json", in.readAllBytes());
        }
    }

    private void flows(Request request) throws IOException {
        ArrayNode all = json.createArrayNode();
        for (Server.FlowEntry entry : server.flows()) {
            all.add(flowView(entry));
        }
        request.sendJson(200, json.createObjectNode().set("flows", all));
    }

    private void flow(Request request) throws IOException {
        request.sendJson(200, flowView(server.flow(request.path("name"))));
    }

    private ObjectNode flowView(Server.FlowEntry entry) {
        ObjectNode node = json.createObjectNode();
        node.put("name", entry.flow().name());
        node.set("parameters", entry.schema());
        String encoded = URLEncoder.encode(entry.flow().name(), StandardCharsets.UTF_8).replace("+", "%20");
        node.put("runs", "/api/flows/" + encoded + "/runs");
        node.put("page", "/flows/" + encoded);
        return node;
    }

    private void start(Request request) throws IOException {
        Server.FlowEntry entry = server.flow(request.path("name"));
        JsonNode body = request.json();
        if (!body.isMissingNode() && !body.isObject()) {
            String shown = body.toString();
            throw new HttpError(400, "the body was " + (shown.length() > 80 ? shown.substring(0, 77) + "..." : shown)
                    + "; send a JSON object of the flow's parameters, such as {} for none");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> given = body.isMissingNode() ? Map.of() : json.convertValue(body, Map.class);
        Handle<?> handle = server.start(entry.flow().name(), given);
        String id = handle.runId().toString();
        request.exchange().getResponseHeaders().set("Location", "/api/runs/" + id);
        request.sendJson(202, json.createObjectNode().put("id", id).put("flow", entry.flow().name())
                .put("url", "/api/runs/" + id).put("page", "/runs/" + id).put("events", "/api/events?run=" + id));
    }

    private void runs(Request request) throws IOException {
        String state = request.query("state");
        if (state != null && !STATES.contains(state)) {
            String closest = ParameterModel.closest(state, STATES).orElse(null);
            throw new HttpError(400, "state was '" + state + "'" + (closest == null ? "" : "; did you mean '" + closest + "'?")
                    + "; pass one of " + String.join(", ", STATES.stream().sorted().toList()));
        }
        int limit = request.queryInt("limit", 50, 1, 500);
        int offset = request.queryInt("offset", 0, 0, Integer.MAX_VALUE);
        boolean all = "true".equals(request.query("all"));
        RunQuery query = new RunQuery(state, request.query("flow"), !all, limit, offset);
        List<RunRecord> found = server.store().runs(query);
        ArrayNode runs = json.createArrayNode();
        found.forEach(run -> runs.add(views.run(run)));
        ObjectNode page = json.createObjectNode();
        page.set("runs", runs);
        page.put("limit", limit).put("offset", offset);
        if (found.size() == limit) {
            StringBuilder next = new StringBuilder("/api/runs?limit=").append(limit).append("&offset=").append(offset + limit);
            if (state != null) {
                next.append("&state=").append(state);
            }
            if (query.name() != null) {
                next.append("&flow=").append(URLEncoder.encode(query.name(), StandardCharsets.UTF_8));
            }
            if (all) {
                next.append("&all=true");
            }
            page.put("next", next.toString());
        } else {
            page.putNull("next");
        }
        request.sendJson(200, page);
    }

    private void run(Request request) throws IOException {
        RunRecord run = server.recordedRun(request.runId("id"));
        ObjectNode node = views.run(run);
        ArrayNode children = node.putArray("children");
        for (RunRecord child : server.store().children(run.id())) {
            children.addObject().put("id", child.id().toString()).put("name", child.name())
                    .put("kind", child.kind().name().toLowerCase(java.util.Locale.ROOT)).put("state", child.state())
                    .put("url", "/api/runs/" + child.id());
        }
        request.sendJson(200, node);
    }

    private void tree(Request request) throws IOException {
        RunRecord run = server.recordedRun(request.runId("id"));
        ArrayNode runs = json.createArrayNode();
        for (RunRecord each : server.subtree(run)) {
            runs.add(views.run(each));
        }
        request.sendJson(200, json.createObjectNode().put("id", run.id().toString()).set("runs", runs));
    }

    private void logs(Request request) throws IOException {
        RunRecord run = server.recordedRun(request.runId("id"));
        long after = request.queryInt("after", 0, 0, Integer.MAX_VALUE);
        List<LogRecord> lines = new ArrayList<>();
        List<RunRecord> runs = "true".equals(request.query("tree")) ? server.subtree(run) : List.of(run);
        for (RunRecord each : runs) {
            lines.addAll(server.store().logs(each.id(), after));
        }
        lines.sort(Comparator.comparingLong(LogRecord::sequence));
        ArrayNode all = json.createArrayNode();
        lines.forEach(line -> all.add(views.log(line)));
        request.sendJson(200, json.createObjectNode().put("id", run.id().toString()).set("lines", all));
    }

    private void cancel(Request request) throws IOException {
        UUID id = request.runId("id");
        if (server.cancel(id)) {
            request.sendJson(202, json.createObjectNode().put("id", id.toString()).put("cancelled", true));
            return;
        }
        RunRecord run = server.recordedRun(id);
        if (run.isFinal()) {
            throw new HttpError(409, "run " + id + " already ended " + run.state() + "; there is nothing to cancel");
        }
        throw new HttpError(409, "run " + id + " is " + run.state() + " but not on this server's engine; cancel it where"
                + " it runs");
    }

    private void dev(Request request) throws IOException {
        DevMode.Status status = server.devStatus();
        if (status == null) {
            throw HttpError.notFound("this server is not in dev mode; start it with loomflow dev DIR");
        }
        ObjectNode node = json.createObjectNode();
        node.put("directory", status.directory().toString());
        node.put("generation", status.generation());
        node.put("revision", status.revision());
        node.put("ok", status.ok());
        ArrayNode problems = node.putArray("problems");
        for (var problem : status.problems()) {
            problems.addObject().put("file", problem.file()).put("line", problem.line()).put("column", problem.column())
                    .put("message", problem.message()).put("text", problem.toString());
        }
        ArrayNode flows = node.putArray("flows");
        Generation serving = server.generation();
        for (Server.FlowEntry entry : serving.flows()) {
            flows.addObject().put("name", entry.flow().name()).put("file", serving.source(entry.flow().name()));
        }
        ArrayNode notes = node.putArray("notes");
        status.notes().forEach(notes::add);
        node.put("retiring", status.retiring());
        node.put("retiredLoadersAlive", status.retiredLoadersAlive());
        node.put("threads", java.lang.management.ManagementFactory.getThreadMXBean().getThreadCount());
        request.sendJson(200, node);
    }

    private void events(Request request) throws IOException {
        UUID rootId = null;
        String only = request.query("only");
        if (only != null && !only.equals("generation")) {
            throw new HttpError(400, "only was '" + only + "'; pass only=generation for dev mode's news, or leave it out");
        }
        String run = request.query("run");
        if (run != null) {
            UUID id;
            try {
                id = UUID.fromString(run);
            } catch (IllegalArgumentException notAnId) {
                throw new HttpError(400, "run was '" + run + "'; pass a run id (a UUID), or leave it out for every run");
            }
            rootId = server.recordedRun(id).rootId();
        }
        String lastEventId = request.header("Last-Event-ID");
        if (lastEventId == null) {
            lastEventId = request.query("lastEventId");
        }
        long lastSeen;
        try {
            lastSeen = lastEventId == null ? (rootId == null ? -1 : 0) : Long.parseLong(lastEventId.strip());
        } catch (NumberFormatException notAnId) {
            throw new HttpError(400, "Last-Event-ID was '" + lastEventId + "'; send the id of the last event received");
        }
        var headers = request.exchange().getResponseHeaders();
        headers.set("Content-Type", "text/event-stream; charset=utf-8");
        headers.set("Cache-Control", "no-cache");
        headers.set("X-Accel-Buffering", "no");
        try (EventHub.Stream stream = server.hub().open(rootId, lastSeen, only != null)) {
            request.answering();
            request.exchange().sendResponseHeaders(200, 0);
            OutputStream out = request.exchange().getResponseBody();
            out.write("retry: 1000\n\n".getBytes(StandardCharsets.UTF_8));
            DevMode.Status dev = server.devStatus();
            if (only != null && dev != null) {
                // The revision the page was made at may be older already; the page compares and reloads.
                out.write(("event: generation\ndata: " + json.createObjectNode().put("generation", dev.generation())
                        .put("revision", dev.revision()).put("ok", dev.ok()) + "\n\n").getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
            while (true) {
                EventHub.Signal signal;
                try {
                    signal = stream.next(15, TimeUnit.SECONDS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
                switch (signal) {
                    case null -> out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                    case EventHub.Signal.Closed closed -> {
                        return;
                    }
                    case EventHub.Signal.Reload reload -> out.write(("event: reload\ndata: {\"lastId\":"
                            + server.hub().lastId() + "}\n\n").getBytes(StandardCharsets.UTF_8));
                    case EventHub.Signal.Entries(List<EventHub.Entry> entries) -> {
                        StringBuilder text = new StringBuilder();
                        for (EventHub.Entry entry : entries) {
                            text.append("id: ").append(entry.id()).append("\nevent: ")
                                    .append(entry.type())
                                    .append("\ndata: ").append(entry.json()).append("\n\n");
                        }
                        out.write(text.toString().getBytes(StandardCharsets.UTF_8));
                    }
                }
                out.flush();
            }
        }
    }
}
