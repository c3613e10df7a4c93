package io.loomflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The corpus of hostile HTTP requests ({@code hostile/http.txt}), each sent over a socket to a real
 * server: every one gets the status the table gives (a clear 4xx, or a safe redirect), a message naming
 * the offending value, never a 5xx or a stack trace, and an answer within the deadline. No run is
 * started by any of them.
 */
class HostileHttpTest {

    static final String TOKEN = "hostile0123456789abcdef";

    /** One line of the table. */
    record Case(String server, String method, String target, List<String> headers, String body, int status,
                String fragment, int line) {
        @Override
        public String toString() {
            return "line " + line + ": " + server + " " + method + " " + target + (headers.isEmpty() ? "" : " " + headers)
                    + (body.isEmpty() ? "" : " body " + body) + " -> " + status;
        }
    }

    static LoomflowServer open;
    static LoomflowServer guarded;

    @BeforeAll
    static void start() {
        open = LoomflowServer.builder().flows(TestFlows.all()).flow(TestFlows.PING).port(0).build().start();
        guarded = LoomflowServer.builder().flows(TestFlows.all()).flow(TestFlows.PING).token(TOKEN).port(0).build().start();
    }

    @AfterAll
    static void stop() {
        open.stop();
        guarded.stop();
    }

    static Stream<Case> corpus() throws IOException {
        List<Case> cases = new ArrayList<>();
        try (InputStream in = HostileHttpTest.class.getResourceAsStream("/hostile/http.txt")) {
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i];
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] cells = line.split(" \\| ", -1);
                assertThat(cells).as("line %d has 7 cells: %s", i + 1, line).hasSize(7);
                List<String> headers = cells[3].isBlank() ? List.of()
                        : Arrays.stream(cells[3].split(" ;; ")).map(String::strip).toList();
                String body = cells[4].strip().replace("\\n", "\n").replace("\\r", "\r").replace("\\\\", "\\");
                cases.add(new Case(cells[0].strip(), cells[1].strip(), cells[2].strip(), headers, body,
                        Integer.parseInt(cells[5].strip()), cells[6].strip(), i + 1));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void everyHostileRequestGetsAClearRefusal(Case hostile) {
        LoomflowServer server = hostile.server().equals("token") ? guarded : open;
        String port = Integer.toString(server.uri().getPort());
        List<String> headers = hostile.headers().stream().map(h -> fill(h, port)).toList();
        RawHttp.Response answer = RawHttp.send(server.uri(), hostile.method(), fill(hostile.target(), port), headers,
                fill(hostile.body(), port).getBytes(StandardCharsets.UTF_8));

        assertThat(answer.status()).as("%s answered %s", hostile, answer.body()).isEqualTo(hostile.status());
        assertThat(answer.body()).doesNotContain("\tat ", "at java.", "at io.loomflow", "Caused by");
        String said = answer.status() == 303 ? answer.headers().get("location") : answer.body();
        if (!hostile.fragment().equals("-")) {
            assertThat(said).contains(fill(hostile.fragment(), port));
        }
        if (answer.status() == 303) {
            assertThat(said).startsWith("/").doesNotStartWith("//").doesNotContain(TOKEN).doesNotContain("\r", "\n");
        }
        assertThat(RawHttp.send(open.uri(), "GET", "/api/runs?all=true", List.of(), new byte[0]).body())
                .as("no run was started").contains("\"runs\":[]");
    }

    private static String fill(String text, String port) {
        return text.replace("{port}", port).replace("{token}", TOKEN);
    }
}
