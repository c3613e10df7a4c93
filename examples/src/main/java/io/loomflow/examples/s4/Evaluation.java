package io.loomflow.examples.s4;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.loomflow.Flow;
import io.loomflow.RunContext;
import io.loomflow.Task;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Scenario S4: an evaluation of a model's answers, started over HTTP and run in the background, whose
 * code is plain blocking Java.
 *
 * <p>The {@code evaluation} flow reads a CSV of {@code question,answer,reference} rows (task
 * {@code read-rows}), splits them into batches of {@value #ROWS_PER_BATCH}, and grades the batches
 * concurrently as subflows ({@code grade-batch}); each grades its rows with the task {@code grade},
 * which asks a model server speaking Ollama's chat API ({@code POST /api/chat}) whether the answer
 * says the same as the reference. Every call is a blocking {@link HttpClient#send}, and waiting for
 * the subflows and tasks is a blocking {@code join()}: each run has a virtual thread of its own.
 * All {@code grade} runs share the named limit {@value #MODEL_SERVER_LIMIT}, so at most
 * {@value #MODEL_SERVER_PERMITS} calls are in flight at once, across all batches (an engine may
 * size it otherwise with {@code Engine.Builder.limit}). An error of the model server is a
 * {@link ModelServerException}, which fails the run with its own type and message.
 *
 * <p>From a clone, with Ollama running and a model pulled ({@code ollama pull llama3.2}):
 * {@code ./loomflow server}, then open the {@code evaluation} form, or {@code curl -H 'Content-Type:
 * application/json' -d '{}' http://127.0.0.1:8080/api/flows/evaluation/runs} to grade the sample in
 * {@code examples/data/s4/questions.csv}.
 */
public final class Evaluation {

    /** The name of the limit every call to the model server takes a permit of. */
    public static final String MODEL_SERVER_LIMIT = "model-server";

    /** How many calls to the model server may be in flight at once, unless the engine sizes the limit. */
    public static final int MODEL_SERVER_PERMITS = 4;

    /** How many rows one {@code grade-batch} subflow grades. */
    public static final int ROWS_PER_BATCH = 50;

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** A local model on a laptop may take this long to grade one row; a call that takes longer fails. */
    private static final Duration CALL_TIMEOUT = Duration.ofMinutes(2);
    private static final String INSTRUCTIONS = "You grade answers to questions. Compare the answer with the"
            + " reference answer. Reply PASS if the answer says the same as the reference, otherwise FAIL; then give"
            + " one short sentence why.";

    private static final ObjectReader CSV_ROWS = new CsvMapper().readerFor(Row.class)
            .with(CsvSchema.emptySchema().withHeader())
            .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final ObjectWriter CHAT_REQUEST = new ObjectMapper().writerFor(ChatRequest.class);
    private static final ObjectReader CHAT_RESPONSE = new ObjectMapper().readerFor(ChatResponse.class)
            .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * The parameters of an evaluation; refused at once when one of them is unusable.
     *
     * @param rows the CSV of rows, with a header line naming the columns {@code question},
     *     {@code answer} and {@code reference} (others are ignored): a file path, relative to the
     *     working directory, or a {@code file:}, {@code http:} or {@code https:} URI
     * @param modelServer the base URL of a server speaking Ollama's chat API, such as
     *     {@code http://127.0.0.1:11434}
     * @param model the model that grades, as the model server names it
     */
    public record Params(String rows, URI modelServer, String model) {

        /** Checks the parameters. */
        public Params {
            if (rows == null || rows.isBlank()) {
                throw new IllegalArgumentException("rows was " + (rows == null ? "null" : "blank") + "; pass the path or URI"
                        + " of a CSV with the columns question,answer,reference, such as examples/data/s4/questions.csv");
            }
            if (modelServer == null || !modelServer.isAbsolute() || modelServer.getHost() == null
                    || !List.of("http", "https").contains(modelServer.getScheme().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("modelServer was " + modelServer + "; pass the http or https base URL"
                        + " of a server speaking Ollama's chat API, such as http://127.0.0.1:11434");
            }
            if (model == null || model.isBlank()) {
                throw new IllegalArgumentException("model was " + (model == null ? "null" : "blank") + "; pass the name of"
                        + " a model the model server has, such as llama3.2 (list them with: ollama list)");
            }
        }

        /**
         * The sample questions, read from the repository root, graded by {@code llama3.2} on a local
         * Ollama.
         *
         * @return the defaults
         */
        public static Params defaults() {
            return new Params("examples/data/s4/questions.csv", URI.create("http://127.0.0.1:11434"), "llama3.2");
        }
    }

    /**
     * One row of the CSV.
     *
     * @param question what was asked
     * @param answer the answer to grade
     * @param reference the answer known to be right
     */
    public record Row(String question, String answer, String reference) {
    }

    /**
     * A graded row.
     *
     * @param question what was asked
     * @param answer the answer graded
     * @param reference the answer known to be right
     * @param passed whether the model's verdict begins with PASS
     * @param verdict the model's reply
     */
    public record Grade(String question, String answer, String reference, boolean passed, String verdict) {
    }

    /**
     * The outcome of an evaluation.
     *
     * @param rows how many rows were graded
     * @param passed how many of them passed
     * @param score {@code passed / rows}, 0 when there were none
     * @param results the graded rows, in the order of the CSV
     */
    public record Summary(int rows, int passed, double score, List<Grade> results) {
    }

    /** Ollama's chat request: the messages, and one JSON reply instead of a stream of them. */
    record ChatRequest(String model, List<Message> messages, boolean stream, Map<String, Object> options) {
    }

    /** A chat message; the reply's is in {@link ChatResponse#message()}. */
    record Message(String role, String content) {
    }

    /** The part of Ollama's chat reply the grading reads. */
    record ChatResponse(Message message) {
    }

    /** The flow: reads the rows, grades them in concurrent batches, and sums up. */
    public static final Flow<Params, Summary> FLOW = Flow.named("evaluation", Params.class, Evaluation::evaluate);

    private Evaluation() {
    }

    private static Summary evaluate(Params params) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT).build()) {
            Task<String, List<Row>> readRows = Task.named("read-rows", (String location) -> readRows(http, location));
            Task<Row, Grade> grade = Task.named("grade", (Row row) -> grade(http, params, row))
                    .withLimit(MODEL_SERVER_LIMIT, MODEL_SERVER_PERMITS);
            Flow<List<Row>, List<Grade>> gradeBatch = Flow.named("grade-batch", (List<Row> batch) -> grade.map(batch).join());

            List<Row> rows = readRows.call(params.rows());
            List<List<Row>> batches = IntStream.range(0, (rows.size() + ROWS_PER_BATCH - 1) / ROWS_PER_BATCH)
                    .mapToObj(i -> rows.subList(i * ROWS_PER_BATCH, Math.min(rows.size(), (i + 1) * ROWS_PER_BATCH)))
                    .toList();
            RunContext.current().log().info("grading %d rows in %d batches with %s at %s", rows.size(), batches.size(),
                    params.model(), params.modelServer());
            List<Grade> grades = gradeBatch.map(batches).join().stream().flatMap(List::stream).toList();
            int passed = (int) grades.stream().filter(Grade::passed).count();
            return new Summary(grades.size(), passed, grades.isEmpty() ? 0 : (double) passed / grades.size(), grades);
        }
    }

    private static List<Row> readRows(HttpClient http, String location) throws IOException, InterruptedException {
        String lower = location.toLowerCase(Locale.ROOT);
        List<Row> rows;
        if (lower.startsWith("http:") || lower.startsWith("https:")) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(location)).timeout(CALL_TIMEOUT)
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IOException("GET " + location + " answered " + response.statusCode() + "; pass rows as the URL"
                        + " or path of a CSV with the columns question,answer,reference");
            }
            rows = readCsv(new StringReader(response.body()));
        } else {
            Path file = lower.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
            if (!Files.isRegularFile(file)) {
                throw new FileNotFoundException("rows file " + file.toAbsolutePath() + " does not exist; pass rows as the"
                        + " path of a CSV with the columns question,answer,reference, relative to " + Path.of("")
                        .toAbsolutePath() + " or absolute");
            }
            try (Reader reader = Files.newBufferedReader(file)) {
                rows = readCsv(reader);
            }
        }
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            if (row.question() == null || row.answer() == null || row.reference() == null) {
                throw new IllegalArgumentException("row " + (i + 1) + " of " + location + " has no " + (row.question() == null
                        ? "question" : row.answer() == null ? "answer" : "reference") + "; the CSV needs a header line that"
                        + " names the columns question,answer,reference, and a value of each in every row");
            }
        }
        RunContext.current().log().info("read %d rows from %s", rows.size(), location);
        return rows;
    }

    private static List<Row> readCsv(Reader reader) throws IOException {
        try (MappingIterator<Row> rows = CSV_ROWS.readValues(reader)) {
            return rows.readAll();
        }
    }

    /** Asks the model server for a verdict on one row: one blocking call, under the limit's permit. */
    private static Grade grade(HttpClient http, Params params, Row row) throws IOException, InterruptedException {
        URI chat = URI.create(params.modelServer().toString().replaceFirst("/+$", "") + "/api/chat");
        ChatRequest request = new ChatRequest(params.model(), List.of(new Message("system", INSTRUCTIONS),
                new Message("user", "Question: " + row.question() + "\nAnswer: " + row.answer()
                        + "\nReference: " + row.reference())), false, Map.of("temperature", 0));
        HttpResponse<String> response;
        try {
            response = http.send(HttpRequest.newBuilder(chat).timeout(CALL_TIMEOUT)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(CHAT_REQUEST.writeValueAsString(request))).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException failed) {
            throw new ModelServerException("the call to model server " + chat + " failed (" + failed + "); check that it"
                    + " runs there (ollama serve), or pass another modelServer", failed);
        }
        if (response.statusCode() / 100 != 2) {
            throw new ModelServerException("model server " + chat + " answered " + response.statusCode() + " to the"
                    + " question '" + row.question() + "': " + excerpt(response.body()) + "; check its log, and that it"
                    + " has the model '" + params.model() + "' (ollama pull " + params.model() + ")");
        }
        ChatResponse reply;
        try {
            reply = CHAT_RESPONSE.readValue(response.body());
        } catch (JsonProcessingException notJson) {
            throw new ModelServerException("model server " + chat + " answered " + response.statusCode() + " with a body"
                    + " that is not JSON: " + excerpt(response.body()) + "; check that it speaks Ollama's chat API", notJson);
        }
        if (reply.message() == null || reply.message().content() == null) {
            throw new ModelServerException("model server " + chat + " answered " + response.statusCode() + " without"
                    + " message.content: " + excerpt(response.body()) + "; check that it speaks Ollama's chat API");
        }
        String verdict = reply.message().content().strip();
        boolean passed = verdict.replaceFirst("^[^\\p{L}]+", "").toUpperCase(Locale.ROOT).startsWith("PASS");
        return new Grade(row.question(), row.answer(), row.reference(), passed, verdict);
    }

    private static String excerpt(String body) {
        String line = body.strip().replaceAll("\\s+", " ");
        return line.isEmpty() ? "(no body)" : line.length() <= 200 ? line : line.substring(0, 200) + "...";
    }
}
