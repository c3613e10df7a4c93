package io.loomflow.server;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The real browser of the tests: Debian's Chromium, driven through Debian's chromedriver. When the
 * two are missing and the build runs as root (as on CI), they are installed with apt; otherwise the
 * test fails and says what to install. It never skips.
 */
final class Chromium {

    static final Path BROWSER = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private Chromium() {
    }

    static WebDriver start() {
        ensureInstalled();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,1024");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        WebDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        return driver;
    }

    /**
     * Gives a test method of a class marked {@code @ExtendWith(Chromium.PerClass.class)} the browser of its
     * class, as a {@code WebDriver} parameter: started for the first test that asks, quit after the last.
     */
    static final class PerClass implements ParameterResolver {

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == WebDriver.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            ExtensionContext owner = context;
            while (owner.getTestMethod().isPresent()) { // up from the method (and a parameterized test's invocation)
                owner = owner.getParent().orElseThrow();
            }
            return owner.getStore(ExtensionContext.Namespace.create(Chromium.class))
                    .computeIfAbsent(Session.class, type -> new Session(start()), Session.class).driver();
        }
    }

    /** A browser that the store of a test class quits when the class is done. */
    private record Session(WebDriver driver) implements AutoCloseable {
        @Override
        public void close() {
            driver.quit();
        }
    }

    /** Saves a screenshot as {@code target/screenshots/NAME.png} and returns its path. */
    static Path screenshot(WebDriver driver, String name) throws IOException {
        Path directory = Path.of(System.getProperty("loomflow.screenshots", "target/screenshots"));
        Files.createDirectories(directory);
        Path file = directory.resolve(name + ".png");
        File taken = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(taken.toPath(), file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return file;
    }

    private static synchronized void ensureInstalled() {
        if (Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER)) {
            return;
        }
        try {
            // Another build on the machine may be installing them at the same moment: wait for its lock.
            run(List.of("apt-get", "-o", "DPkg::Lock::Timeout=600", "update", "-q"));
            run(List.of("apt-get", "-o", "DPkg::Lock::Timeout=600", "install", "-y", "-q", "chromium", "chromium-driver"));
        } catch (IOException | InterruptedException failed) {
            throw new AssertionError("the browser tests need Debian's chromium and chromium-driver (" + BROWSER + ", "
                    + DRIVER + "), and installing them failed: " + failed + "; install them with: apt-get install"
                    + " chromium chromium-driver", failed);
        }
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Process process = builder.start();
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed");
        }
    }
}
