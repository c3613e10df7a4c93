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

    /** {@code POST /api/flows/{name}/runs}: the run started. */
    record Started(String id, String flow, String url, String page, String events) {
    }

    /** {@code GET /api/runs}: a page of runs; {@code next} is the following page's URL, or null. */
    record RunPage(List<RunView> runs, int limit, int offset, String next) {
    }

    /** A recorded run; {@code children} only in {@code GET /api/runs/{id}}. */
    record RunView(String id, String parentId, String rootId, String name, String kind, String state,
                   @JsonProperty("final") boolean ended, String createdAt,
                   @JsonInclude(Include.NON_NULL) String startedAt,
                   @JsonInclude(Include.NON_NULL) String endedAt,
                   @JsonInclude(Include.NON_NULL) Long durationMs,
                   JsonNode parameters, List<StateView> history,
                   @JsonInclude(Include.NON_NULL) ErrorView error,
                   @JsonInclude(Include.NON_NULL) JsonNode result,
                   @JsonInclude(Include.NON_NULL) List<ChildView> children,
                   String url, String page) {

        RunView withChildren(List<ChildView> below) {
            return new RunView(id, parentId, rootId, name, kind, state, ended, createdAt, startedAt, endedAt, durationMs,
                    parameters, history, error, result, below, url, page);
        }
    }

    /** A state a run entered, when, and why (or null). */
    record StateView(String state, String at, String detail) {
    }

    /** How a run failed: the exception's type and message, and in dev mode where in the sources. */
    record ErrorView(String type, String message, @JsonInclude(Include.NON_NULL) String at) {
    }

    /** A run directly below another. */
    record ChildView(String id, String name, String kind, String state, String url) {
    }

    /** {@code GET /api/runs/{id}/tree}: the run and every run below it, parents first. */
    record RunTree(String id, List<RunView> runs) {
    }

    /** {@code GET /api/runs/{id}/logs}. */
    record LogLines(String id, List<LogView> lines) {
    }

    /** A log line; {@code error} is its exception's first line, never the stack trace. */
    record LogView(String runId, long sequence, String at, String level, String message,
                   @JsonInclude(Include.NON_NULL) String error) {
    }

    /** {@code POST /api/runs/{id}/cancel}. */
    record Cancelling(String id, boolean cancelled) {
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
}
