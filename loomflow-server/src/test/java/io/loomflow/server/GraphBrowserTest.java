package io.loomflow.server;

import static org.assertj.core.api.Assertions.assertThat;

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
 * A pipeline as a picture, in a real browser: the flow's page draws its graph (a shape per node and per
 * dataset, an edge per input and output), the run page colours the nodes and datasets live from the run's
 * events, and a click on a dataset shows its first rows and columns. Screenshots in target/screenshots.
 */
@ExtendWith(Chromium.PerClass.class)
class GraphBrowserTest {

    @TempDir
    Path folder;

    @Test
    void thePipelineIsDrawnColouredLiveAndItsDatasetsPreviewed(WebDriver browser) throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        try (LoomflowServer server = LoomflowServer.builder().flow(TestPipeline.flow(folder, gate)).port(0).build()
                .start()) {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
            browser.get(server.uri().resolve("/flows/" + TestPipeline.NAME).toString());
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#graph svg")));
            List<String> nodes = browser.findElements(By.cssSelector("#graph g.graph-node")).stream()
                    .map(node -> node.getAttribute("data-node")).toList();
            assertThat(nodes).containsExactlyInAnyOrder("clean", "count", "report");
            List<String> datasets = browser.findElements(By.cssSelector("#graph g.graph-dataset")).stream()
                    .map(dataset -> dataset.getAttribute("data-dataset")).toList();
            assertThat(datasets).containsExactlyInAnyOrder("companies", "clean_companies", "params:country", "counts",
                    "report");
            assertThat(browser.findElements(By.cssSelector("#graph g.graph-dataset.kind-memory")))
                    .extracting(dataset -> dataset.getAttribute("data-dataset")).containsExactly("counts");
            List<String> edges = browser.findElements(By.cssSelector("#graph path.graph-edge")).stream()
                    .map(edge -> edge.getAttribute("data-from") + " > " + edge.getAttribute("data-to")).toList();
            assertThat(edges).containsExactlyInAnyOrder(
                    "dataset:companies > node:clean", "node:clean > dataset:clean_companies",
                    "dataset:clean_companies > node:count", "dataset:params:country > node:count",
                    "node:count > dataset:counts", "dataset:counts > node:report", "node:report > dataset:report");
            // layered: each dataset is drawn above the node that reads it and below the node that writes it
            assertThat(top(browser, "dataset", "companies")).isLessThan(top(browser, "node", "clean"));
            assertThat(top(browser, "node", "clean")).isLessThan(top(browser, "dataset", "clean_companies"));
            assertThat(top(browser, "dataset", "counts")).isLessThan(top(browser, "node", "report"));
            Chromium.screenshot(browser, "graph-flow-page");

            browser.findElement(By.id("run-button")).click(); // the form: no parameters, every node
            wait.until(ExpectedConditions.urlContains("/runs/"));
            By clean = By.cssSelector("#graph g.graph-node[data-node='clean']");
            By count = By.cssSelector("#graph g.graph-node[data-node='count']");
            wait.until(ExpectedConditions.attributeToBe(clean, "data-state", "Completed"));
            wait.until(ExpectedConditions.attributeToBe(count, "data-state", "Running"));
            wait.until(ExpectedConditions.attributeToBe(By.cssSelector("#graph g.graph-dataset[data-dataset='clean_companies']"),
                    "data-state", "Completed")); // its save
            // report's task waits, Running, for the counts that count has not made yet
            assertThat(browser.findElement(By.cssSelector("#graph g.graph-node[data-node='report']"))
                    .getAttribute("data-state")).isNotEqualTo("Completed");
            assertThat(browser.findElement(clean).getAttribute("class")).contains("state-Completed");
            ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'center'})",
                    browser.findElement(count));
            Chromium.screenshot(browser, "graph-run-in-the-middle");

            gate.countDown(); // what follows comes from the run's events only: the page read the tree before
            for (String node : List.of("clean", "count", "report")) {
                wait.until(ExpectedConditions.attributeToBe(By.cssSelector("#graph g.graph-node[data-node='" + node + "']"),
                        "data-state", "Completed"));
            }
            wait.until(ExpectedConditions.attributeToBe(By.cssSelector("#graph g.graph-dataset[data-dataset='report']"),
                    "data-state", "Completed"));
            wait.until(ExpectedConditions.textToBe(By.id("run-state"), "Completed"));
            Chromium.screenshot(browser, "graph-run-completed");

            browser.findElement(By.cssSelector("#graph g.graph-dataset[data-dataset='companies']")).click();
            WebElement table = wait.until(ExpectedConditions.visibilityOfElementLocated(
                    By.cssSelector("#graph-preview table.preview-table[data-dataset='companies']")));
            assertThat(table.findElements(By.cssSelector("thead th")).stream().map(WebElement::getText).toList())
                    .containsExactly("id\nstring", "name\nstring", "country\nstring", "rating\nstring");
            List<WebElement> rows = table.findElements(By.cssSelector("tbody tr"));
            assertThat(rows).hasSize(20);
            assertThat(rows.getFirst().findElements(By.tagName("td")).stream().map(WebElement::getText).toList())
                    .containsExactly("1", "Company 1", "DE", "3");
            assertThat(browser.findElement(By.cssSelector("#graph-preview p.hint")).getText())
                    .isEqualTo("20 rows shown; the dataset has more");

            // the report it wrote, a JSON object, is a row per key
            browser.findElement(By.cssSelector("#graph g.graph-dataset[data-dataset='report']")).click();
            WebElement report = wait.until(ExpectedConditions.visibilityOfElementLocated(
                    By.cssSelector("#graph-preview table.preview-table[data-dataset='report']")));
            assertThat(report.findElement(By.cssSelector("tbody tr")).getText()).isEqualTo("counts {all=25, FR=8}");
            ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'center'})", report);
            Chromium.screenshot(browser, "graph-dataset-preview");
        } finally {
            gate.countDown();
        }
    }

    private static double top(WebDriver browser, String kind, String name) {
        return browser.findElement(By.cssSelector("#graph g.graph-" + kind + "[data-" + kind + "='" + name + "']"))
                .getRect().getY();
    }
}
