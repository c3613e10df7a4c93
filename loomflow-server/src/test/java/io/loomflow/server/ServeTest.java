package io.loomflow.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.Flow;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * {@code serve()}, the one-line UI: it starts the server, opens the flow's form with the browser
 * it is given (a real Chromium here), and returns a server to stop; it finds a port when 8080 is
 * taken, and survives a browser that cannot be opened.
 */
@ExtendWith(Chromium.PerClass.class)
class ServeTest {

    @Test
    void aFlowServedFromAVirtualThreadOpensItsFormInTheBrowserWhichRunsIt(WebDriver browser) throws Exception {
        CompletableFuture<LoomflowServer> served = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                served.complete(LoomflowServer.builder().flow(TestFlows.PING).port(0)
                        .browser(page -> browser.get(page.toString())).serve());
            } catch (Throwable failed) {
                served.completeExceptionally(failed);
            }
        });
        try (LoomflowServer server = served.get(30, TimeUnit.SECONDS)) {
            assertThat(browser.getCurrentUrl()).isEqualTo(server.uri().resolve("flows/ping").toString());
            browser.findElement(By.id("run-button")).click();
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
            wait.until(ExpectedConditions.urlContains("/runs/"));
            wait.until(ExpectedConditions.textToBe(By.id("run-state"), "Completed"));
        }
    }

    @Test
    void severalFlowsOpenTheListOfFlows() throws Exception {
        List<URI> opened = new CopyOnWriteArrayList<>();
        try (LoomflowServer server = LoomflowServer.builder().flows(List.of(TestFlows.GREET, TestFlows.PING)).port(0)
                .browser(opened::add).serve()) {
            assertThat(opened).containsExactly(server.uri());
            assertThat(get(server.uri()).body()).contains("/flows/greet", "/flows/ping");
        }
    }

    @Test
    void withoutAPortItTakesAnotherWhen8080IsTaken() throws Exception {
        List<URI> opened = new CopyOnWriteArrayList<>();
        ServerSocket holder = null;
        try {
            holder = new ServerSocket(8080, 1, InetAddress.getLoopbackAddress());
        } catch (IOException takenAlready) {
            // someone else holds 8080: it is taken either way
        }
        try (ServerSocket held = holder;
             LoomflowServer server = LoomflowServer.builder().flow(TestFlows.PING).browser(opened::add).serve()) {
            assertThat(server.uri().getPort()).isNotEqualTo(8080);
            assertThat(opened).containsExactly(server.uri().resolve("flows/ping"));
            assertThat(get(opened.getFirst()).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aBrowserThatCannotBeOpenedLeavesTheServerServing() throws Exception {
        Flow<String, String> echo = Flow.named("echo", String.class, text -> text);
        LoomflowServer server = LoomflowServer.builder().flow(echo).port(0).browser(page -> {
            throw new IllegalStateException("xdg-open is not installed");
        }).serve();
        URI page = server.uri().resolve("flows/echo");
        try (server) {
            assertThat(get(page).statusCode()).isEqualTo(200);
        }
        assertThatThrownBy(() -> get(page)).as("stopped").isInstanceOf(IOException.class);
    }

    private static HttpResponse<String> get(URI page) throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(HttpRequest.newBuilder(page).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }
}
