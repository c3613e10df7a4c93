package io.loomflow.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dev mode against a real directory of sources: compiled in the process, swapped in generations,
 * and kept serving through sources that do not compile.
 */
public class DevModeTest {

    /** What the sources under test write down: their resources opening and closing, and their runs. */
    public static final List<String> JOURNAL = new CopyOnWriteArrayList<>();

    @TempDir
    Path dir;

    private LoomflowServer server;
    private final List<LoomflowServer.Reload> reloads = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
        JOURNAL.clear();
    }

    /**
     * A source with one flow, {@code greet}, whose parameter and result are records of its own,
     * whose task uses a resource that writes its opening and closing to the journal, and that sleeps
     * {@code sleepMs} when asked to be slow.
     */
    private static String greetSource(String flowName, String greeting, int version) {
        return """
                import io.loomflow.Flow;
                import io.loomflow.Resource;
                import io.loomflow.Task;
                import io.loomflow.server.DevModeTest;

                public class Greetings {
                    public record Params(String name, long sleepMs) {
                        public static Params defaults() { return new Params("you", 0); }
                    }
                    public record Greeting(String text, int version) { }

                    static final Resource<StringBuilder> BOOK = Resource.named("book", () -> {
                        DevModeTest.JOURNAL.add("open %3$d");
                        return new StringBuilder();
                    }).withCloser(book -> DevModeTest.JOURNAL.add("close %3$d"));

                    static final Task<Params, Greeting> SAY = Task.named("say", (Params p) -> {
                        BOOK.get().append(p.name());
                        Thread.sleep(p.sleepMs());
                        DevModeTest.JOURNAL.add("ran %3$d");
                        return new Greeting("%2$s, " + p.name(), %3$d);
                    });

                    public static final Flow<Params, Greeting> GREET = Flow.named("%1$s", Params.class, SAY::call);
                }
                """.formatted(flowName, greeting, version);
    }

    private LoomflowServer start(Duration grace) {
        server = LoomflowServer.builder().dev(dir).port(0).reloadGrace(grace).onReload(reloads::add).build().start();
        return server;
    }

    private JsonNode dev(Http http) {
        return http.get("/api/dev").json();
    }

    private void write(String file, String text) throws IOException {
        Files.writeString(dir.resolve(file), text);
    }

    private static long generationOf(JsonNode status) {
        return status.path("generation").asLong();
    }

    private void awaitRevision(Http http, long revision) {
        await().atMost(Duration.ofSeconds(30)).until(() -> dev(http).path("revision").asLong() >= revision);
    }

    @Test
    void anEditSwapsInANewGenerationWithItsOwnResourcesAndTheOldOneIsDropped() throws Exception {
        write("Greetings.java", greetSource("greet", "Hello", 1));
        Http http = new Http(start(Duration.ofSeconds(10)).uri());
        assertThat(generationOf(dev(http))).as(dev(http).toString()).isEqualTo(1);
        assertThat(dev(http).path("flows").get(0).path("file").asText()).isEqualTo("Greetings.java");

        JsonNode first = http.awaitEnd(http.post("/api/flows/greet/runs", "{\"name\":\"Ada\"}").json().path("id").asText());
        assertThat(first.path("result").path("text").asText()).isEqualTo("Hello, Ada");
        // A slow run of generation 1 is in flight when the edit lands; it finishes on generation 1.
        String slow = http.post("/api/flows/greet/runs", "{\"name\":\"Bob\",\"sleepMs\":1500}").json().path("id").asText();
        await().until(() -> JOURNAL.stream().filter("open 1"::equals).count() == 1 && http.get("/api/runs/" + slow).json()
                .path("state").asText().equals("Running"));

        write("Greetings.java", greetSource("greet", "Bonjour", 2));
        await().atMost(Duration.ofSeconds(30)).until(() -> generationOf(dev(http)) == 2);
        JsonNode second = http.awaitEnd(http.post("/api/flows/greet/runs", "{\"name\":\"Ada\"}").json().path("id").asText());
        assertThat(second.path("result").path("text").asText()).isEqualTo("Bonjour, Ada");
        assertThat(second.path("result").path("version").asInt()).isEqualTo(2);

        JsonNode slowRun = http.awaitEnd(slow);
        assertThat(slowRun.path("state").asText()).isEqualTo("Completed");
        assertThat(slowRun.path("result").path("text").asText()).isEqualTo("Hello, Bob");
        // Generation 1 closed its resource once, after its last run; generation 2 opened its own.
        await().atMost(Duration.ofSeconds(10)).until(() -> JOURNAL.contains("close 1"));
        assertThat(JOURNAL).containsSubsequence("open 1", "ran 1", "ran 1", "close 1");
        assertThat(Collections.frequency(JOURNAL, "open 1")).isEqualTo(1);
        assertThat(Collections.frequency(JOURNAL, "close 1")).isEqualTo(1);
        assertThat(JOURNAL.indexOf("close 1")).isGreaterThan(JOURNAL.lastIndexOf("ran 1"));
        assertThat(Collections.frequency(JOURNAL, "open 2")).isEqualTo(1);
        assertThat(JOURNAL).doesNotContain("close 2");

        // Nothing keeps generation 1's classes: not the server's JSON caches, nor the recorder's.
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            System.gc();
            JsonNode status = dev(http);
            return status.path("retiring").asInt() == 0 && status.path("retiredLoadersAlive").asInt() == 0;
        });
        assertThat(reloads).extracting(LoomflowServer.Reload::generation).containsExactly(1L, 2L);
        assertThat(reloads).allSatisfy(reload -> assertThat(reload.swapped()).isTrue());
    }

    @Test
    void aSourceThatDoesNotCompileLeavesTheOldGenerationServingAndSaysWhere() throws Exception {
        write("Greetings.java", greetSource("greet", "Hello", 1));
        Http http = new Http(start(Duration.ofSeconds(10)).uri());
        long revision = dev(http).path("revision").asLong();

        write("Greetings.java", greetSource("greet", "Hello", 2).replace("return new Greeting(", "return new Greting("));
        awaitRevision(http, revision + 1);
        JsonNode status = dev(http);
        assertThat(status.path("ok").asBoolean()).isFalse();
        assertThat(generationOf(status)).isEqualTo(1);
        JsonNode problem = status.path("problems").get(0);
        assertThat(problem.path("file").asText()).isEqualTo("Greetings.java");
        assertThat(problem.path("line").asInt()).isEqualTo(21);
        assertThat(problem.path("message").asText()).contains("Greting");
        assertThat(reloads.getLast().problems()).hasSize(1);
        assertThat(reloads.getLast().problems().getFirst().toString()).startsWith("Greetings.java:21:");

        // The old generation goes on serving, and every page says what is wrong, escaped.
        JsonNode run = http.awaitEnd(http.post("/api/flows/greet/runs", "{\"name\":\"Ada\"}").json().path("id").asText());
        assertThat(run.path("result").path("text").asText()).isEqualTo("Hello, Ada");
        String page = http.get("/").text();
        assertThat(page).contains("id=\"dev-problems\"").contains("Greetings.java:21:").contains("generation 1 goes on serving");

        write("Greetings.java", greetSource("greet", "Hi", 3));
        await().atMost(Duration.ofSeconds(30)).until(() -> generationOf(dev(http)) == 2);
        assertThat(dev(http).path("ok").asBoolean()).isTrue();
        assertThat(http.get("/").text()).doesNotContain("dev-problems");
    }

    @Test
    void aRenamedFlowIsNotedAndTwoFlowsOfOneNameAreRefusedNamingBothFiles() throws Exception {
        write("Greetings.java", greetSource("greet", "Hello", 1));
        Http http = new Http(start(Duration.ofSeconds(10)).uri());

        write("Greetings.java", greetSource("welcome", "Hello", 2));
        await().atMost(Duration.ofSeconds(30)).until(() -> generationOf(dev(http)) == 2);
        assertThat(dev(http).path("notes").get(0).asText())
                .isEqualTo("Greetings.java: flow 'greet' is now named 'welcome'; its page and API moved to /flows/welcome,"
                        + " and its earlier runs stay in the history under 'greet'");
        Http.Response gone = http.post("/api/flows/greet/runs", "{}");
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.json().path("flows").toString()).isEqualTo("[\"welcome\"]");

        long revision = dev(http).path("revision").asLong();
        write("Other.java", greetSource("welcome", "Hey", 3).replace("class Greetings", "class Other"));
        awaitRevision(http, revision + 1);
        JsonNode status = dev(http);
        assertThat(generationOf(status)).isEqualTo(2);
        assertThat(status.path("problems").get(0).path("message").asText())
                .isEqualTo("two flows are named 'welcome': one from Greetings.java, one from Other.java; rename one (Flow.named(\"...\"))");
    }

    @Test
    void aResourceThatFailsToOpenFailsTheRunNamingTheSourceLineAndTheServerGoesOn() throws Exception {
        write("Broken.java", """
                import io.loomflow.Flow;
                import io.loomflow.Resource;
                import io.loomflow.Task;

                public class Broken {
                    static final Resource<String> STORE = Resource.named("store", () -> {
                        throw new IllegalArgumentException("connection string 'nope' has no AccountName; set a valid one");
                    });
                    static final Task<String, String> USE = Task.named("use", (String s) -> STORE.get() + s);
                    public static final Flow<Object, String> FLOW = Flow.named("broken", (Object none) -> USE.call("x"));
                }
                """);
        Http http = new Http(start(Duration.ofSeconds(10)).uri());
        JsonNode run = http.awaitEnd(http.post("/api/flows/broken/runs", "{}").json().path("id").asText());
        assertThat(run.path("state").asText()).isEqualTo("Failed");
        assertThat(run.path("error").path("type").asText()).isEqualTo("java.lang.IllegalArgumentException");
        assertThat(run.path("error").path("message").asText())
                .isEqualTo("connection string 'nope' has no AccountName; set a valid one");
        assertThat(run.path("error").path("at").asText()).isEqualTo("Broken.java:7");
        assertThat(run.path("name").asText()).isEqualTo("broken");
        assertThat(http.get("/api/health").status()).isEqualTo(200);
    }

    @Test
    void runsBeyondTheGraceAreCancelledAndRecorded() throws Exception {
        write("Greetings.java", greetSource("greet", "Hello", 1));
        Http http = new Http(start(Duration.ofMillis(300)).uri());
        String slow = http.post("/api/flows/greet/runs", "{\"name\":\"Bob\",\"sleepMs\":60000}").json().path("id").asText();
        await().until(() -> http.get("/api/runs/" + slow).json().path("state").asText().equals("Running"));

        write("Greetings.java", greetSource("greet", "Hello", 2));
        JsonNode run = http.awaitEnd(slow);
        assertThat(run.path("state").asText()).isEqualTo("Cancelled");
        await().atMost(Duration.ofSeconds(10)).until(() -> JOURNAL.contains("close 1"));
        assertThat(generationOf(dev(http))).isEqualTo(2);
    }

    @Test
    void aServerThatIsNotInDevModeSaysSo() {
        server = LoomflowServer.builder().flows(TestFlows.all()).port(0).build().start();
        Http.Response response = new Http(server.uri()).get("/api/dev");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().path("error").asText()).contains("not in dev mode");
    }

    @Test
    void theDirectorysOtherFilesAreTheGenerationsResourcesAndAnEditToConfReloads() throws Exception {
        Files.createDirectories(dir.resolve("conf"));
        Files.writeString(dir.resolve("conf/catalog.yml"), "companies: first\n");
        write("Conf.java", """
                import io.loomflow.Flow;
                import java.nio.charset.StandardCharsets;

                public class Conf {
                    public static final Flow<Object, String> FLOW = Flow.named("conf", (Object none) -> {
                        try (var in = Conf.class.getResourceAsStream("/conf/catalog.yml")) {
                            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
                        }
                    });
                }
                """);
        Http http = new Http(start(Duration.ofSeconds(10)).uri());
        JsonNode first = http.awaitEnd(http.post("/api/flows/conf/runs", "{}").json().path("id").asText());
        assertThat(first.path("result").asText()).isEqualTo("companies: first");

        Files.writeString(dir.resolve("conf/catalog.yml"), "companies: second\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> generationOf(dev(http)) == 2);
        JsonNode second = http.awaitEnd(http.post("/api/flows/conf/runs", "{}").json().path("id").asText());
        assertThat(second.path("result").asText()).isEqualTo("companies: second");
    }

    @Test
    void aSaveThatTruncatesTheFileFirstIsCompiledOnceItIsWritten() throws Exception {
        write("Greetings.java", greetSource("greet", "Hello", 1));
        Http http = new Http(start(Duration.ofSeconds(10)).uri());

        // A slow editor: the file is empty for 200 ms, a pause longer than changes take to settle.
        write("Greetings.java", "");
        Thread.sleep(200);
        write("Greetings.java", greetSource("greet", "Hi", 2));
        await().atMost(Duration.ofSeconds(30)).until(() -> generationOf(dev(http)) == 2);
        Thread.sleep(1000); // no later generation comes
        assertThat(generationOf(dev(http))).isEqualTo(2);
        assertThat(reloads).extracting(LoomflowServer.Reload::flows).containsExactly(List.of("greet"), List.of("greet"));
    }
}
