package io.loomflow.server.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loomflow.ParameterException;
import io.loomflow.ParameterModel;
import java.util.Collection;

/**
 * A request the server refuses: an HTTP status and a JSON body whose {@code error} says what was
 * wrong and what to do, with more fields where they help (the known flows, each bad field). Never
 * carries a stack trace.
 */
final class HttpError extends RuntimeException {

    private final int status;
    private final transient ObjectNode body;

    HttpError(int status, String error) {
        this(status, JsonNodeFactory.instance.objectNode().put("error", error));
    }

    private HttpError(int status, ObjectNode body) {
        super(body.path("error").asText(), null, false, false);
        this.status = status;
        this.body = body;
    }

    int status() {
        return status;
    }

    ObjectNode body() {
        return body;
    }

    static HttpError notFound(String what) {
        return new HttpError(404, what);
    }

    static HttpError unknownFlow(String name, Collection<String> known) {
        String closest = ParameterModel.closest(name, known).orElse(null);
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("error", "no flow named '" + name + "'"
                + (closest == null ? "" : "; did you mean '" + closest + "'?")
                + (known.isEmpty() ? "; this server has no flows" : "; the flows are " + String.join(", ", known)));
        known.forEach(body.putArray("flows")::add);
        return new HttpError(404, body);
    }

    /** 400 with the model's problems, one {@code {field, problem}} each (at most 20; {@code problemsLeftOut} counts the rest). */
    static HttpError badParameters(ParameterException doesNotFit) {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("error", doesNotFit.getMessage());
        for (ParameterException.Problem problem : doesNotFit.problems()) {
            body.withArray("problems").addObject().put("field", problem.field()).put("problem", problem.problem());
        }
        if (doesNotFit.problemsLeftOut() > 0) {
            body.put("problemsLeftOut", doesNotFit.problemsLeftOut());
        }
        return new HttpError(400, body);
    }

    static HttpError malformedJson(long line, long column, String problem) {
        ObjectNode body = JsonNodeFactory.instance.objectNode()
                .put("error", "malformed JSON at line " + line + ", column " + column + ": " + problem
                        + "; send a JSON object of the flow's parameters")
                .put("line", line).put("column", column);
        return new HttpError(400, body);
    }

    static HttpError tooLarge(long limit) {
        return new HttpError(413, "the request body is over " + limit + " bytes, the most this server accepts;"
                + " send less, or start the server with a larger limit (maxBodyBytes)");
    }

    HttpError with(String field, String value) {
        body.put(field, value);
        return this;
    }
}
