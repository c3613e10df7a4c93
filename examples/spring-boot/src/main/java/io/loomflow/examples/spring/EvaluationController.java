package io.loomflow.examples.spring;

import io.loomflow.Engine;
import io.loomflow.Handle;
import io.loomflow.examples.s4.Evaluation;
import io.loomflow.spring.LoomflowProperties;
import java.net.URI;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /evaluations}: starts an evaluation in the background and answers at once. */
@RestController
public class EvaluationController {

    private final Engine engine;
    private final EvaluationDefaults defaults;
    private final String ui;

    EvaluationController(Engine engine, EvaluationDefaults defaults, LoomflowProperties loomflow) {
        this.engine = engine;
        this.defaults = defaults;
        this.ui = loomflow.server().basePath(); // where the starter mounts the UI and API
    }

    /**
     * What a request may give; what it leaves out comes from {@code evaluation.*}.
     *
     * @param rows the CSV of rows
     * @param modelServer the model server's base URL
     * @param model the model that grades
     */
    record Request(String rows, URI modelServer, String model) {
    }

    /**
     * Starts an evaluation on the application's engine and answers 202 with its run id and the links to its page
     * in the UI and to its record in the API, while it runs; a parameter that does not fit is a 400 saying why.
     *
     * @param request the parameters, all optional; no body at all takes the defaults
     * @return 202 with {@code id}, {@code page} and {@code run}, or 400 with {@code error}
     */
    @PostMapping("/evaluations")
    ResponseEntity<Map<String, Object>> start(@RequestBody(required = false) Request request) {
        Request given = request == null ? new Request(null, null, null) : request;
        Evaluation.Params params;
        try {
            params = new Evaluation.Params(given.rows() != null ? given.rows() : defaults.rows(),
                    given.modelServer() != null ? given.modelServer() : defaults.modelServer(),
                    given.model() != null ? given.model() : defaults.model());
        } catch (IllegalArgumentException bad) {
            return ResponseEntity.badRequest().body(Map.of("error", bad.getMessage()));
        }
        Handle<Evaluation.Summary> run = engine.submit(Evaluation.FLOW, params);
        String id = run.runId().toString();
        return ResponseEntity.status(HttpStatus.ACCEPTED).location(URI.create(ui + "/api/runs/" + id))
                .body(Map.of("id", id, "page", ui + "/runs/" + id, "run", ui + "/api/runs/" + id));
    }
}
