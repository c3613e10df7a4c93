package io.loomflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomflow.Flow;
import io.loomflow.Task;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The UI in a real browser, for a reader of many runs: ids that tell runs apart, times in the reader's
 * zone and relative to now, the parent as a link, lists of runs that follow runs live, and a run's
 * progress by state, for the run and for each map.
 */
@ExtendWith(Chromium.PerClass.class)
class LiveUiBrowserTest {

    /** A zone 5 h 45 min from UTC: no test machine's own. */
    private static final String ZONE = "Asia/Kathmandu";

    /** The parameters of {@code waiters}: how many items wait at the gate. */
    record Waiters(int items) {
    }

    @Test
    void runIdsTimesAndParentsAreShownForTheReader(WebDriver browser) throws Exception {
        try (LoomflowServer server = LoomflowServer.builder().flows(TestFlows.all()).port(0).build().start()) {
            Http http = new Http(server.uri());
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) { // within a minute: their time-ordered ids share their first digits
                ids.add(http.post("/api/flows/parent/runs", "{\"rows\":1}").json().path("id").asText());
            }
            ids.forEach(http::awaitEnd);
            ((ChromeDriver) browser).executeCdpCommand("Emulation.setTimezoneOverride", Map.of("timezoneId", ZONE));

            browser.get(server.uri().resolve("/runs").toString());
            List<WebElement> links = browser.findElements(By.cssSelector("table.runs tbody tr td:first-child a"));
            assertThat(links).hasSize(3);
            List<String> shown = links.stream().map(WebElement::getText).toList();
            assertThat(shown).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(ids.stream().map(id -> id.substring(id.length() - 8)).toList());
            assertThat(links.stream().map(link -> link.getAttribute("title")).toList())
                    .containsExactlyInAnyOrderElementsOf(ids);

            WebElement created = browser.findElement(By.cssSelector("tr[data-run='" + ids.getFirst() + "'] time"));
            assertThat(created.getText()).matches("just now|\\d+ s ago|\\d+ min ago");
            Instant at = Instant.parse(http.get("/api/runs/" + ids.getFirst()).json().path("createdAt").asText());
            assertThat(created.getAttribute("title")).startsWith(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
                    .withZone(ZoneId.of(ZONE)).format(at));

            // the subflow's page names its parent, and links to it
            JsonNode child = http.get("/api/runs/" + ids.getFirst() + "/children").json().path("nodes").get(0).path("run");
            browser.get(server.uri().resolve("/runs/" + child.path("id").asText()).toString());
            WebElement parent = browser.findElement(By.id("parent-link"));
            assertThat(parent.getText()).isEqualTo("parent " + ids.getFirst().substring(ids.getFirst().length() - 8));
            parent.click();
            new WebDriverWait(browser, Duration.ofSeconds(10))
                    .until(ExpectedConditions.urlToBe(server.uri().resolve("/runs/" + ids.getFirst()).toString()));
            Chromium.screenshot(browser, "run-page-times-and-ids");
        } finally {
            ((ChromeDriver) browser).executeCdpCommand("Emulation.setTimezoneOverride", Map.of("timezoneId", ""));
        }
    }

    @Test
    void theRunsListAndARunsProgressFollowTheRunLive(WebDriver browser) throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        Task<Integer, Integer> waiter = Task.named("waiter", (Integer i) -> {
            if (!gate.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never opened the gate");
            }
            return i;
        });
        Flow<Waiters, Integer> waiters = Flow.named("waiters", Waiters.class,
                params -> waiter.map(IntStream.range(0, params.items()).boxed().toList()).join().size());
        try (LoomflowServer server = LoomflowServer.builder().flow(waiters).port(0).build().start()) {
            Http http = new Http(server.uri());
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
            browser.get(server.uri().resolve("/runs").toString());
            String list = browser.getWindowHandle();
            assertThat(browser.findElement(By.cssSelector("[data-live-runs]")).getText()).isEqualTo("No runs yet.");
            ((JavascriptExecutor) browser).executeScript("window.notReloaded = true;");

            String id = http.post("/api/flows/waiters/runs", "{\"items\":3}").json().path("id").asText();
            By state = By.cssSelector("[data-live-runs] tr[data-run='" + id + "'] .state");
            wait.until(ExpectedConditions.textToBe(state, "Running")); // a new run appears

            browser.switchTo().newWindow(WindowType.TAB);
            browser.get(server.uri().resolve("/runs/" + id).toString());
            By mapCounts = By.cssSelector("#map-progress [data-map] .progress-counts");
            wait.until(ExpectedConditions.textToBe(mapCounts, "3 Running"));
            // the live page redraws these as events arrive: read them by waiting (each poll finds them again), not
            // by holding an element that a redraw replaces (a stale element)
            wait.until(ExpectedConditions.textToBe(By.cssSelector("#map-progress [data-map] .progress-label"),
                    "map of waiter: 3 items"));
            wait.until(ExpectedConditions.textToBe(By.cssSelector("#run-progress .progress-counts"), "3 Running"));
            Chromium.screenshot(browser, "run-progress-running");

            gate.countDown();
            wait.until(ExpectedConditions.textToBe(mapCounts, "3 Completed"));
            // the map's node in the tree follows the same events, without reading the tree again
            wait.until(ExpectedConditions.textToBe(By.cssSelector("#tree .map-node .progress-counts"), "3 Completed"));
            wait.until(ExpectedConditions.textToBe(By.id("run-state"), "Completed"));
            assertThat(browser.findElements(By.cssSelector("#map-progress [data-map] .progress-bar span.state-Completed")))
                    .hasSize(1);

            browser.close();
            browser.switchTo().window(list);
            wait.until(ExpectedConditions.textToBe(state, "Completed")); // its state changes
            assertThat(((JavascriptExecutor) browser).executeScript("return window.notReloaded === true;")).isEqualTo(true);
        } finally {
            gate.countDown();
        }
    }
}
