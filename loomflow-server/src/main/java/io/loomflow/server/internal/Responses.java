package io.loomflow.server.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * The JSON bodies the API answers with, one record each. Every record is the schema of the same name
 * in {@code openapi.json} ({@code #/components/schemas/NAME}); a test holds their properties, the ones
 * always present ({@code required}) and the routes that answer with them to the document. A component
 * marked {@link Include#NON_NULL} is left out when it has no value; any other one is always written, as
 * {@code null} when it has none.
 */
final class Responses {

    private Responses() {
    }

    /** {@code GET /api/health}. */
    record Health(String status) {
    }

    /** {@code GET /api/flows}. */
    record FlowList(List<FlowView> flows) {
    }

    /** A flow: its name, the JSON schema of its parameters, where to start a run and its page. */
    record FlowView(String name, JsonNode parameters, String runs, String page) {
    }

    /**
     * {@code GET /api/flows/{name}/graph}: the flow's nodes and datasets as core's {@code FlowGraph.toJson}
     * writes them (each with its {@code layer} and {@code position} in it), how many layers, and where a
     * dataset's preview is read ({@code {dataset}} to fill in), or null when the graph cannot preview.
     */
    record FlowGraphView(String flow, JsonNode nodes, JsonNode datasets, int layers, String preview) {
    }

    /**
     * {@code GET /api/flows/{name}/datasets/{dataset}/preview}: a dataset's first rows (at most {@code limit}),
     * a cell per column, as text or null; {@code more} says whether it has more rows.
     */
    record DatasetPreview(String flow, String dataset, String type, String location, List<PreviewColumn> columns,
                          List<List<String>> rows, boolean more, int limit) {
    }

    /** A column of a preview: its name and its type as far as it can be told ({@code string}, {@code integer}...). */
    record PreviewColumn(String name, String type) {
    }

    /** {@code POST /api/flows/{name}/runs}: the run started. */
    record Started(String id, String flow, String url, String page, String events) {
    }

    /** {@code GET /api/runs}: a page of runs; {@code next} is the following page's URL, or null. */
    record RunPage(List<RunView> runs, int limit, int offset, String next) {
    }

    /**
     * A recorded run, in a size that does not grow with its children (they are read page by page:
     * {@link NodePage}); a map's item names its map and index.
     */
    record RunView(String id, String parentId, String rootId, String name, String kind, String state,
                   @JsonProperty("final") boolean ended, String createdAt,
                   @JsonInclude(Include.NON_NULL) String startedAt,
                   @JsonInclude(Include.NON_NULL) String endedAt,
                   @JsonInclude(Include.NON_NULL) Long durationMs,
                   JsonNode parameters, List<StateView> history,
                   @JsonInclude(Include.NON_NULL) ErrorView error,
                   @JsonInclude(Include.NON_NULL) JsonNode result,
                   @JsonInclude(Include.NON_NULL) String mapId,
                   @JsonInclude(Include.NON_NULL) Integer index,
                   String url, String page) {
    }

    /** A state a run entered, when, and why (or null). */
    record StateView(String state, String at, String detail) {
    }

    /** How a run failed: the exception's type and message, and in dev mode where in the sources. */
    record ErrorView(String type, String message, @JsonInclude(Include.NON_NULL) String at) {
    }

    /**
     * {@code GET /api/runs/{id}/summary}: a run, its direct children (map items included) counted by state, and
     * the summaries of its first maps; {@code children} is the URL of the first page of its children.
     */
    record RunSummaryView(RunView run, Map<String, Long> childCounts, long childTotal, List<MapView> maps, int mapCount,
                          String children) {
    }

    /**
     * {@code GET /api/maps/{id}}: one call of {@code map} as one node: its items by state, its first failures and
     * how long its items ran; {@code items} is the URL of the first page of its items.
     */
    record MapView(String id, String parentId, String name, int size, String history, String createdAt,
                   Map<String, Long> counts, long ended, long notStarted, List<ItemFailureView> firstFailures,
                   DurationsView durations, String url, String items) {
    }

    /** A failed item of a map: its index, its run and its error. */
    record ItemFailureView(int index, String runId, ErrorView error, String url) {
    }

    /** How long a map's ended items ran, in milliseconds: percentiles within about 5%, and the longest. */
    record DurationsView(long count, double p50Ms, double p90Ms, double p99Ms, double maxMs) {
    }

    /** A node of a run's tree: a run ({@code type} "run") or a whole map ({@code type} "map"). */
    record NodeView(String type, @JsonInclude(Include.NON_NULL) RunView run,
                    @JsonInclude(Include.NON_NULL) MapView map) {
    }

    /**
     * {@code GET /api/runs/{id}/children}: a page of a run's direct children, oldest first, each map as one node;
     * {@code next} is the following page's URL, or null.
     */
    record NodePage(String id, List<NodeView> nodes, int limit, String state, String next) {
    }

    /** {@code GET /api/maps/{id}/items}: a page of a map's item runs, by index; {@code next} as in {@link NodePage}. */
    record ItemPage(String id, List<RunView> items, int limit, String state, String next) {
    }

    /**
     * {@code GET /api/runs/{id}/logs}; {@code complete} is false when {@code tree=true} met more runs than it
     * reads ({@code Api.TREE_RUNS_READ}) and left the lines of the others out.
     */
    record LogLines(String id, List<LogView> lines, boolean complete) {
    }

    /**
     * {@code GET /api/runs/{id}/lineage}: a page of the datasets the run's tree read and wrote (for a run below a
     * root, those it and its children read and wrote), in the order they were recorded; {@code next} is the next
     * page's URL, or null.
     */
    record LineagePage(String id, List<AccessView> accesses, int limit, String next) {
    }

    /**
     * A dataset a run read or wrote: the run, its parent (the pipeline node it loaded or saved for), whether it
     * read or wrote, the dataset, its version (null when not versioned) and where it is, without credentials.
     */
    record AccessView(String runId, String runName, String parentId, String parentName, long sequence, String at,
                      String access, String dataset, String version, String location) {
    }

    /** A log line; {@code error} is its exception's first line, never the stack trace. */
    record LogView(String runId, long sequence, String at, String level, String message,
                   @JsonInclude(Include.NON_NULL) String error) {
    }

    /** {@code POST /api/runs/{id}/cancel}. */
    record Cancelling(String id, boolean cancelled) {
    }

    /** {@code GET /api/workers}: the workers registered in the queue's database, live ones first. */
    record WorkerList(List<WorkerView> workers) {
    }

    /**
     * A worker: what it runs, how busy it is and whether it is alive (its last heartbeat within its
     * lease expiry); {@code flows} are {@code name} or {@code name@version}.
     */
    record WorkerView(String id, String name, String host, long pid, boolean alive, boolean stopping, String started,
                      String heartbeat, int inFlight, int concurrency, List<String> queues, List<String> flows) {
    }

    /** {@code GET /api/queues}: the depth of each queue that has runs queued or running. */
    record QueueList(List<QueueView> queues) {
    }

    /** One queue: its runs waiting for a worker, and those a worker runs. */
    record QueueView(String queue, long queued, long running) {
    }

    /** {@code GET /api/dev}: dev mode's status. */
    record DevStatus(String directory, long generation, long revision, boolean ok, List<DevProblem> problems,
                     List<DevFlow> flows, List<String> notes, int retiring, int retiredLoadersAlive, int threads) {
    }

    /** A problem dev mode found in the sources. */
    record DevProblem(String file, long line, long column, String message, String text) {
    }

    /** A flow of the generation serving, and its source file. */
    record DevFlow(String name, String file) {
    }

    /** The run an event is about. */
    record RunRef(String id, String parentId, String rootId, String name, String kind) {
    }

    /**
     * {@code event: state} on {@code GET /api/events}: a run entered a state; with the error of a failure or
     * a retry, the detail of a cancellation, crash, wait or attempt, and a flow's result once it completed.
     */
    record StateEvent(long sequence, String at, RunRef run, String type, String state,
                      @JsonProperty("final") boolean ended, String previous,
                      @JsonInclude(Include.NON_NULL) ErrorView error,
                      @JsonInclude(Include.NON_NULL) String detail,
                      @JsonInclude(Include.NON_NULL) JsonNode result) {
    }

    /** {@code event: log} on {@code GET /api/events}: a log line; {@code error} is its exception's type and message. */
    record LogEvent(long sequence, String at, RunRef run, String type, String level, String message,
                    @JsonInclude(Include.NON_NULL) String error) {
    }

    /** {@code event: lineage} on {@code GET /api/events}: a run read or wrote a dataset, as the run page's Data section shows it. */
    record LineageEvent(long sequence, String at, RunRef run, String type, String access, String dataset, String version,
                        String location) {
    }

    /**
     * {@code event: progress} on {@code GET /api/events}: a root run's tree in numbers, at most ten times a
     * second while it changes: the runs below the root by state, the maps whose items changed (every map in
     * the first progress a stream gets, and in the last, which comes before the root's final state), and how
     * many events of the tree the stream left out when they came faster than it could send them one by one
     * (read the tree and logs again when the run has ended).
     */
    record ProgressEvent(String at, String rootId, String type, Map<String, Long> counts, List<MapProgress> maps,
                         long leftOut) {
    }

    /** One call of {@code map}: its items by state, and whether they have all ended. */
    record MapProgress(String id, String name, String parentId, int size, Map<String, Long> counts, boolean ended) {
    }

    /** {@code event: generation} on {@code GET /api/events}: dev mode compiled the sources. */
    record GenerationEvent(long generation, long revision, boolean ok) {

        static GenerationEvent of(DevMode.Status status) {
            return new GenerationEvent(status.generation(), status.revision(), status.ok());
        }
    }
    /** {@code GET /api/schedules}: the schedules of the scheduler the server hosts. */
    record ScheduleList(List<ScheduleView> schedules) {
    }

    /**
     * A schedule: its flow, timing and zone, whether it is paused, its next fire times (UTC instants, and
     * the same times in its zone), how many slots it fired, and a page of the latest ({@code recent}, empty in
     * the list); {@code next} is the following page's URL, or null.
     */
    record ScheduleView(String name, String flow, String timing, String zone, boolean paused, List<String> nextFires,
                        List<String> nextFiresInZone, long fired, List<FiredView> recent, String url, String page,
                        String next) {
    }

    /**
     * A slot a schedule fired: its key, its time (null for a slot of an earlier definition), its run's id, the
     * slot's state ({@code claimed}, {@code started}, {@code ended}), when it was claimed, the run's state in the
     * history (null while the history has no such run) and the run's URLs.
     */
    record FiredView(String slot, String time, String runId, String state, String claimedAt, String runState,
                     String run, String runPage) {
    }
}
