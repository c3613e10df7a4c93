package io.loomflow.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loomflow.State;
import io.loomflow.store.LogRecord;
import io.loomflow.store.MapSummary;
import io.loomflow.store.Page;
import io.loomflow.store.PageQuery;
import io.loomflow.store.RunQuery;
import io.loomflow.store.RunRecord;
import io.loomflow.store.RunSummary;
import io.loomflow.store.TreeNode;
import io.loomflow.workers.QueueStats;
import io.loomflow.workers.WorkQueue;
import io.loomflow.workers.WorkQueueException;
import io.loomflow.workers.WorkerInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The JSON API's routes; {@code openapi.json} describes them, and a test holds the two together. */
final class Api {

    /**
     * The {@code state} query parameter of the API and the UI's runs list: a kind of state, named in
     * any case ({@link State.Kind#parse}), or {@code null} when absent; anything else is a 400 that
     * quotes it and suggests the closest state.
     */
    static State.Kind stateFilter(Request request) {
        String given = request.query("state");
        if (given == null) {
            return null;
        }
        try {
            return State.Kind.parse(given);
        } catch (IllegalArgumentException notAState) {
            throw new HttpError(400, "query parameter state " + notAState.getMessage());
        }
    }

    /** How many entries a page of children or items has unless {@code limit} says otherwise. */
    static final int PAGE = 100;

    /** The most runs {@code logs?tree=true} reads the lines of: the run and those below it, breadth first. */
    static final int TREE_RUNS_READ = 1000;

    private final Server server;
    private final ObjectMapper json;
    private final Views views;
    private final Graphs graphs;

    Api(Server server, ObjectMapper json, Views views) {
        this.server = server;
        this.json = json;
        this.views = views;
        this.graphs = new Graphs(json, server == null ? "" : server.base()); // null: the contract test reads routes only
    }

    void addTo(Router router) {
        router.route("GET", "/api/health", Responses.Health.class, this::health)
                .route("GET", "/api/openapi.json", this::openApi)
                .route("GET", "/api/flows", Responses.FlowList.class, this::flows)
                .route("GET", "/api/flows/{name}", Responses.FlowView.class, this::flow)
                .route("POST", "/api/flows/{name}/runs", Responses.Started.class, this::start)
                .signedRoute("POST", "/api/flows/{name}/webhook", Responses.Started.class, this::webhook)
                .route("GET", "/api/flows/{name}/graph", Responses.FlowGraphView.class, this::graph)
                .route("GET", "/api/flows/{name}/datasets/{dataset}/preview", Responses.DatasetPreview.class, this::preview)
                .route("GET", "/api/runs", Responses.RunPage.class, this::runs)
                .route("GET", "/api/runs/{id}", Responses.RunView.class, this::run)
                .route("GET", "/api/runs/{id}/summary", Responses.RunSummaryView.class, this::summary)
                .route("GET", "/api/runs/{id}/children", Responses.NodePage.class, this::children)
                .route("GET", "/api/maps/{id}", Responses.MapView.class, this::map)
                .route("GET", "/api/maps/{id}/items", Responses.ItemPage.class, this::items)
                .route("GET", "/api/runs/{id}/logs", Responses.LogLines.class, this::logs)
                .route("GET", "/api/runs/{id}/lineage", Responses.LineagePage.class, this::lineage)
                .route("POST", "/api/runs/{id}/cancel", Responses.Cancelling.class, this::cancel)
                .route("GET", "/api/events", this::events)
                .route("GET", "/api/dev", Responses.DevStatus.class, this::dev)
                .route("GET", "/api/workers", Responses.WorkerList.class, this::workers)
                .route("GET", "/api/queues", Responses.QueueList.class, this::queues)
                .route("GET", "/api/schedules", Responses.ScheduleList.class, this::schedules)
                .route("GET", "/api/schedules/{name}", Responses.ScheduleView.class, this::schedule)
                .route("POST", "/api/schedules/{name}/pause", Responses.ScheduleView.class, this::pause)
                .route("POST", "/api/schedules/{name}/resume", Responses.ScheduleView.class, this::resume);
    }

    private void health(Request request) throws IOException {
        request.sendJson(200, new Responses.Health("ok"));
    }

    private void openApi(Request request) throws IOException {
        try (InputStream in = Api.class.getResourceAsStream("web/openapi.json")) {
            request.send(200, "application/json", in.readAllBytes());
        }
    }

    private void flows(Request request) throws IOException {
        request.sendJson(200, new Responses.FlowList(server.flows().stream().map(this::flowView).toList()));
    }

    private void flow(Request request) throws IOException {
        request.sendJson(200, flowView(server.flow(request.path("name"))));
    }

    private Responses.FlowView flowView(Server.FlowEntry entry) {
        String encoded = URLEncoder.encode(entry.flow().name(), StandardCharsets.UTF_8).replace("+", "%20");
        return new Responses.FlowView(entry.flow().name(), entry.schema(), server.base() + "/api/flows/" + encoded + "/runs",
                server.base() + "/flows/" + encoded);
    }

    private void graph(Request request) throws IOException {
        request.sendJson(200, graphs.view(server.flow(request.path("name"))));
    }

    private void preview(Request request) throws IOException {
        Generation serving = server.generation(); // the flow and the engine of one generation, in dev mode too
        Server.FlowEntry entry = serving.flow(request.path("name"));
        int rows = request.queryInt("rows", Graphs.DEFAULT_ROWS, 1, io.loomflow.spi.FlowGraph.MAX_ROWS);
        request.sendJson(200, graphs.preview(entry, request.path("dataset"), rows, serving.engine()));
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
        String id = server.start(entry.flow().name(), given).toString();
        answerStarted(request, entry.flow().name(), id);
    }

    private void webhook(Request request) throws IOException {
        UUID id = new WebhookDelivery(server, json).start(request);
        answerStarted(request, request.path("name"), id.toString());
    }

    private void answerStarted(Request request, String flow, String id) throws IOException {
        request.exchange().getResponseHeaders().set("Location", server.base() + "/api/runs/" + id);
        request.sendJson(202, new Responses.Started(id, flow, server.base() + "/api/runs/" + id,
                server.base() + "/runs/" + id, server.base() + "/api/events?run=" + id));
    }

    private void runs(Request request) throws IOException {
        State.Kind state = stateFilter(request);
        int limit = request.queryInt("limit", 50, 1, 500);
        int offset = request.queryInt("offset", 0, 0, Integer.MAX_VALUE);
        boolean all = "true".equals(request.query("all"));
        RunQuery query = new RunQuery(state, request.query("flow"), !all, limit, offset);
        List<RunRecord> found = server.store().runs(query);
        String nextPage = null;
        if (found.size() == limit) {
            StringBuilder next = new StringBuilder(server.base() + "/api/runs?limit=").append(limit).append("&offset=").append(offset + limit);
            if (state != null) {
                next.append("&state=").append(state.label());
            }
            if (query.name() != null) {
                next.append("&flow=").append(URLEncoder.encode(query.name(), StandardCharsets.UTF_8));
            }
            if (all) {
                next.append("&all=true");
            }
            nextPage = next.toString();
        }
        request.sendJson(200, new Responses.RunPage(found.stream().map(views::run).toList(), limit, offset, nextPage));
    }

    private void run(Request request) throws IOException {
        request.sendJson(200, views.run(server.recordedRun(request.runId("id"))));
    }

    private void summary(Request request) throws IOException {
        RunRecord run = server.recordedRun(request.runId("id"));
        RunSummary summary = server.store().summary(run.id())
                .orElseThrow(() -> HttpError.notFound("no run with id " + run.id() + "; list runs at /api/runs"));
        request.sendJson(200, views.summary(summary));
    }

    private void children(Request request) throws IOException {
        PageQuery query = pageQuery(request);
        RunRecord run = server.recordedRun(request.runId("id"));
        Page<TreeNode> page = paged(query, () -> server.store().children(run.id(), query));
        request.sendJson(200, new Responses.NodePage(run.id().toString(), page.entries().stream().map(views::node).toList(),
                query.limit(), query.state() == null ? null : query.state().label(),
                next(server.base() + "/api/runs/" + run.id() + "/children", query, page)));
    }

    private void map(Request request) throws IOException {
        request.sendJson(200, views.map(recordedMap(request.id("id", "map"))));
    }

    private void items(Request request) throws IOException {
        PageQuery query = pageQuery(request);
        MapSummary map = recordedMap(request.id("id", "map"));
        Page<RunRecord> page = paged(query, () -> server.store().items(map.id(), query));
        request.sendJson(200, new Responses.ItemPage(map.id().toString(), page.entries().stream().map(views::run).toList(),
                query.limit(), query.state() == null ? null : query.state().label(),
                next(server.base() + "/api/maps/" + map.id() + "/items", query, page)));
    }

    private MapSummary recordedMap(UUID id) {
        return server.store().map(id).orElseThrow(() -> HttpError.notFound("no map with id " + id
                + "; a run's summary (/api/runs/RUN/summary) lists its maps"));
    }

    /** The query parameters {@code state}, {@code limit} and {@code after} of a page of children or items. */
    private static PageQuery pageQuery(Request request) {
        return pageQuery(request, stateFilter(request));
    }

    /** The query parameters {@code limit} and {@code after} of a page, with a state already read. */
    private static PageQuery pageQuery(Request request, State.Kind state) {
        int limit = request.queryInt("limit", PAGE, 1, PageQuery.MOST);
        String after = request.query("after");
        if (after != null && after.isBlank()) {
            throw new HttpError(400, "query parameter after was blank; pass the cursor of the page before (its next URL"
                    + " has it), or leave after out for the first page");
        }
        return new PageQuery(state, limit, after);
    }

    /** A page from the store; a cursor it did not make is a 400 that quotes it. */
    private static <T> Page<T> paged(PageQuery query, java.util.function.Supplier<Page<T>> read) {
        try {
            return read.get();
        } catch (IllegalArgumentException notACursor) {
            throw new HttpError(400, "query parameter after: " + notACursor.getMessage()
                    + " (the next URL of a page has it; a cursor is good for the same run or map and state)");
        }
    }

    /** The URL of the page after {@code page}, or null when it is the last. */
    private static String next(String path, PageQuery query, Page<?> page) {
        if (!page.hasNext()) {
            return null;
        }
        return path + "?limit=" + query.limit() + (query.state() == null ? "" : "&state=" + query.state().label())
                + "&after=" + URLEncoder.encode(page.next(), StandardCharsets.UTF_8);
    }

    private void logs(Request request) throws IOException {
        RunRecord run = server.recordedRun(request.runId("id"));
        long after = request.queryInt("after", 0, 0, Integer.MAX_VALUE);
        List<LogRecord> lines = new ArrayList<>();
        Server.Walk runs = "true".equals(request.query("tree")) ? server.subtree(run, TREE_RUNS_READ)
                : new Server.Walk(List.of(run), true);
        for (RunRecord each : runs.runs()) {
            lines.addAll(server.store().logs(each.id(), after));
        }
        lines.sort(Comparator.comparingLong(LogRecord::sequence));
        request.sendJson(200, new Responses.LogLines(run.id().toString(), lines.stream().map(views::log).toList(),
                runs.complete()));
    }

    private void lineage(Request request) throws IOException {
        RunRecord run = server.recordedRun(request.runId("id"));
        if (request.query("state") != null) {
            throw new HttpError(400, "query parameter state: a run's lineage has no states to filter by; leave state out");
        }
        PageQuery query = pageQuery(request, null);
        Page<io.loomflow.store.DatasetAccessRecord> page = paged(query, () -> server.store().lineage(run.id(), query));
        request.sendJson(200, new Responses.LineagePage(run.id().toString(),
                page.entries().stream().map(Views::access).toList(), query.limit(),
                next(server.base() + "/api/runs/" + run.id() + "/lineage", query, page)));
    }

    private void cancel(Request request) throws IOException {
        UUID id = request.runId("id");
        if (server.cancel(id)) {
            request.sendJson(202, new Responses.Cancelling(id.toString(), true));
            return;
        }
        RunRecord run = server.recordedRun(id);
        if (run.isFinal()) {
            throw new HttpError(409, "run " + id + " already ended " + run.state().label() + "; there is nothing to cancel");
        }
        throw new HttpError(409, "run " + id + " is " + run.state().label() + " but not on this server's engine; cancel it where"
                + " it runs");
    }

    private void dev(Request request) throws IOException {
        DevMode.Status status = server.devStatus();
        if (status == null) {
            throw HttpError.notFound("this server is not in dev mode; start it with loomflow dev DIR");
        }
        Generation serving = server.generation();
        request.sendJson(200, new Responses.DevStatus(status.directory().toString(), status.generation(),
                status.revision(), status.ok(),
                status.problems().stream().map(problem -> new Responses.DevProblem(problem.file(), problem.line(),
                        problem.column(), problem.message(), problem.toString())).toList(),
                serving.flows().stream().map(entry -> new Responses.DevFlow(entry.flow().name(),
                        serving.source(entry.flow().name()))).toList(),
                status.notes(), status.retiring(), status.retiredLoadersAlive(),
                java.lang.management.ManagementFactory.getThreadMXBean().getThreadCount()));
    }

    private void workers(Request request) throws IOException {
        request.sendJson(200, new Responses.WorkerList(workers(server).stream().map(Views::worker).toList()));
    }

    private void queues(Request request) throws IOException {
        request.sendJson(200, new Responses.QueueList(queues(server).stream().map(Views::queue).toList()));
    }

    /** The workers of the server's queue; 404 without one, 503 when its database cannot be read. */
    static List<WorkerInfo> workers(Server server) {
        WorkQueue queue = workQueue(server);
        try {
            return queue.workers();
        } catch (WorkQueueException unavailable) {
            throw new HttpError(503, unavailable.getMessage());
        }
    }

    /** The depth of the server's queues; 404 without a queue, 503 when its database cannot be read. */
    static List<QueueStats> queues(Server server) {
        WorkQueue queue = workQueue(server);
        try {
            return queue.queues();
        } catch (WorkQueueException unavailable) {
            throw new HttpError(503, unavailable.getMessage());
        }
    }

    /** The server's work queue; 404 when it runs flows itself. */
    private static WorkQueue workQueue(Server server) {
        WorkQueue queue = server.queue();
        if (queue == null) {
            throw HttpError.notFound("this server runs flows itself and has no workers; start it with"
                    + " loomflow server --workers --db jdbc:postgresql://HOST/DB to queue runs for workers");
        }
        return queue;
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
            rootId = server.rootOf(id);
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
                out.write(("event: generation\ndata: " + json.writeValueAsString(Responses.GenerationEvent.of(dev)) + "\n\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
            while (true) {
                EventHub.Signal signal;
                try {
                    signal = stream.next(server.keepAlive());
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
    /** How many next fire times a schedule lists unless {@code next} says otherwise. */
    static final int NEXT_FIRES = 5;

    private void schedules(Request request) throws IOException {
        io.loomflow.schedules.Scheduler scheduler = scheduler(server, null);
        int next = request.queryInt("next", NEXT_FIRES, 0, 100);
        request.sendJson(200, new Responses.ScheduleList(scheduler.statuses(next, 0).stream()
                .map(status -> scheduleView(server, status, 0, 0)).toList()));
    }

    private void schedule(Request request) throws IOException {
        String name = request.path("name");
        io.loomflow.schedules.Scheduler scheduler = scheduler(server, name);
        int next = request.queryInt("next", NEXT_FIRES, 0, 100);
        int limit = request.queryInt("limit", 50, 1, 500);
        int offset = request.queryInt("offset", 0, 0, Integer.MAX_VALUE);
        request.sendJson(200, scheduleView(server, scheduler.status(name, next, 0), limit, offset));
    }

    private void pause(Request request) throws IOException {
        setPaused(request, true);
    }

    private void resume(Request request) throws IOException {
        setPaused(request, false);
    }

    private void setPaused(Request request, boolean paused) throws IOException {
        String name = request.path("name");
        io.loomflow.schedules.Scheduler scheduler = scheduler(server, name);
        if (paused) {
            scheduler.pause(name);
        } else {
            scheduler.resume(name);
        }
        request.sendJson(200, scheduleView(server, scheduler.status(name, NEXT_FIRES, 0), 0, 0));
    }

    /** The server's scheduler, with a schedule of that name unless it is null; else a 404 naming what is missing. */
    static io.loomflow.schedules.Scheduler scheduler(Server server, String name) {
        io.loomflow.schedules.Scheduler scheduler = server.scheduler();
        if (scheduler == null) {
            throw HttpError.notFound("this server hosts no scheduler" + (name == null ? "" : ", so no schedule '" + name + "'")
                    + "; start it with schedules (LoomflowServer.Builder.scheduler)");
        }
        if (name != null && !scheduler.has(name)) {
            List<String> names = scheduler.schedules().stream().map(io.loomflow.schedules.Schedule::name).toList();
            throw HttpError.notFound("no schedule is named '" + name + "'; the schedules are " + String.join(", ", names)
                    + "; list them at /api/schedules");
        }
        return scheduler;
    }

    /** A schedule's view; with {@code limit} above 0, a page of its fired slots from {@code offset}. */
    static Responses.ScheduleView scheduleView(Server server, io.loomflow.schedules.ScheduleStatus status, int limit,
                                               int offset) {
        String encoded = URLEncoder.encode(status.name(), StandardCharsets.UTF_8).replace("+", "%20");
        List<Responses.FiredView> recent = new ArrayList<>();
        String next = null;
        if (limit > 0) {
            for (io.loomflow.schedules.FiredSlot slot : server.scheduler().fired(status.name(), limit, offset)) {
                String runState = server.store().run(slot.runId()).map(run -> run.state().label()).orElse(null);
                recent.add(new Responses.FiredView(slot.slot(), slot.time() == null ? null : slot.time().toString(),
                        slot.runId().toString(), slot.state(), slot.claimedAt().toString(), runState,
                        server.base() + "/api/runs/" + slot.runId(), server.base() + "/runs/" + slot.runId()));
            }
            if (offset + recent.size() < status.firedCount() && recent.size() == limit) {
                next = server.base() + "/api/schedules/" + encoded + "?limit=" + limit + "&offset=" + (offset + limit);
            }
        }
        return new Responses.ScheduleView(status.name(), status.flow(), status.timing(), status.zone().getId(),
                status.paused(), status.nextFires().stream().map(java.time.Instant::toString).toList(),
                status.nextFires().stream().map(at -> at.atZone(status.zone()).toOffsetDateTime().toString()).toList(),
                status.firedCount(), recent, server.base() + "/api/schedules/" + encoded,
                server.base() + "/schedules/" + encoded, next);
    }
}
