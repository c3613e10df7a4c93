package io.loomflow.server.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.loomflow.Engine;
import io.loomflow.spi.FlowGraph;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The pictures of flows that carry a graph ({@link FlowGraph}) and the previews of their datasets,
 * bounded: at most {@link #PREVIEWS_AT_ONCE} previews read at once (one more is a 429), each on a
 * platform thread of its own that is interrupted after {@link #PREVIEW_TIME}, rows at most
 * {@link FlowGraph#MAX_ROWS}, cells cut to {@link FlowGraph#CELL_CHARS} whatever the previewer
 * returns. Every failure is a 4xx whose {@code error} names the dataset, never a 5xx.
 */
final class Graphs {

    /** The longest a preview may read before it is stopped and answered 422. */
    static final Duration PREVIEW_TIME = Duration.ofSeconds(10);

    /** How many previews may read at once across the server. */
    static final int PREVIEWS_AT_ONCE = 4;

    /** The rows of a preview unless {@code rows} says otherwise. */
    static final int DEFAULT_ROWS = 20;

    private final Semaphore reading = new Semaphore(PREVIEWS_AT_ONCE);
    private final String base;
    private final ObjectMapper json;

    Graphs(ObjectMapper json, String base) {
        this.json = json;
        this.base = base;
    }

    /** The graph of a flow; 404 when it has none. */
    static FlowGraph of(Server.FlowEntry entry) {
        return entry.flow().graph().orElseThrow(() -> HttpError.notFound("flow " + entry.flow().name() + " has no"
                + " graph: only flows that run a pipeline (Pipeline.toFlow, or a flow given one with Flow.withGraph)"
                + " have one"));
    }

    /** The answer of {@code GET /api/flows/{name}/graph}. */
    Responses.FlowGraphView view(Server.FlowEntry entry) {
        FlowGraph graph = of(entry);
        Map<String, Object> shape = graph.toJson();
        String flow = entry.flow().name();
        return new Responses.FlowGraphView(flow, json.valueToTree(shape.get("nodes")), json.valueToTree(shape.get("datasets")),
                (Integer) shape.get("layers"), graph.previewer() == null ? null
                : base + "/api/flows/" + encode(flow) + "/datasets/{dataset}/preview");
    }

    /** The answer of {@code GET /api/flows/{name}/datasets/{dataset}/preview?rows=N}. */
    Responses.DatasetPreview preview(Server.FlowEntry entry, String name, int rows, Engine engine) {
        String flow = entry.flow().name();
        FlowGraph graph = of(entry);
        FlowGraph.Dataset dataset = graph.dataset(name).orElseThrow(() -> HttpError.notFound("flow " + flow
                + " has no dataset '" + name + "'; its datasets are " + new TreeSet<>(graph.datasets().stream()
                .map(FlowGraph.Dataset::name).toList())));
        if (dataset.kind() != FlowGraph.Kind.CATALOG) {
            throw HttpError.notFound("dataset '" + name + "' of flow " + flow + " is " + (dataset.kind()
                    == FlowGraph.Kind.PARAMETER ? "a parameter" : "handed between nodes in memory during a run and never"
                    + " saved") + ", so there is nothing to preview; catalog datasets can be previewed");
        }
        FlowGraph.Previewer previewer = graph.previewer();
        if (previewer == null) {
            throw HttpError.notFound("flow " + flow + "'s graph cannot preview its datasets, dataset '" + name
                    + "' included");
        }
        if (!reading.tryAcquire()) {
            throw new HttpError(429, "dataset '" + name + "' was not previewed: " + PREVIEWS_AT_ONCE + " previews are"
                    + " being read already; try again in a moment");
        }
        try {
            FlowGraph.Preview preview = read(previewer, name, rows, engine);
            List<Responses.PreviewColumn> columns = preview.columns().stream()
                    .map(column -> new Responses.PreviewColumn(column.name(), column.type())).toList();
            List<List<String>> cells = new ArrayList<>();
            for (List<String> row : preview.rows().subList(0, Math.min(rows, preview.rows().size()))) {
                cells.add(row.stream().map(FlowGraph::cell).toList());
            }
            return new Responses.DatasetPreview(flow, name, dataset.type(), dataset.location(), columns, cells,
                    preview.more() || preview.rows().size() > rows, rows);
        } finally {
            reading.release();
        }
    }

    private static FlowGraph.Preview read(FlowGraph.Previewer previewer, String name, int rows, Engine engine) {
        CompletableFuture<FlowGraph.Preview> result = new CompletableFuture<>();
        Thread reader = Thread.ofPlatform().daemon().name("loomflow-preview").start(() -> {
            try {
                result.complete(previewer.preview(name, rows, engine));
            } catch (Throwable failed) {
                result.completeExceptionally(failed);
            }
        });
        try {
            return result.get(PREVIEW_TIME.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException slow) {
            reader.interrupt();
            throw new HttpError(422, "dataset '" + name + "' could not be read within " + PREVIEW_TIME.toSeconds()
                    + " s, the most a preview may take; it may be too large or its storage too slow");
        } catch (InterruptedException interrupted) {
            reader.interrupt();
            Thread.currentThread().interrupt();
            throw new HttpError(422, "the preview of dataset '" + name + "' was interrupted");
        } catch (ExecutionException failed) {
            Throwable cause = failed.getCause();
            String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            if (cause instanceof NoSuchElementException) {
                throw HttpError.notFound(message.contains(name) ? message : "dataset '" + name + "': " + message);
            }
            throw new HttpError(422, message.contains("'" + name + "'") ? message
                    : "dataset '" + name + "' could not be previewed: " + cause.getClass().getSimpleName() + ": " + message);
        }
    }

    private static String encode(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
