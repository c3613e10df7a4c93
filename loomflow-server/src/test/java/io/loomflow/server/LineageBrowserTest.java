package io.loomflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.store.RunStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A run's lineage on its page, in a real browser: the Data section lists, by node, the datasets read and
 * written with versions and locations, as recorded when the page opened and then live from the run's events, and
 * shows a dataset whose name and location are markup as text. Screenshots in target/screenshots.
 */
@ExtendWith(Chromium.PerClass.class)
class LineageBrowserTest {

    @TempDir
    Path folder;

    @Test
    void theRunPageShowsWhatEachNodeReadAndWroteLive(WebDriver browser) throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch end = new CountDownLatch(1);
        try (LoomflowServer server = LoomflowServer.builder().flow(TestLineage.flow(gate, end))
                .store(RunStore.embedded(folder)).port(0).build().start()) {
            Http http = new Http(server.uri());
            String id = http.post("/api/flows/" + TestLineage.NAME + "/runs", "{}").json().path("id").asText();
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
            browser.get(server.uri().resolve("/runs/" + id).toString());

            By groups = By.cssSelector("#lineage tbody.lineage-node");
            wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#lineage tbody.lineage-node tr.lineage-read,"
                    + " #lineage tbody.lineage-node tr.lineage-write"), 2 + 3));
            assertThat(browser.findElements(groups)).extracting(group -> group.findElement(By.cssSelector("th")).getText())
                    .containsExactly("clean", TestLineage.NAME);
            WebElement clean = browser.findElements(groups).getFirst();
            assertThat(rows(clean)).containsExactly(
                    List.of("read", "raw", "v1", "file:///data/raw.csv", "load raw"),
                    List.of("wrote", "clean", "2026-12-04T10.00.00.000Z", "file:///data/clean.parquet", "save clean"));
            assertThat(rows(browser.findElements(groups).get(1))).hasSize(3).allSatisfy(row -> {
                assertThat(row.subList(0, 3)).containsExactly("read", "part", "not versioned");
                assertThat(row.get(3)).startsWith("memory://part/");
            });
            assertThat(browser.findElement(By.id("run-state")).getText()).isEqualTo("Running");
            scrollTo(browser, By.id("lineage"));
            Chromium.screenshot(browser, "lineage-run-in-the-middle");

            gate.countDown(); // what node publish writes comes from the run's events: the page read the lineage before
            wait.until(ExpectedConditions.numberOfElementsToBe(groups, 3));
            WebElement publish = browser.findElements(groups).get(2);
            wait.until(ExpectedConditions.textToBePresentInElement(publish.findElement(By.cssSelector("th")), "publish"));
            assertThat(rows(publish)).containsExactly(List.of("wrote", TestLineage.HOSTILE, "v<2>",
                    TestLineage.HOSTILE_LOCATION, "save report"));
            assertThat(browser.findElement(By.id("run-state")).getText()).isEqualTo("Running"); // live, before the end
            assertThat(browser.findElements(By.cssSelector("#lineage img, #lineage script"))).isEmpty();
            assertThat(browser.findElement(By.id("logs")).getText()).doesNotContain("raw").doesNotContain("img");

            end.countDown();
            wait.until(ExpectedConditions.textToBe(By.id("run-state"), "Completed"));
            assertThat(browser.findElements(By.cssSelector("#lineage tr.lineage-read, #lineage tr.lineage-write")))
                    .hasSize(6);
            scrollTo(browser, By.id("lineage"));
            Chromium.screenshot(browser, "lineage-run-completed");

            // a node's page: what it and its load and save runs read and wrote
            browser.get(server.uri().resolve(clean(http, id)).toString());
            wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#lineage tr.lineage-read,"
                    + " #lineage tr.lineage-write"), 2));
        } finally {
            gate.countDown();
            end.countDown();
        }
    }

    private static String clean(Http http, String id) {
        String node = http.get("/api/runs/" + id + "/lineage").json().path("accesses").get(0).path("parentId").asText();
        return "/runs/" + node;
    }

    private static List<List<String>> rows(WebElement group) {
        return group.findElements(By.cssSelector("tr.lineage-read, tr.lineage-write")).stream()
                .map(row -> row.findElements(By.tagName("td")).stream().map(WebElement::getText).toList()).toList();
    }

    private static void scrollTo(WebDriver browser, By what) {
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'start'})",
                browser.findElement(what));
    }
}
