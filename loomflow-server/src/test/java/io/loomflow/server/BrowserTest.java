package io.loomflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.RunContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Scenario S3 in a real browser: the server is started from each kind of thread a user may have at
 * hand, and a click on a flow's form runs the flow and shows its live state and result.
 */
@ExtendWith(Chromium.PerClass.class)
class BrowserTest {

    /** The threads a server is started from. */
    enum StartedFrom {
        TEST_THREAD, PLATFORM_THREAD, VIRTUAL_THREAD, POOL_THREAD, INSIDE_A_FLOW;

        LoomflowServer start(LoomflowServer.Builder builder) throws Exception {
            Supplier<LoomflowServer> start = () -> builder.build().start();
            return switch (this) {
                case TEST_THREAD -> start.get();
                case PLATFORM_THREAD -> on(Thread.ofPlatform().name("user-platform-thread").factory(), start);
                case VIRTUAL_THREAD -> on(Thread.ofVirtual().factory(), start);
                case POOL_THREAD -> {
                    ExecutorService pool = Executors.newFixedThreadPool(2);
                    try {
                        yield pool.submit(start::get).get(30, TimeUnit.SECONDS);
                    } finally {
                        pool.shutdown();
                    }
                }
                case INSIDE_A_FLOW -> {
                    try (Engine engine = Engine.builder().name("host").build()) {
                        yield engine.run(Flow.named("host-the-server", (Object ignored) -> start.get()), null);
                    }
                }
            };
        }

        private static LoomflowServer on(java.util.concurrent.ThreadFactory threads, Supplier<LoomflowServer> start)
                throws Exception {
            CompletableFuture<LoomflowServer> started = new CompletableFuture<>();
            Thread thread = threads.newThread(() -> {
                try {
                    started.complete(start.get());
                } catch (Throwable failed) {
                    started.completeExceptionally(failed);
                }
            });
            thread.start();
            LoomflowServer server = started.get(30, TimeUnit.SECONDS);
            thread.join(); // the starting thread is gone; the server goes on serving
            return server;
        }
    }

    /** A flow that logs, then waits at a gate the test opens, then returns a table. */
    record Gate(int rows) {
    }

    @ParameterizedTest
    @EnumSource(StartedFrom.class)
    void aClickOnTheFormRunsTheFlowAndThePageFollowsItLive(StartedFrom from, WebDriver browser) throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        Flow<Gate, List<TestFlows.Row>> gated = Flow.named("gated", Gate.class, params -> {
            RunContext.current().log().info("waiting at the gate with %s rows", params.rows());
            if (!gate.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never opened the gate");
            }
            return TestFlows.TABLE.call(new TestFlows.Count(params.rows()));
        });
        LoomflowServer server = from.start(LoomflowServer.builder().flow(gated).flows(TestFlows.all()).port(0));
        try {
            browser.get(server.uri().resolve("/flows/gated").toString());
            WebElement rows = browser.findElement(By.name("rows"));
            rows.clear();
            rows.sendKeys("3");
            browser.findElement(By.id("run-button")).click();

            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
            wait.until(ExpectedConditions.urlContains("/runs/"));
            wait.until(ExpectedConditions.textToBe(By.id("run-state"), "Running"));
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("logs"), "waiting at the gate with 3 rows"));
            assertThat(browser.findElement(By.id("result")).getText()).isEqualTo("Not yet.");

            gate.countDown(); // from here on the page learns everything from the event stream
            wait.until(ExpectedConditions.textToBe(By.id("run-state"), "Completed"));
            wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#result table tbody tr"), 3));
            List<String> cells = browser.findElements(By.cssSelector("#result table tbody tr:last-child td")).stream()
                    .map(WebElement::getText).toList();
            assertThat(cells).containsExactly("row 2", "20");
            assertThat(browser.findElements(By.cssSelector("#result table th")).stream().map(WebElement::getText))
                    .containsExactly("name", "score");
            // the tree: the subflow, which opens to its map of three items, as one node
            wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#tree > li.node"), 1));
            WebElement table = browser.findElement(By.cssSelector("#tree > li.node"));
            assertThat(table.findElement(By.cssSelector(".node-name")).getText()).isEqualTo("table");
            assertThat(table.findElement(By.cssSelector(".state")).getText()).isEqualTo("Completed");
            table.findElement(By.cssSelector(".toggle")).click();
            wait.until(ExpectedConditions.textToBePresentInElement(table, "map of score: 3 items"));
            assertThat(table.findElement(By.cssSelector(".map-node .progress-counts")).getText()).isEqualTo("3 Completed");
            Path shot = Chromium.screenshot(browser, "completed-run-started-from-" + from.name().toLowerCase());
            assertThat(Files.size(shot)).isGreaterThan(1000);

            // the child run links back to its parent
            String runUrl = browser.getCurrentUrl();
            browser.findElement(By.cssSelector("#tree > li.node .node-name")).click();
            wait.until(ExpectedConditions.elementToBeClickable(By.id("parent-link"))).click();
            wait.until(ExpectedConditions.urlToBe(runUrl));
        } finally {
            gate.countDown();
            server.stop();
        }
    }

    @Test
    void aFailingRunShowsItsErrorAndEveryTextStaysText(WebDriver browser) throws Exception {
        try (LoomflowServer server = LoomflowServer.builder().flows(TestFlows.all()).port(0).build().start()) {
            browser.get(server.uri().resolve("/flows/fail").toString());
            browser.findElement(By.name("text")).sendKeys("<b>the model said no</b>");
            browser.findElement(By.id("run-button")).click();
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
            wait.until(ExpectedConditions.textToBe(By.id("run-state"), "Failed"));
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("error")));
            assertThat(browser.findElement(By.id("error")).getText())
                    .isEqualTo("java.lang.IllegalStateException: <b>the model said no</b>");
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("logs"),
                    "about to fail with <b>the model said no</b>"));
            assertThat(browser.findElements(By.cssSelector("#error b, #logs b, #parameters b, main b"))).isEmpty();
            assertThat(browser.findElement(By.id("parameters")).getText()).contains("\"<b>the model said no</b>\"");
            assertThat(browser.findElement(By.id("result")).getText()).isEqualTo("No result.");
            Chromium.screenshot(browser, "failed-run");

            // the runs list filters by state and links to the run
            browser.get(server.uri().resolve("/runs?state=Failed").toString());
            assertThat(browser.findElements(By.cssSelector("table.runs tbody tr"))).hasSize(1);
            assertThat(browser.findElement(By.cssSelector("table.runs tbody tr td:nth-child(2)")).getText()).isEqualTo("fail");
            browser.get(server.uri().resolve("/runs?state=Completed").toString());
            assertThat(browser.findElement(By.cssSelector("main")).getText()).contains("No runs yet.");
        }
    }

    @Test
    void aPageOfAnotherSiteCanNeitherStartNorCancelRuns(WebDriver browser) throws Exception {
        try (LoomflowServer server = LoomflowServer.builder().flows(TestFlows.all()).flow(TestFlows.PING).port(0).build()
                .start()) {
            Http http = new Http(server.uri());
            String slow = http.post("/api/flows/slow/runs", "{\"text\":\"keep going\"}").json().path("id").asText();
            String target = "http://127.0.0.1:" + server.uri().getPort();
            // Another origin and site: 127.0.0.2 is loopback too, but not the server's address or name.
            com.sun.net.httpserver.HttpServer evil = com.sun.net.httpserver.HttpServer.create(
                    new java.net.InetSocketAddress("127.0.0.2", 0), 0);
            String page = """
                    <!doctype html><html><head><title>evil</title></head><body>
                    <iframe name="one"></iframe><iframe name="two"></iframe><iframe name="three"></iframe>
                    <form id="plain" method="post" enctype="text/plain" target="one" action="TARGET/api/flows/ping/runs"></form>
                    <form id="form" method="post" target="two" action="TARGET/api/flows/ping/runs">
                      <input name="times" value="2"></form>
                    <form id="cancel" method="post" enctype="text/plain" target="three" action="TARGET/api/runs/RUN/cancel"></form>
                    <script>
                      const submit = (form, frame) => new Promise((done) => {
                        document.querySelector('iframe[name=' + frame + ']').onload = done;
                        document.getElementById(form).submit();
                      });
                      const results = [];
                      const send = async (what, options) => {
                        try { await fetch('TARGET' + what, options); results.push('answered'); }
                        catch (refused) { results.push('refused'); }
                      };
                      (async () => {
                        await submit('plain', 'one');
                        await submit('form', 'two');
                        await submit('cancel', 'three');
                        await send('/api/flows/ping/runs', { method: 'POST', mode: 'no-cors', body: '' });
                        await send('/api/flows/ping/runs', { method: 'POST', mode: 'no-cors',
                          headers: { 'Content-Type': 'text/plain' }, body: '{}' });
                        await send('/api/runs/RUN/cancel', { method: 'POST', mode: 'no-cors' });
                        await send('/api/flows/ping/runs', { method: 'POST', headers: { 'Content-Type': 'application/json' },
                          body: '{}' });
                        document.title = 'done: ' + results.join(', ');
                      })();
                    </script></body></html>
                    """.replace("TARGET", target).replace("RUN", slow);
            evil.createContext("/", exchange -> {
                byte[] body = page.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            evil.start();
            try {
                browser.get("http://127.0.0.2:" + evil.getAddress().getPort() + "/");
                new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.titleContains("done"));
                // The JSON fetch needs a CORS preflight, which the server does not grant; the rest reach it and are refused.
                assertThat(browser.getTitle()).isEqualTo("done: answered, answered, answered, refused");
            } finally {
                evil.stop(0);
            }
            assertThat(http.get("/api/runs?all=true&flow=ping").json().path("runs")).as("no run of ping").isEmpty();
            assertThat(http.get("/api/runs/" + slow).json().path("state").asText()).as("the slow run goes on")
                    .isEqualTo("Running");
            http.post("/api/runs/" + slow + "/cancel", "");
        }
    }

    @Test
    void theFormValidatesInTheBrowserAndShowsWhatTheServerRefuses(WebDriver browser) {
        try (LoomflowServer server = LoomflowServer.builder().flows(TestFlows.all()).port(0).build().start()) {
            browser.get(server.uri().resolve("/flows/greet").toString());
            // name and address.city are required: the browser stops the run before any request
            browser.findElement(By.id("run-button")).click();
            WebElement nameError = browser.findElement(By.cssSelector("[data-field='name'] .field-error"));
            new WebDriverWait(browser, Duration.ofSeconds(5)).until(ExpectedConditions.visibilityOf(nameError));
            assertThat(nameError.getText()).isNotEmpty();
            assertThat(browser.getCurrentUrl()).endsWith("/flows/greet");
            assertThat(browser.findElement(By.name("times")).getAttribute("value")).isEqualTo("1");
            assertThat(browser.findElement(By.name("mood")).getAttribute("value")).isEqualTo("CALM");

            // what only the server knows: the record's own check
            browser.get(server.uri().resolve("/flows/table").toString());
            browser.findElement(By.name("rows")).sendKeys("-1");
            browser.findElement(By.id("run-button")).click();
            WebElement problem = browser.findElement(By.id("form-error"));
            new WebDriverWait(browser, Duration.ofSeconds(5)).until(ExpectedConditions.visibilityOf(problem));
            assertThat(problem.getText()).isEqualTo("the parameters of flow 'table' do not fit: Count refused the parameters:"
                    + " rows must be 0 or more, was -1");
            assertThat(browser.getCurrentUrl()).endsWith("/flows/table");
        }
    }

    @Test
    void inDevModeThePageReloadsItselfAfterEachCompileAndShowsWhatDoesNotCompile(@TempDir Path dir, WebDriver browser)
            throws Exception {
        String source = """
                import io.loomflow.Flow;

                public class Hello {
                    public record Params(String name) { }
                    public static final Flow<Params, String> FLOW = Flow.named("%s", Params.class, p -> "hi " + p.name());
                }
                """;
        Files.writeString(dir.resolve("Hello.java"), source.formatted("hello"));
        try (LoomflowServer server = LoomflowServer.builder().dev(dir).port(0).build().start()) {
            browser.get(server.uri().resolve("/").toString());
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            assertThat(browser.findElement(By.cssSelector("table.flows")).getText()).contains("hello");
            // Nothing but the page's own script reloads it: the test only edits the file.
            Files.writeString(dir.resolve("Hello.java"), source.formatted("hello-again"));
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("table.flows"), "hello-again"));

            Files.writeString(dir.resolve("Hello.java"), source.formatted("broken").replace("p.name()", "p.nome()"));
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("dev-problems")));
            assertThat(browser.findElement(By.id("dev-problems")).getText())
                    .contains("generation 2 goes on serving").contains("Hello.java:5:").contains("nome()");
            assertThat(browser.findElement(By.cssSelector("table.flows")).getText()).contains("hello-again");
            Chromium.screenshot(browser, "dev-mode-compile-problem");

            Files.writeString(dir.resolve("Hello.java"), source.formatted("fixed"));
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("table.flows"), "fixed"));
            assertThat(browser.findElements(By.id("dev-problems"))).isEmpty();
        }
    }
}
