package io.loomflow.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomflow.Engine;
import io.loomflow.FailurePolicy;
import io.loomflow.Flow;
import io.loomflow.Outcome;
import io.loomflow.Task;
import io.loomflow.store.RunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.IntStream;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Not a test: a program that starts a server with a run of a million tasks and saves screenshots of its run
 * page through the tests' browser ({@link Chromium}), once while the run is in flight and once after it ended,
 * as {@code million-tasks-in-flight.png} and {@code million-tasks-ended.png} in a directory (by default
 * {@code docs/screenshots}). Each item sleeps 2 ms under a limit of 256 permits, and one item in 10,007 fails.
 * From the repository's root, after {@code ./mvnw -pl loomflow-server -am test-compile}:
 * <pre>{@code
 * java -Xmx6g -cp "loomflow-server/target/test-classes:loomflow-server/target/classes:$(cat cp.txt)" \
 *     io.loomflow.server.MillionTaskScreenshots [directory] [tasks]
 * }</pre>
 * where {@code cp.txt} is the module's test class path ({@code dependency:build-classpath
 * -Dmdep.includeScope=test -Dmdep.outputFile=cp.txt}).
 */
public final class MillionTaskScreenshots {

    /** The parameters of {@code million}: how many items. */
    public record Items(int count) {
    }

    static final Task<Integer, Integer> WORK = Task.named("work", (Integer i) -> {
        Thread.sleep(2);
        if (i % 10_007 == 5) {
            throw new IllegalStateException("item " + i + " found nothing to work on");
        }
        return i;
    }).withLimit("io");

    static final Flow<Items, Long> MILLION = Flow.named("million", Items.class, items -> WORK.map(
            IntStream.range(0, items.count()).boxed()).outcomes().stream()
            .filter(outcome -> outcome instanceof Outcome.Success<?>).count()).withFailurePolicy(FailurePolicy.COLLECT_ALL);

    private MillionTaskScreenshots() {
    }

    /**
     * Takes the two screenshots.
     *
     * @param args the directory to write to, and how many tasks (default 1,000,000)
     * @throws Exception if the server or the browser fails
     */
    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args.length > 0 ? args[0] : "docs/screenshots").toAbsolutePath();
        int tasks = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        Files.createDirectories(directory);
        System.setProperty("loomflow.screenshots", directory.toString());
        WebDriver browser = Chromium.start();
        try (LoomflowServer server = LoomflowServer.builder().flow(MILLION).store(RunStore.inMemory())
                .engineSetup(engine -> engine.limit("io", 256)).reloadGrace(Duration.ZERO).port(0).build().start()) {
            browser.manage().window().setSize(new Dimension(1100, 1100));
            Http http = new Http(server.uri());
            String id = http.post("/api/flows/million/runs", "{\"count\":" + tasks + "}").json().path("id").asText();
            long started = System.nanoTime();
            awaitEnded(http, id, tasks / 5, Duration.ofMinutes(10));
            browser.get(server.uri().resolve("/runs/" + id).toString());
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
            WebElement map = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#tree > li.map-node")));
            map.findElement(By.cssSelector(".toggle")).click();
            wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#tree .map-node table.items tbody tr"), 100));
            new Select(map.findElement(By.cssSelector(".item-filter"))).selectByVisibleText("Running");
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(
                    "#tree .map-node table.items tbody tr .state-Running")));
            scrollTo(browser, "Progress");
            System.out.println("in flight: " + Chromium.screenshot(browser, "million-tasks-in-flight") + " after "
                    + (System.nanoTime() - started) / 1_000_000_000 + " s");

            JsonNode ended = http.awaitEnd(id, Duration.ofMinutes(30));
            System.out.println("the run ended " + ended.path("state").asText() + " after "
                    + (System.nanoTime() - started) / 1_000_000_000 + " s");
            wait.until(ExpectedConditions.textToBe(By.id("run-state"), ended.path("state").asText()));
            new Select(map.findElement(By.cssSelector(".item-filter"))).selectByVisibleText("Failed");
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(
                    "#tree .map-node table.items tbody tr .state-Failed")));
            scrollTo(browser, "Progress");
            System.out.println("ended: " + Chromium.screenshot(browser, "million-tasks-ended"));
        } finally {
            browser.quit();
        }
    }

    /** Waits until the run's summary counts {@code count} children ended. */
    private static void awaitEnded(Http http, String id, long count, Duration most) throws InterruptedException {
        long deadline = System.nanoTime() + most.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode summary = http.get("/api/runs/" + id + "/summary").json();
            long ended = summary.path("maps").path(0).path("ended").asLong();
            if (ended >= count) {
                return;
            }
            Thread.sleep(500); // a program, not a test: it polls the run's summary as a reader would
        }
        throw new IllegalStateException("fewer than " + count + " items ended within " + most);
    }

    /** Scrolls the page to the heading {@code title}. */
    private static void scrollTo(WebDriver browser, String title) {
        WebElement heading = browser.findElement(By.xpath("//h2[text()='" + title + "']"));
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView(true);", heading);
    }
}
