package io.loomflow.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.loomflow.Event;
import io.loomflow.RunInfo;
import io.loomflow.State;
import io.loomflow.store.ErrorRecord;
import io.loomflow.store.LogRecord;
import io.loomflow.store.Durations;
import io.loomflow.store.MapSummary;
import io.loomflow.store.RunRecord;
import io.loomflow.store.RunSummary;
import io.loomflow.store.TreeNode;
import java.util.function.Supplier;

/** How runs, log lines and events look in JSON: one shape for the API, the pages and the event stream. */
final class Views {

    private final ObjectMapper json;
    private final Supplier<SourceLocator> locator;
    private final String base;

    /**
     * Views with {@code json}; {@code locator} gives dev mode's source locator, or null, to show where
     * in the sources a run failed.
     */
    Views(ObjectMapper json, Supplier<SourceLocator> locator) {
        this(json, locator, "");
    }

    /** Views whose links start with {@code base}, the path a mounted server is served under ({@code ""} for none). */
    Views(ObjectMapper json, Supplier<SourceLocator> locator, String base) {
        this.json = json;
        this.locator = locator;
        this.base = base;
    }

    /**
     * How pages show a run id: its last 8 hexadecimal digits. Run ids are time-ordered (UUID version 7), so
     * runs of the same minutes share their first digits; the last ones are random, and tell runs apart.
     */
    static String shortId(java.util.UUID id) {
        String text = id.toString();
        return text.substring(text.length() - 8);
    }

    /** A recorded run, without its children. */
    Responses.RunView run(RunRecord run) {
        String startedAt = run.history().stream().filter(s -> s.is(State.Kind.RUNNING)).findFirst()
                .map(started -> started.at().toString()).orElse(null);
        return new Responses.RunView(run.id().toString(), run.parentId() == null ? null : run.parentId().toString(),
                run.rootId().toString(), run.name(), run.kind().name().toLowerCase(java.util.Locale.ROOT), run.state().label(),
                run.isFinal(), run.createdAt().toString(), startedAt,
                run.isFinal() ? run.history().getLast().at().toString() : null,
                run.duration().map(java.time.Duration::toMillis).orElse(null),
                parse(run.parameters()),
                run.history().stream().map(state -> new Responses.StateView(state.state(), state.at().toString(),
                        state.detail())).toList(),
                run.error() == null ? null : error(run.error()),
                run.result() == null ? null : parse(run.result()),
                run.mapItem() == null ? null : run.mapItem().mapId().toString(),
                run.mapItem() == null ? null : run.mapItem().index(),
                base + "/api/runs/" + run.id(), base + "/runs/" + run.id());
    }

    /** A run's summary: the run, its children by state, its first maps. */
    Responses.RunSummaryView summary(RunSummary summary) {
        return new Responses.RunSummaryView(run(summary.run()), counts(summary.childCounts()), summary.childTotal(),
                summary.maps().stream().map(this::map).toList(), summary.mapCount(),
                base + "/api/runs/" + summary.run().id() + "/children");
    }

    /** A map as one node: its items by state, first failures and durations. */
    Responses.MapView map(MapSummary map) {
        Durations durations = map.durations();
        return new Responses.MapView(map.id().toString(), map.parentId().toString(), map.name(), map.size(),
                map.history().name(), map.createdAt().toString(), counts(map.counts()), map.ended(), map.notStarted(),
                map.firstFailures().stream().map(failure -> new Responses.ItemFailureView(failure.index(),
                        failure.runId().toString(), error(failure.error()), base + "/api/runs/" + failure.runId())).toList(),
                new Responses.DurationsView(durations.count(), millis(durations.p50()), millis(durations.p90()),
                        millis(durations.p99()), millis(durations.max())),
                base + "/api/maps/" + map.id(), base + "/api/maps/" + map.id() + "/items");
    }

    /** A node of a run's tree. */
    Responses.NodeView node(TreeNode node) {
        return switch (node) {
            case RunRecord run -> new Responses.NodeView("run", run(run), null);
            case MapSummary map -> new Responses.NodeView("map", null, map(map));
        };
    }

    /** Counts by state, keyed by the states' labels, in the order a run moves through them. */
    private static java.util.Map<String, Long> counts(java.util.Map<State.Kind, Long> byKind) {
        java.util.Map<String, Long> counts = new java.util.LinkedHashMap<>();
        new java.util.TreeMap<>(byKind).forEach((kind, count) -> counts.put(kind.label(), count));
        return counts;
    }

    private static double millis(java.time.Duration duration) {
        return duration.toNanos() / 1_000_000.0;
    }

    private Responses.ErrorView error(ErrorRecord error) {
        SourceLocator sources = locator.get();
        return new Responses.ErrorView(error.type(), error.message(),
                sources == null ? null : sources.locate(error.stackTrace()));
    }

    /** A dataset a run read or wrote, as {@code GET /api/runs/{id}/lineage} shows it. */
    static Responses.AccessView access(io.loomflow.store.DatasetAccessRecord access) {
        return new Responses.AccessView(access.runId().toString(), access.runName(),
                access.parentId() == null ? null : access.parentId().toString(), access.parentName(), access.sequence(),
                access.at().toString(), access.access().name().toLowerCase(java.util.Locale.ROOT), access.dataset(),
                access.version(), access.location());
    }

    /** A log line; its error, if any, as its first line (type and message), never the stack trace. */
    Responses.LogView log(LogRecord line) {
        return new Responses.LogView(line.runId().toString(), line.sequence(), line.at().toString(), line.level(),
                line.message(), line.error() != null && !line.error().isEmpty()
                        ? line.error().lines().findFirst().orElse("") : null);
    }

    /**
     * An engine event, as sent on the event stream: a {@link Responses.StateEvent}, a {@link Responses.LogEvent} or
     * a {@link Responses.LineageEvent}.
     */
    String event(Event event) {
        RunInfo run = event.run();
        Responses.RunRef ref = new Responses.RunRef(run.id().toString(),
                run.parentId() == null ? null : run.parentId().toString(), run.rootId().toString(), run.name(),
                run.kind().name().toLowerCase(java.util.Locale.ROOT));
        Object view = switch (event) {
            case Event.StateChange change -> {
                Responses.ErrorView error = null;
                String detail = null;
                JsonNode result = null;
                switch (change.state()) {
                    case State.Failed failed -> error = thrown(failed.error());
                    case State.Retrying retrying -> error = thrown(retrying.error());
                    case State.Cancelled cancelled -> detail = cancelled.reason();
                    case State.Crashed crashed -> detail = crashed.reason();
                    case State.Pending pending -> detail = "waiting for limit " + pending.limit();
                    case State.Running running -> detail = "attempt " + running.attempt();
                    case State.Completed completed when run.kind() == RunInfo.Kind.FLOW -> result = value(completed.result());
                    case State.Cached cached when run.kind() == RunInfo.Kind.FLOW -> result = value(cached.result());
                    default -> {
                        // nothing more to say
                    }
                }
                yield new Responses.StateEvent(event.sequence(), event.at().toString(), ref, "state",
                        change.state().label(), change.state().isFinal(),
                        change.previous() == null ? null : change.previous().label(), error,
                        detail, result);
            }
            case Event.LogLine line -> new Responses.LogEvent(event.sequence(), event.at().toString(), ref, "log",
                    line.level().name(), line.message(), line.error() == null ? null
                            : line.error().getClass().getName() + ": " + line.error().getMessage());
            case Event.DatasetAccess access -> new Responses.LineageEvent(event.sequence(), event.at().toString(), ref,
                    "lineage", access.access().name().toLowerCase(java.util.Locale.ROOT), access.dataset(),
                    access.version(), access.location());
        };
        try {
            return json.writeValueAsString(view);
        } catch (com.fasterxml.jackson.core.JsonProcessingException cannot) {
            throw new IllegalStateException("an event could not be written as JSON: " + cannot.getOriginalMessage(), cannot);
        }
    }

    private Responses.ErrorView thrown(Throwable error) {
        SourceLocator sources = locator.get();
        return new Responses.ErrorView(error.getClass().getName(), error.getMessage(),
                sources == null ? null : sources.locate(error));
    }

    /** A result as JSON, or as its text when JSON cannot represent it. */
    JsonNode value(Object result) {
        try {
            return json.valueToTree(result);
        } catch (IllegalArgumentException notJson) {
            return TextNode.valueOf(String.valueOf(result));
        }
    }

    /** Recorded JSON text as JSON, or as a string when it is not JSON (a value recorded as text). */
    JsonNode parse(String recorded) {
        if (recorded == null) {
            return json.nullNode();
        }
        try {
            return json.readTree(recorded);
        } catch (com.fasterxml.jackson.core.JsonProcessingException notJson) {
            return TextNode.valueOf(recorded);
        }
    }

    /** A worker as {@code GET /api/workers} shows it. */
    static Responses.WorkerView worker(io.loomflow.workers.WorkerInfo worker) {
        return new Responses.WorkerView(worker.id().toString(), worker.name(), worker.host(), worker.pid(), worker.alive(),
                worker.stopping(), worker.started().toString(), worker.heartbeat().toString(), worker.inFlight(),
                worker.concurrency(), worker.queues(), worker.flows());
    }

    /** A queue's depth as {@code GET /api/queues} shows it. */
    static Responses.QueueView queue(io.loomflow.workers.QueueStats queue) {
        return new Responses.QueueView(queue.queue(), queue.queued(), queue.running());
    }
}
