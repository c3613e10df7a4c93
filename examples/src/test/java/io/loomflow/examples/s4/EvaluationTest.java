package io.loomflow.examples.s4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.loomflow.Engine;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scenario S4 on an engine of the test's own, with the model server faked on loopback. */
class EvaluationTest {

    @TempDir
    Path folder;

    private FakeOllama model;

    @BeforeEach
    void startTheModelServer() {
        model = FakeOllama.start(Duration.ofMillis(20));
    }

    @AfterEach
    void stopTheModelServer() {
        model.close();
    }

    @Test
    void plainBlockingCodeOnAPlatformThreadGetsEveryGradeWithAtMostFourCallsInFlight() throws Exception {
        QuestionsFile questions = QuestionsFile.write(folder, 120);
        CompletableFuture<Evaluation.Summary> outcome = new CompletableFuture<>();
        try (Engine engine = Engine.builder().build()) {
            Thread caller = Thread.ofPlatform().name("s4-caller").start(() -> {
                try {
                    outcome.complete(engine.run(Evaluation.FLOW, questions.params(model)));
                } catch (Throwable failed) {
                    outcome.completeExceptionally(failed);
                }
            });
            caller.join();
        }
        Evaluation.Summary summary = outcome.join();

        assertThat(summary.rows()).isEqualTo(120);
        assertThat(summary.results()).extracting(Evaluation.Grade::question)
                .containsExactlyElementsOf(questions.rows().stream().map(Evaluation.Row::question).toList());
        assertThat(summary.results()).extracting(Evaluation.Grade::passed).containsExactlyElementsOf(questions.expectedVerdicts());
        long passing = questions.expectedVerdicts().stream().filter(v -> v).count();
        assertThat(summary.passed()).isEqualTo(passing);
        assertThat(summary.score()).isEqualTo((double) passing / 120);
        assertThat(model.requests()).isEqualTo(120);
        assertThat(model.malformed()).isZero();
        assertThat(model.maxInFlight()).as("calls in flight at once across %d concurrent batches: the limit '%s' of 4,"
                + " never more, and reached", 120 / Evaluation.ROWS_PER_BATCH + 1, Evaluation.MODEL_SERVER_LIMIT).isEqualTo(4);
    }

    @Test
    void anEngineMaySizeTheModelServerLimitOtherwise() {
        QuestionsFile questions = QuestionsFile.write(folder, 60);
        try (Engine engine = Engine.builder().limit(Evaluation.MODEL_SERVER_LIMIT, 2).build()) {
            assertThat(engine.run(Evaluation.FLOW, questions.params(model)).rows()).isEqualTo(60);
        }
        assertThat(model.maxInFlight()).isEqualTo(2);
    }

    @Test
    void aModelServerErrorReachesTheCallerAsItWasThrown() {
        QuestionsFile questions = QuestionsFile.write(folder, 120);
        model.failFor(questions.question(77));
        Throwable failure;
        try (Engine engine = Engine.builder().build()) {
            failure = catchThrowable(() -> engine.run(Evaluation.FLOW, questions.params(model)));
        }
        assertThat(failure).isExactlyInstanceOf(ModelServerException.class)
                .hasMessageStartingWith("model server " + model.uri() + "/api/chat answered 500 to the question '"
                        + questions.question(77) + "': ")
                .hasMessageContaining("the fake model failed on purpose")
                .hasNoCause();
    }

    @Test
    void anUnreachableModelServerFailsWithTheConnectionErrorAsTheCause() throws Exception {
        QuestionsFile questions = QuestionsFile.write(folder, 3);
        URI nobody;
        try (ServerSocket closed = new ServerSocket(0)) {
            nobody = URI.create("http://127.0.0.1:" + closed.getLocalPort());
        }
        Throwable failure;
        try (Engine engine = Engine.builder().build()) {
            failure = catchThrowable(() -> engine.run(Evaluation.FLOW,
                    new Evaluation.Params(questions.path().toString(), nobody, "fake-grader")));
        }
        assertThat(failure).isExactlyInstanceOf(ModelServerException.class)
                .hasMessageStartingWith("the call to model server " + nobody + "/api/chat failed")
                .hasCauseInstanceOf(ConnectException.class);
    }

    @Test
    void theSampleQuestionsAreReadWithTheirQuotedCellsAndGraded() {
        // Tests run in the examples folder; the command runs from the repository root, hence the defaults' path.
        Evaluation.Params sample = new Evaluation.Params(Evaluation.Params.defaults().rows().replaceFirst("^examples/", ""),
                model.uri(), "fake-grader");
        Evaluation.Summary summary;
        try (Engine engine = Engine.builder().build()) {
            summary = engine.run(Evaluation.FLOW, sample);
        }
        assertThat(summary.rows()).isEqualTo(8);
        assertThat(summary.results()).extracting(Evaluation.Grade::question).contains("What is 12 × 12?",
                "Who wrote \"Pride and Prejudice\"?");
        assertThat(summary.results()).filteredOn(Evaluation.Grade::passed).extracting(Evaluation.Grade::answer)
                .containsExactly("Paris", "Mercury", "144");
    }

    @Test
    void paramsThatCannotWorkAreRefusedWithWhatToPass() {
        assertThatThrownBy(() -> new Evaluation.Params("rows.csv", URI.create("ftp://127.0.0.1/"), "m"))
                .hasMessage("modelServer was ftp://127.0.0.1/; pass the http or https base URL of a server speaking"
                        + " Ollama's chat API, such as http://127.0.0.1:11434");
        assertThatThrownBy(() -> new Evaluation.Params(" ", URI.create("http://127.0.0.1:11434"), "m"))
                .hasMessageStartingWith("rows was blank; pass the path or URI of a CSV");
        assertThatThrownBy(() -> new Evaluation.Params("rows.csv", URI.create("http://127.0.0.1:11434"), ""))
                .hasMessageStartingWith("model was blank; pass the name of a model");
    }
}
