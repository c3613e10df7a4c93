package io.loomflow.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Flow;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The mounted UI in a real browser (Debian's Chromium, headless, as loomflow-server's browser tests
 * drive it): from {@code /loomflow/} to a flow's form, a run started from it, and the run's page
 * following the run to Completed, with every link and request of the pages under {@code /loomflow}.
 */
class MountedBrowserTest {

    private static final Path BROWSER = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private ConfigurableApplicationContext context;
    private WebDriver browser;

    /** The greeting's parameters. */
    public record Greeting(String name) {
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {
        @Bean
        Flow<Greeting, String> greet() {
            return Flow.named("greet", Greeting.class, (Greeting greeting) -> "Hello, " + greeting.name());
        }
    }

    @AfterEach
    void close() {
        if (browser != null) {
            browser.quit();
        }
        if (context != null) {
            context.close();
        }
    }

    private static WebDriver chromium() {
        assertThat(Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER))
                .as("this test needs Debian's chromium and chromium-driver (%s, %s): apt-get install chromium"
                        + " chromium-driver", BROWSER, DRIVER).isTrue();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,1024");
        return new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build(), options);
    }

    @SuppressWarnings("unchecked")
    private List<String> linksAndRequests() {
        return new ArrayList<>((List<String>) ((JavascriptExecutor) browser).executeScript("""
                return [...document.querySelectorAll('[href], [src], [action]')]
                    .map(e => e.href || e.src || e.action)
                    .concat([...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
                        .map(e => e.name));"""));
    }

    @Test
    void aRunStartedFromTheMountedFormIsFollowedToCompletedUnderTheBasePath() throws Exception {
        context = new SpringApplicationBuilder(App.class).properties("server.port=0").run();
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        URI app = URI.create("http://localhost:" + port);
        String base = app + "/loomflow/";
        browser = chromium();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));

        browser.get(base);
        List<String> seen = new ArrayList<>(linksAndRequests());
        browser.findElement(By.cssSelector("a[href='/loomflow/flows/greet']")).click();
        wait.until(ExpectedConditions.urlToBe(base + "flows/greet"));
        seen.addAll(linksAndRequests());
        WebElement name = browser.findElement(By.name("name"));
        name.clear();
        name.sendKeys("Ada");
        browser.findElement(By.id("run-button")).click();

        wait.until(ExpectedConditions.urlMatches("^" + java.util.regex.Pattern.quote(base + "runs/") + "[0-9a-f-]{36}$"));
        wait.until(ExpectedConditions.textToBe(By.id("run-state"), "Completed"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("result"), "Hello, Ada"));
        seen.addAll(linksAndRequests());

        // Chromium asks the site's root for /favicon.ico on its own when a page names no icon: that is the
        // application's (its root is not Loomflow's), not a link or request of Loomflow's pages
        seen.removeIf(url -> url.equals(app + "/favicon.ico"));
        assertThat(seen).isNotEmpty().allSatisfy(url -> assertThat(url).as("a link or request of the pages")
                .startsWith(base));
        assertThat(seen).anySatisfy(url -> assertThat(url).startsWith(base + "api/"));
    }
}
