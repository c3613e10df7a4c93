package io.loomflow.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
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
    void theServersOwnNamesOriginsAndJsonContentTypesAreLetIn() {
        try (LoomflowServer server = LoomflowServer.builder().flow(TestFlows.PING).allowHost("loomflow.example").port(0)
                .build().start()) {
            String port = ":" + server.uri().getPort();
            for (String host : List.of("127.0.0.1" + port, "localhost" + port, "LOCALHOST", "[::1]" + port,
                    "loomflow.example" + port, "10.1.2.3")) {
                assertThat(RawHttp.send(server.uri(), "GET", "/api/flows", List.of("Host: " + host), new byte[0]).status())
                        .as(host).isEqualTo(200);
            }
            for (String type : List.of("application/json", "APPLICATION/JSON", "application/json; charset=UTF-8",
                    "application/json;charset=\"utf-8\"")) {
                RawHttp.Response started = RawHttp.send(server.uri(), "POST", "/api/flows/ping/runs", List.of(
                        "Content-Type: " + type, "Origin: http://127.0.0.1" + port, "Sec-Fetch-Site: same-origin"),
                        new byte[0]);
                assertThat(started.status()).as(type).isEqualTo(202);
            }
            // behind a proxy that serves https and names the server by its address
            assertThat(RawHttp.send(server.uri(), "POST", "/api/flows/ping/runs", List.of("Content-Type: application/json",
                    "Origin: https://loomflow.example"), new byte[0]).status()).isEqualTo(202);
            assertThat(RawHttp.send(server.uri(), "POST", "/api/flows/ping/runs", List.of("Content-Type: application/json",
                    "Origin: https://loomflow.example.evil.example"), new byte[0]).status()).isEqualTo(403);
            assertThatThrownBy(() -> LoomflowServer.builder().allowHost("http://x.example:80"))
                    .hasMessageStartingWith("allowHost was 'http://x.example:80'; pass a host name");
        }
        try (LoomflowServer any = LoomflowServer.builder().allowHost("*").port(0).build().start()) {
            assertThat(RawHttp.send(any.uri(), "GET", "/api/flows", List.of("Host: anything.example"), new byte[0])
                    .status()).isEqualTo(200);
        }
    }

    /** Runs {@code work} with every log line of the JVM that {@code keep} accepts captured, and returns them. */
    private static List<LogRecord> logDuring(java.util.function.Predicate<LogRecord> keep, Runnable work) {
        List<LogRecord> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord entry) {
                if (keep.test(entry)) {
                    logged.add(entry);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        Level was = root.getLevel();
        root.addHandler(capture);
        root.setLevel(Level.ALL);
        try {
            work.run();
        } finally {
            root.removeHandler(capture);
            root.setLevel(was);
        }
        return logged;
    }

    @Test
    void theTokenLinkKeepsTheQueryEncodesThePathAndNeverLogsTheToken() {
        // Every line of ours, and what the JDK logs at INFO and above (its DEBUG lines show request lines, for
        // whoever turns them on for its com.sun.net.httpserver logger).
        List<LogRecord> logged = logDuring(entry -> entry.getLoggerName() != null && entry.getLoggerName().startsWith("io.loomflow")
                || entry.getLevel().intValue() >= Level.INFO.intValue(), () -> {
            try (LoomflowServer server = LoomflowServer.builder().flows(TestFlows.all()).token(TOKEN).port(0).build().start()) {
                for (String target : List.of("/flows/%C3%A9?token=" + TOKEN + "&x=1", "/flows/a%0D%0AX:%20y?a=1&token=" + TOKEN,
                        "/runs?token=" + TOKEN)) {
                    RawHttp.Response answer = RawHttp.send(server.uri(), "GET", target, List.of(), new byte[0]);
                    assertThat(answer.status()).as(target).isEqualTo(303);
                    assertThat(answer.headers().get("location")).isEqualTo(target.replace("token=" + TOKEN, "")
                            .replace("?&", "?").replace("&&", "&").replaceFirst("[?&]$", ""));
                    assertThat(answer.headers().get("set-cookie")).startsWith("loomflow_token=" + TOKEN + ";");
                }
            }
        });
        for (LogRecord entry : logged) {
            String text = entry.getMessage() + " " + Arrays.toString(entry.getParameters()) + " " + entry.getThrown();
            assertThat(text).as("a log line").doesNotContain(TOKEN);
        }
    }

    @Test
    void aHeadRequestIsAnsweredWithoutAWarningInTheLog() {
        List<LogRecord> warned = logDuring(entry -> entry.getLevel().intValue() >= Level.WARNING.intValue(), () -> {
            try (LoomflowServer server = LoomflowServer.builder().flows(TestFlows.all()).port(0).build().start()) {
                for (String target : List.of("/api/health", "/api/flows", "/")) {
                    RawHttp.Response answer = RawHttp.send(server.uri(), "HEAD", target, List.of(), new byte[0]);
                    assertThat(answer.status()).as(target).isBetween(200, 499);
                }
            }
        });
        assertThat(warned).extracting(LogRecord::getMessage).isEmpty(); // a client could otherwise fill the log
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
