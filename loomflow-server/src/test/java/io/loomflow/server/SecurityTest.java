package io.loomflow.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Where the server listens, who may use it, and what it shows. */
class SecurityTest {

    static final String TOKEN = "0123456789abcdef0123";

    @Test
    void bindsLoopbackByDefault() {
        try (LoomflowServer server = LoomflowServer.builder().port(0).build().start()) {
            assertThat(server.uri().getHost()).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void refusesToExposeItselfWithoutATokenOrAnExplicitInsecureChoice() {
        assertThatThrownBy(() -> LoomflowServer.builder().host("0.0.0.0").port(0).build().start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("binding 0.0.0.0 would let anyone who reaches this machine start flows; give a token"
                        + " (LoomflowServer.Builder.token, or loomflow server --token), or pass insecure (--insecure) to"
                        + " serve without one");
        try (LoomflowServer server = LoomflowServer.builder().host("0.0.0.0").insecure().port(0).build().start()) {
            assertThat(new Http(server.uri()).get("/api/flows").status()).isEqualTo(200);
        }
        assertThatThrownBy(() -> LoomflowServer.builder().token("short"))
                .hasMessageStartingWith("a server token must have at least 16 characters (was 5)");
        assertThatThrownBy(() -> LoomflowServer.builder().token("abcdefgh;ijklmnop qrs"))
                .hasMessageStartingWith("a server token may hold letters, digits and . _ ~ + / = - only");
    }

    @Test
    void withATokenEveryRequestButTheHealthCheckMustCarryIt() throws Exception {
        try (LoomflowServer server = LoomflowServer.builder().flows(TestFlows.all()).host("0.0.0.0").token(TOKEN).port(0)
                .build().start()) {
            Http anonymous = new Http(server.uri());
            Http.Response refused = anonymous.get("/api/flows");
            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.json().path("error").asText()).startsWith("this server asks for a token");
            assertThat(anonymous.post("/api/flows/greet/runs", "{}").status()).isEqualTo(401);
            assertThat(anonymous.get("/").status()).isEqualTo(401);
            assertThat(anonymous.get("/api/health").status()).isEqualTo(200);
            assertThat(new Http(server.uri(), "wrong" + TOKEN).get("/api/flows").status()).isEqualTo(401);

            Http bearer = new Http(server.uri(), TOKEN);
            assertThat(bearer.get("/api/flows").status()).isEqualTo(200);
            assertThat(anonymous.send(anonymous.builder("/api/flows").header("X-Loomflow-Token", TOKEN)).status())
                    .isEqualTo(200);

            // a browser opens a page once with ?token=, gets a cookie, and is sent to the page without it
            HttpClient browser = HttpClient.newBuilder().cookieHandler(new java.net.CookieManager())
                    .followRedirects(HttpClient.Redirect.NORMAL).build();
            HttpResponse<String> page = browser.send(HttpRequest.newBuilder(server.uri().resolve("/runs?token=" + TOKEN))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.uri().getQuery()).isNull();
            assertThat(page.body()).contains("<h1>Runs</h1>");
            assertThat(browser.send(HttpRequest.newBuilder(server.uri().resolve("/api/flows")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aTakenPortIsNamedWithWhatToDo() {
        try (LoomflowServer first = LoomflowServer.builder().port(0).build().start()) {
            int port = first.uri().getPort();
            assertThatThrownBy(() -> LoomflowServer.builder().port(port).build().start())
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageStartingWith("cannot listen on 127.0.0.1:" + port + " (")
                    .hasMessageEndingWith("stop what uses the port, or pass another port (0 picks a free one)");
        }
    }

    @Test
    void pagesEscapeWhatRunsAndRequestsContain() {
        try (LoomflowServer server = LoomflowServer.builder().flows(TestFlows.all()).port(0).build().start()) {
            Http http = new Http(server.uri());
            String id = http.post("/api/flows/fail/runs", "{\"text\":\"<script>alert('x')</script>\"}").json()
                    .path("id").asText();
            http.awaitEnd(id);
            Http.Response page = http.get("/runs/" + id);
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.text()).doesNotContain("<script>alert").contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
            assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                    policy -> assertThat(policy).contains("script-src 'self'"));
            Http.Response missing = http.get("/flows/%3Cimg%20src=x%20onerror=alert(1)%3E");
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.text()).doesNotContain("<img").contains("&lt;img src=x onerror=alert(1)&gt;");
            assertThat(http.get("/runs").text()).doesNotContain("<script>alert");
        }
    }
}
