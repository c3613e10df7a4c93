package io.loomflow.server.internal;

import static io.loomflow.server.internal.Pages.escape;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.loomflow.State;
import io.loomflow.store.RunQuery;
import io.loomflow.store.RunRecord;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.List;
import java.util.Map;

/** The web UI's routes: the flows, a form per flow, the runs list and a live page per run. */
final class Ui {

    private static final Map<String, String> ASSETS = Map.of(
            "app.js", "text/javascript; charset=utf-8",
            "app.css", "text/css; charset=utf-8");

    private final Server server;
    private final ObjectMapper json;

    Ui(Server server, ObjectMapper json) {
        this.server = server;
        this.json = json;
    }

    void addTo(Router router) {
        router.route("GET", "/", this::home)
                .route("GET", "/flows/{name}", this::flow)
                .route("GET", "/runs", this::runs)
                .route("GET", "/runs/{id}", this::run)
                .route("GET", "/workers", this::workers)
                .route("GET", "/schedules", this::schedules)
                .route("GET", "/schedules/{name}", this::schedule)
                .route("GET", "/static/{file}", this::asset);
    }

    private void home(Request request) throws IOException {
        StringBuilder body = new StringBuilder("<h1>Flows</h1>");
        if (server.flows().isEmpty()) {
            body.append("<p class=\"hint\">This server has no flows.</p>");
        } else {
            body.append("<table class=\"flows\"><thead><tr><th>Flow</th><th>Parameters</th></tr></thead><tbody>");
            for (Server.FlowEntry entry : server.flows()) {
                List<String> names = new java.util.ArrayList<>();
                entry.schema().path("properties").fieldNames().forEachRemaining(names::add);
                body.append("<tr><td><a href=\"" + server.base() + "/flows/").append(escape(encode(entry.flow().name()))).append("\">")
                        .append(escape(entry.flow().name())).append("</a></td><td>")
                        .append(escape(names.isEmpty() ? "none" : String.join(", ", names))).append("</td></tr>");
            }
            body.append("</tbody></table>");
        }
        body.append("<h2>Recent runs</h2>");
        runTable(body, server.store().runs(RunQuery.all().withRootsOnly().withLimit(10)));
        request.sendHtml(200, Pages.layout(server.base(), server.devStatus(), "Flows", body.toString()));
    }

    private void flow(Request request) throws IOException {
        Server.FlowEntry entry = server.flow(request.path("name"));
        String name = entry.flow().name();
        StringBuilder body = new StringBuilder("<h1>").append(escape(name)).append("</h1>");
        body.append(Pages.form(name, entry.schema()));
        if (entry.flow().graph().isPresent()) {
            body.append(graphSection(name, null));
        }
        body.append("<h2>Recent runs of ").append(escape(name)).append("</h2>");
        runTable(body, server.store().runs(RunQuery.all().withRootsOnly().withName(name).withLimit(10)));
        request.sendHtml(200, Pages.layout(server.base(), server.devStatus(), name, body.toString()));
    }

    private void runs(Request request) throws IOException {
        State.Kind state = Api.stateFilter(request);
        String flow = request.query("flow");
        int offset = request.queryInt("offset", 0, 0, Integer.MAX_VALUE);
        int limit = 50;
        List<RunRecord> found = server.store().runs(new RunQuery(state, flow, true, limit, offset));
        StringBuilder body = new StringBuilder("<h1>Runs</h1><nav class=\"filters\"><a href=\"" + server.base() + "/runs\"")
                .append(state == null ? " class=\"current\"" : "").append(">All</a>");
        for (State.Kind filter : State.Kind.values()) {
            body.append("<a href=\"" + server.base() + "/runs?state=").append(filter.label()).append("\"")
                    .append(filter == state ? " class=\"current\"" : "").append(">").append(filter.label()).append("</a>");
        }
        body.append("</nav>");
        runTable(body, found);
        String query = (state == null ? "" : "&state=" + state.label()) + (flow == null ? "" : "&flow=" + encode(flow));
        body.append("<p class=\"pages\">");
        if (offset > 0) {
            body.append("<a href=\"" + server.base() + "/runs?offset=").append(Math.max(0, offset - limit)).append(escape(query))
                    .append("\">Newer</a> ");
        }
        if (found.size() == limit) {
            body.append("<a href=\"" + server.base() + "/runs?offset=").append(offset + limit).append(escape(query)).append("\">Older</a>");
        }
        body.append("</p>");
        request.sendHtml(200, Pages.layout(server.base(), server.devStatus(), "Runs", body.toString()));
    }

    /**
     * A list of runs, which the page's script keeps live: it reads the list again when a root run starts or
     * changes state (the rows name their run and state for it).
     */
    private void runTable(StringBuilder body, List<RunRecord> runs) {
        body.append("<div class=\"runs-list\" data-live-runs>");
        if (runs.isEmpty()) {
            body.append("<p class=\"hint\">No runs yet.</p></div>");
            return;
        }
        body.append("<table class=\"runs\"><thead><tr><th>Run</th><th>Flow</th><th>State</th><th>Created</th>"
                + "<th>Duration</th><th>Parent</th></tr></thead><tbody>");
        for (RunRecord run : runs) {
            body.append("<tr data-run=\"").append(run.id()).append("\" data-state=\"").append(run.state().label())
                    .append("\" data-final=\"").append(run.isFinal()).append("\"><td>").append(runLink(run.id(), null, null)).append("</td><td>").append(escape(run.name()))
                    .append("</td><td><span class=\"state state-").append(run.state().label()).append("\">")
                    .append(run.state().label()).append("</span></td><td>").append(time(run.createdAt()))
                    .append("</td><td>").append(run.duration().map(Ui::duration).orElse("")).append("</td><td>");
            if (run.parentId() != null) {
                body.append(runLink(run.parentId(), null, null));
            }
            body.append("</td></tr>");
        }
        body.append("</tbody></table></div>");
    }

    /**
     * A link to a run that shows its short id ({@link Views#shortId}), after its name if given; the full id
     * is its title. {@code elementId} is the link's {@code id}, or null.
     */
    private String runLink(UUID id, String name, String elementId) {
        return "<a" + (elementId == null ? "" : " id=\"" + elementId + "\"") + " class=\"run-id\" href=\"" + server.base() + "/runs/" + id
                + "\" title=\"" + id + "\">" + (name == null ? "" : escape(name) + " ") + "<code>" + Views.shortId(id)
                + "</code></a>";
    }

    /** A time, which the page's script shows in the reader's zone and relative to now ("2 min ago"). */
    private static String time(Instant at) {
        return "<time datetime=\"" + at + "\">" + at + "</time>";
    }

    private void run(Request request) throws IOException {
        RunRecord run = server.recordedRun(request.runId("id"));
        StringBuilder body = new StringBuilder();
        body.append("<section id=\"run\" data-run=\"").append(run.id()).append("\" data-root=\"").append(run.rootId())
                .append("\">");
        body.append("<h1><span class=\"kind\">").append(escape(run.kind().name().toLowerCase(java.util.Locale.ROOT)))
                .append("</span> ").append(escape(run.name())).append(" <span id=\"run-state\" class=\"state state-")
                .append(run.state().label()).append("\">").append(run.state().label()).append("</span></h1>");
        body.append("<p class=\"meta\">Run <code title=\"").append(run.id()).append("\">").append(Views.shortId(run.id()))
                .append("</code> · created ").append(time(run.createdAt()));
        if (run.isFinal()) {
            body.append(" · ended ").append(time(run.history().getLast().at()));
        }
        if (run.parentId() != null) {
            String parent = server.store().run(run.parentId()).map(RunRecord::name).orElse(null);
            body.append(" · parent ").append(runLink(run.parentId(), parent, "parent-link"));
        }
        body.append(" <button type=\"button\" id=\"cancel-button\"").append(run.isFinal() ? " hidden" : "")
                .append(">Cancel</button></p>");
        body.append("<h2>Parameters</h2><pre id=\"parameters\">")
                .append(escape(new Views(json, () -> null).parse(run.parameters()).toPrettyString())).append("</pre>");
        body.append("<div id=\"error\" class=\"problem\" hidden></div>");
        body.append("<h2>Result</h2><div id=\"result\"><p class=\"hint\">Not yet.</p></div>");
        body.append("<h2>Progress</h2><div id=\"progress\" class=\"progress\"><div id=\"run-progress\"></div>"
                + "<div id=\"map-progress\"></div><p id=\"maps-left-out\" class=\"hint\"></p></div>");
        if (run.parentId() == null) {
            server.generation().flows().stream()
                    .filter(entry -> entry.flow().name().equals(run.name()) && entry.flow().graph().isPresent())
                    .findFirst().ifPresent(entry -> body.append(graphSection(run.name(), run.id())));
        }
        body.append("<h2>Task durations</h2><div id=\"durations\" class=\"durations\"></div>");
        body.append("<h2>Tree</h2><p class=\"hint\">Runs below this one, oldest first, a page at a time; a map is one"
                + " node that opens to its items.</p><ul id=\"tree\" class=\"tree\"></ul>");
        body.append("<h2>Data</h2><p class=\"hint\">The datasets ").append(run.parentId() == null
                ? "this run's nodes" : "this run and the runs just below it").append(" read and wrote, with their"
                + " versions and locations, by node, in the order they were recorded.</p>"
                + "<div id=\"lineage\" class=\"lineage\"></div>");
        body.append("<h2>Logs</h2><pre id=\"logs\" class=\"logs\"></pre>");
        body.append("</section>");
        request.sendHtml(200, Pages.layout(server.base(), server.devStatus(), run.name(), body.toString()));
    }

    /**
     * Where the script draws a flow's graph ({@code GET /api/flows/{name}/graph}) as SVG; on a run's page it
     * colours the nodes by the states of their task runs, and a click on a catalog dataset shows its preview.
     */
    private static String graphSection(String flow, UUID run) {
        return "<h2>Graph</h2><p class=\"hint\">Nodes (boxes) and datasets (rounded: catalog; dashed: in memory;"
                + " grey: parameters), in layers; click a catalog dataset for its first rows and columns.</p>"
                + "<section id=\"graph\" class=\"graph\" data-graph-flow=\"" + escape(flow) + "\""
                + (run == null ? "" : " data-graph-run=\"" + run + "\"") + "><div class=\"graph-canvas\"></div>"
                + "<div id=\"graph-preview\" class=\"graph-preview\" hidden></div></section>";
    }

    /** The workers of the server's queue and the depth of each queue; a note when the server runs flows itself. */
    private void workers(Request request) throws IOException {
        StringBuilder body = new StringBuilder("<h1>Workers</h1>");
        if (server.queue() == null) {
            body.append("<p class=\"hint\">This server runs its flows itself. Build it with <code>LoomflowServer.builder().scheduler(...)"
                    + " --workers --db jdbc:postgresql://HOST/DB</code> to queue runs for workers"
                    + " (<code>loomflow worker</code>) and list them here.</p>");
            request.sendHtml(200, Pages.layout(server.base(), server.devStatus(), "Workers", body.toString()));
            return;
        }
        List<io.loomflow.workers.WorkerInfo> workers = Api.workers(server);
        if (workers.isEmpty()) {
            body.append("<p class=\"hint\">No worker is registered. Start one with <code>loomflow worker --db"
                    + " URL</code>.</p>");
        } else {
            body.append("<table class=\"workers\"><thead><tr><th>Worker</th><th>Host</th><th>State</th>"
                    + "<th>Last heartbeat</th><th>In flight</th><th>Concurrency</th><th>Queues</th><th>Flows</th>"
                    + "</tr></thead><tbody>");
            for (io.loomflow.workers.WorkerInfo worker : workers) {
                String state = !worker.alive() ? "dead" : worker.stopping() ? "stopping" : "alive";
                body.append("<tr data-worker=\"").append(worker.id()).append("\"><td>").append(escape(worker.name()))
                        .append("</td><td>").append(escape(worker.host())).append(" (pid ").append(worker.pid())
                        .append(")</td><td><span class=\"worker-").append(state).append("\">").append(state)
                        .append("</span></td><td>").append(time(worker.heartbeat())).append("</td><td>")
                        .append(worker.inFlight()).append("</td><td>").append(worker.concurrency()).append("</td><td>")
                        .append(escape(String.join(", ", worker.queues()))).append("</td><td>")
                        .append(escape(String.join(", ", worker.flows()))).append("</td></tr>");
            }
            body.append("</tbody></table>");
        }
        body.append("<h2>Queues</h2>");
        List<io.loomflow.workers.QueueStats> queues = Api.queues(server);
        if (queues.isEmpty()) {
            body.append("<p class=\"hint\">No run is queued or running.</p>");
        } else {
            body.append("<table class=\"queues\"><thead><tr><th>Queue</th><th>Queued</th><th>Running</th></tr></thead>"
                    + "<tbody>");
            for (io.loomflow.workers.QueueStats queue : queues) {
                body.append("<tr><td>").append(escape(queue.queue())).append("</td><td>").append(queue.queued())
                        .append("</td><td>").append(queue.running()).append("</td></tr>");
            }
            body.append("</tbody></table>");
        }
        request.sendHtml(200, Pages.layout(server.base(), server.devStatus(), "Workers", body.toString()));
    }

    /** The schedules of the scheduler the server hosts: next fire times, paused, a pause or resume button each. */
    private void schedules(Request request) throws IOException {
        StringBuilder body = new StringBuilder("<h1>Schedules</h1>");
        io.loomflow.schedules.Scheduler scheduler = server.scheduler();
        if (scheduler == null) {
            body.append("<p class=\"hint\">This server hosts no scheduler. Build it with <code>LoomflowServer.builder().scheduler(...)"
                    + "</code> to fire schedules and list them here.</p>");
        } else if (scheduler.schedules().isEmpty()) {
            body.append("<p class=\"hint\">The scheduler has no schedules.</p>");
        } else {
            body.append("<table class=\"schedules\"><thead><tr><th>Schedule</th><th>Flow</th><th>Timing</th>"
                    + "<th>Next fire times</th><th>State</th><th></th></tr></thead><tbody>");
            for (io.loomflow.schedules.ScheduleStatus status : scheduler.statuses(Api.NEXT_FIRES, 0)) {
                body.append("<tr data-schedule=\"").append(escape(status.name())).append("\"><td><a href=\"")
                        .append(server.base()).append("/schedules/").append(escape(encode(status.name()))).append("\">")
                        .append(escape(status.name())).append("</a></td><td>").append(escape(status.flow()))
                        .append("</td><td>").append(escape(status.timing())).append(" (").append(escape(status.zone().getId()))
                        .append(")</td><td>");
                nextFires(body, status);
                body.append("</td><td>");
                pauseState(body, status);
                body.append("</td></tr>");
            }
            body.append("</tbody></table>");
        }
        request.sendHtml(200, Pages.layout(server.base(), server.devStatus(), "Schedules", body.toString()));
    }

    /** A schedule's page: what it is, its next fire times, and the runs it made, the latest first. */
    private void schedule(Request request) throws IOException {
        String name = request.path("name");
        io.loomflow.schedules.Scheduler scheduler = Api.scheduler(server, name);
        int limit = request.queryInt("limit", 50, 1, 500);
        int offset = request.queryInt("offset", 0, 0, Integer.MAX_VALUE);
        Responses.ScheduleView view = Api.scheduleView(server, scheduler.status(name, Api.NEXT_FIRES, 0), limit, offset);
        io.loomflow.schedules.ScheduleStatus status = scheduler.status(name, Api.NEXT_FIRES, 0);
        StringBuilder body = new StringBuilder("<h1>Schedule <span class=\"name\">").append(escape(name)).append("</span></h1>");
        body.append("<p>Starts flow <a href=\"").append(server.base()).append("/flows/").append(escape(encode(status.flow())))
                .append("\">").append(escape(status.flow())).append("</a> on ").append(escape(status.timing()))
                .append(", zone ").append(escape(status.zone().getId())).append(".</p><p>");
        pauseState(body, status);
        body.append("</p><h2>Next fire times</h2>");
        nextFires(body, status);
        body.append("<h2>Runs it made</h2>");
        if (view.recent().isEmpty()) {
            body.append("<p class=\"hint\">It has fired no slot yet.</p>");
        } else {
            body.append("<table class=\"fired\"><thead><tr><th>Slot</th><th>Run</th><th>Run state</th><th>Slot state</th>"
                    + "</tr></thead><tbody>");
            for (Responses.FiredView fired : view.recent()) {
                body.append("<tr data-slot=\"").append(escape(fired.slot())).append("\"><td>").append(escape(fired.slot()))
                        .append("</td><td><a class=\"run-link\" href=\"").append(fired.runPage()).append("\">")
                        .append(fired.runId()).append("</a></td><td>")
                        .append(fired.runState() == null ? "not recorded" : escape(fired.runState())).append("</td><td>")
                        .append(escape(fired.state())).append("</td></tr>");
            }
            body.append("</tbody></table>");
            if (view.next() != null) {
                body.append("<p><a href=\"").append(server.base()).append("/schedules/").append(escape(encode(name)))
                        .append("?limit=").append(limit).append("&amp;offset=").append(offset + limit)
                        .append("\">Older runs</a></p>");
            }
        }
        request.sendHtml(200, Pages.layout(server.base(), server.devStatus(), "Schedule " + name, body.toString()));
    }

    private static void nextFires(StringBuilder body, io.loomflow.schedules.ScheduleStatus status) {
        if (status.nextFires().isEmpty()) {
            body.append("<span class=\"hint\">none</span>");
            return;
        }
        body.append("<ul class=\"next-fires\">");
        for (Instant at : status.nextFires()) {
            body.append("<li>").append(escape(at.atZone(status.zone()).toOffsetDateTime().toString())).append(" (")
                    .append(at).append(")</li>");
        }
        body.append("</ul>");
    }

    private static void pauseState(StringBuilder body, io.loomflow.schedules.ScheduleStatus status) {
        body.append("<span class=\"schedule-state\">").append(status.paused() ? "paused" : "active")
                .append("</span> <button type=\"button\" class=\"schedule-action\" data-action=\"")
                .append(status.paused() ? "resume" : "pause").append("\" data-name=\"").append(escape(status.name()))
                .append("\">").append(status.paused() ? "Resume" : "Pause").append("</button>");
    }

    private void asset(Request request) throws IOException {
        String file = request.path("file");
        String type = ASSETS.get(file);
        if (type == null) {
            throw HttpError.notFound("no file " + file + " in /static");
        }
        try (InputStream in = Ui.class.getResourceAsStream("web/" + file)) {
            request.exchange().getResponseHeaders().set("Cache-Control", "no-cache");
            request.send(200, type, in.readAllBytes());
        }
    }

    private static String duration(Duration duration) {
        long millis = duration.toMillis();
        return millis < 1000 ? millis + " ms" : String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    private static String encode(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
