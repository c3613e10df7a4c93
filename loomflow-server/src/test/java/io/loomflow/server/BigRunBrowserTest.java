package io.loomflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.FailurePolicy;
import io.loomflow.Flow;
import io.loomflow.Outcome;
import io.loomflow.Task;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The run page of a run of 10,000 tasks in a real browser: the map is one node with its counts, which opens
 * to a page of its items, pages on and shows the failed ones; a subflow's node opens and closes.
 */
@ExtendWith(Chromium.PerClass.class)
class BigRunBrowserTest {

    private static final int ITEMS = 10_000;

    /** The parameters of {@code big}: how many items. */
    public record Items(int count) {
    }

    static final Task<Integer, Integer> ITEM = Task.named("item", (Integer i) -> {
        if (i % 1000 == 3) {
            throw new IllegalStateException("item " + i + " is bad");
        }
        return i;
    });

    static final Task<String, String> NOTE = Task.named("note", (String text) -> text);

    static final Flow<String, String> PREPARE = Flow.named("prepare", String.class, NOTE::call);

    static final Flow<Items, Long> BIG = Flow.named("big", Items.class, items -> {
        PREPARE.call("ready");
        return ITEM.map(IntStream.range(0, items.count()).boxed()).outcomes().stream()
                .filter(outcome -> outcome instanceof Outcome.Success<?>).count();
    }).withFailurePolicy(FailurePolicy.COLLECT_ALL);

    @Test
    void theMapIsOneNodeThatOpensToPagesOfItsItems(WebDriver browser) throws Exception {
        try (LoomflowServer server = LoomflowServer.builder().flow(BIG).port(0).build().start()) {
            Http http = new Http(server.uri());
            String id = http.post("/api/flows/big/runs", "{\"count\":" + ITEMS + "}").json().path("id").asText();
            assertThat(http.awaitEnd(id).path("result").asLong()).isEqualTo(ITEMS - 10);
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
            browser.get(server.uri().resolve("/runs/" + id).toString());

            By mapNode = By.cssSelector("#tree > li.map-node");
            wait.until(ExpectedConditions.presenceOfElementLocated(mapNode));
            WebElement map = browser.findElement(mapNode);
            assertThat(map.findElement(By.cssSelector(".progress-label")).getText()).isEqualTo("map of item: 10000 items");
            assertThat(map.findElement(By.cssSelector(".progress-counts")).getText()).isEqualTo("9990 Completed · 10 Failed");
            assertThat(map.findElement(By.cssSelector(".map-stats")).getText()).startsWith("durations of 10000 items: p50 ");
            assertThat(map.findElements(By.cssSelector(".map-failures li"))).hasSize(5);
            assertThat(map.findElement(By.cssSelector(".map-items")).isDisplayed()).isFalse();
            assertThat(browser.findElements(By.cssSelector("#durations svg rect"))).hasSize(4);
            assertThat(browser.findElement(By.cssSelector("#run-progress .progress-counts")).getText())
                    .isEqualTo("9991 Completed · 10 Failed");

            map.findElement(By.cssSelector(".toggle")).click();
            By rows = By.cssSelector("#tree .map-node table.items tbody tr");
            wait.until(ExpectedConditions.numberOfElementsToBe(rows, 100));
            assertThat(indexes(browser, rows)).containsExactlyElementsOf(IntStream.range(0, 100).boxed().toList());
            Chromium.screenshot(browser, "big-run-map-open");

            map.findElement(By.cssSelector(".map-items button.more")).click();
            wait.until(ExpectedConditions.numberOfElementsToBe(rows, 200));
            assertThat(indexes(browser, rows)).containsExactlyElementsOf(IntStream.range(0, 200).boxed().toList());

            new Select(map.findElement(By.cssSelector(".item-filter"))).selectByVisibleText("Failed");
            wait.until(ExpectedConditions.numberOfElementsToBe(rows, 10));
            assertThat(browser.findElements(By.cssSelector("#tree .map-node table.items tbody tr .state")).stream()
                    .map(WebElement::getText)).containsOnly("Failed");
            assertThat(indexes(browser, rows)).containsExactly(3, 1003, 2003, 3003, 4003, 5003, 6003, 7003, 8003, 9003);
            assertThat(browser.findElement(By.cssSelector("#tree .map-node table.items tbody tr .outcome")).getText())
                    .isEqualTo("java.lang.IllegalStateException: item 3 is bad");
            assertThat(map.findElement(By.cssSelector(".map-items button.more")).isDisplayed()).isFalse();

            map.findElement(By.cssSelector(".toggle")).click();
            assertThat(map.findElement(By.cssSelector(".map-items")).isDisplayed()).isFalse();
        }
    }

    @Test
    void aRunNodeOpensToItsChildrenAndCloses(WebDriver browser) {
        try (LoomflowServer server = LoomflowServer.builder().flow(BIG).port(0).build().start()) {
            Http http = new Http(server.uri());
            String id = http.post("/api/flows/big/runs", "{\"count\":3}").json().path("id").asText();
            http.awaitEnd(id);
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
            browser.get(server.uri().resolve("/runs/" + id).toString());
            By prepare = By.cssSelector("#tree > li.node:not(.map-node)");
            wait.until(ExpectedConditions.presenceOfElementLocated(prepare));
            WebElement node = browser.findElement(prepare);
            assertThat(node.findElement(By.cssSelector(".node-name")).getText()).isEqualTo("prepare");
            WebElement below = node.findElement(By.cssSelector(":scope > ul.tree"));
            assertThat(below.isDisplayed()).isFalse();

            WebElement toggle = node.findElement(By.cssSelector(".toggle"));
            toggle.click();
            wait.until(ExpectedConditions.textToBePresentInElement(below, "note"));
            assertThat(toggle.getAttribute("aria-expanded")).isEqualTo("true");
            assertThat(below.findElements(By.cssSelector(":scope > li.node"))).hasSize(1);
            WebElement note = below.findElement(By.cssSelector(":scope > li.node"));
            note.findElement(By.cssSelector(".toggle")).click();
            wait.until(ExpectedConditions.textToBePresentInElement(note, "No runs below this one."));

            toggle.click();
            assertThat(below.isDisplayed()).isFalse();
            assertThat(toggle.getAttribute("aria-expanded")).isEqualTo("false");
            toggle.click(); // opened again, from what was read: not read twice
            assertThat(below.isDisplayed()).isTrue();
            assertThat(below.findElements(By.cssSelector(":scope > li.node"))).hasSize(1);
        }
    }

    private static List<Integer> indexes(WebDriver browser, By rows) {
        return browser.findElements(rows).stream().map(row -> Integer.parseInt(row.getAttribute("data-index"))).toList();
    }
}
