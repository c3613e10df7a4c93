package io.loomflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.loomflow.Flow;
import io.loomflow.cases.ParameterCases;
import io.loomflow.cases.ParameterCases.Case;
import io.loomflow.cases.ParameterCases.Knobs;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The one table of parameter binding ({@code io/loomflow/cases/parameters.tsv}, shared with core and
 * the CLI) through the HTTP API and through the web form in a real browser: a row that fits starts a
 * run whose parameters hold that value; one that does not is a 400 (or a message beside the form's
 * field) naming the field and what it expects.
 */
class ParameterTableTest {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.WRITE_BIGDECIMAL_AS_PLAIN);
    private static final List<String> LISTS = List.of("ids", "tags", "codes");

    static LoomflowServer server;
    static Http http;

    @BeforeAll
    static void start() {
        server = LoomflowServer.builder().flow(Flow.named("knobs", Knobs.class, (Knobs k) -> k)).port(0).build().start();
        http = new Http(server.uri());
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    static Stream<Case> cases() {
        return ParameterCases.all().stream();
    }

    private static Object fieldOf(JsonNode record, Case row) throws Exception {
        return JSON.treeToValue(record.path(row.field().split("\\.")[0]), Object.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyRowIsBoundByTheApiAsTheTableSays(Case row) throws Exception {
        String body = new ObjectMapper().writeValueAsString(ParameterCases.body(row, LISTS.contains(row.field())));
        Http.Response response = http.post("/api/flows/knobs/runs", body);

        if (row.fits()) {
            assertThat(response.status()).as("%s: %s", row, response.text()).isEqualTo(202);
            JsonNode run = http.awaitEnd(response.json().path("id").asText());
            Object value = fieldOf(run.path("parameters"), row);
            assertThat(ParameterCases.same(value, row.expected())).as("%s recorded %s", row, value).isTrue();
        } else {
            assertThat(response.status()).as("%s: %s", row, response.text()).isEqualTo(400);
            assertThat(response.json().path("problems")).as(response.text()).anySatisfy(problem -> {
                assertThat(problem.path("field").asText()).isEqualTo(row.problemField());
                assertThat(problem.path("problem").asText()).contains(row.expected());
            });
            assertThat(response.text()).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    @Test
    void declaredConstraintsAreInTheSchemaAndAValueOutsideThemIsA400NamingTheField() {
        // Knobs declares @Min(1) @Max(1000) int items and @NotBlank @Size(max = 12) @Pattern(...) String slug
        JsonNode properties = http.get("/api/flows/knobs").json().path("parameters").path("properties");
        assertThat(properties.path("items").path("minimum").asLong()).as(properties.toString()).isEqualTo(1);
        assertThat(properties.path("items").path("maximum").asLong()).isEqualTo(1000);
        assertThat(properties.path("slug").path("minLength").asInt()).isEqualTo(1);
        assertThat(properties.path("slug").path("maxLength").asInt()).isEqualTo(12);
        assertThat(properties.path("slug").path("pattern").asText()).isEqualTo("^(?:[a-z][a-z0-9]*(-[a-z0-9]+)*)$");

        Http.Response refused = http.post("/api/flows/knobs/runs", "{\"items\": -5, \"slug\": \"Main\"}");
        assertThat(refused.status()).as(refused.text()).isEqualTo(400);
        assertThat(refused.json().path("problems")).as(refused.text()).hasSize(2);
        assertThat(refused.json().path("problems").get(0).path("field").asText()).isEqualTo("items");
        assertThat(refused.json().path("problems").get(0).path("problem").asText()).isEqualTo("must be from 1 to 1000, got -5");
        assertThat(refused.json().path("problems").get(1).path("field").asText()).isEqualTo("slug");
        assertThat(refused.json().path("problems").get(1).path("problem").asText())
                .isEqualTo("must match the pattern \"[a-z][a-z0-9]*(-[a-z0-9]+)*\", got \"Main\"");
    }

    /** A record whose only constraint is {@code @NotBlank}. */
    public record Titled(@io.loomflow.Param.NotBlank String title) {
    }

    @Test
    void theFormCarriesTheConstraintsAndASubmissionPastTheBrowsersChecksGetsTheServersAnswer() {
        String page = http.get("/flows/knobs").text();
        assertThat(page).contains("name=\"items\" data-type=\"integer\" inputmode=\"numeric\" min=\"1\" max=\"1000\"")
                .contains("name=\"slug\" data-type=\"string\" minlength=\"1\" maxlength=\"12\""
                        + " pattern=\"^(?:[a-z][a-z0-9]*(-[a-z0-9]+)*)$\"");

        // @NotBlank alone is the schema's unanchored pattern \\S, which the form's anchored pattern surrounds with .*
        LoomflowServer titled = LoomflowServer.builder().flow(Flow.named("titled", Titled.class, (Titled t) -> t)).port(0)
                .build().start();
        try {
            assertThat(new Http(titled.uri()).get("/flows/titled").text())
                    .contains("name=\"title\" required data-type=\"string\" minlength=\"1\" pattern=\".*(?:\\S).*\"");
        } finally {
            titled.stop();
        }

        WebDriver browser = Chromium.start();
        try {
            browser.get(server.uri().resolve("/flows/knobs").toString());
            WebElement slug = browser.findElement(By.name("slug"));
            WebElement error = browser.findElement(By.cssSelector("[data-field='slug'] .field-error"));
            slug.clear();
            slug.sendKeys("Main");
            browser.findElement(By.id("run-button")).click();
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(10));
            wait.until(ExpectedConditions.visibilityOf(error));
            // the browser's own check of the pattern stopped it: its message, not the server's
            assertThat(error.getText()).isNotBlank().doesNotContain("must match the pattern");
            assertThat(browser.getCurrentUrl()).endsWith("/flows/knobs");

            // past the browser's checks (the attributes taken away), the server refuses and the form shows why
            ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                    "for (const name of ['pattern', 'minlength', 'maxlength']) arguments[0].removeAttribute(name);", slug);
            browser.findElement(By.id("run-button")).click();
            wait.until(ExpectedConditions.textToBePresentInElement(error, "must match the pattern"));
            assertThat(error.getText()).isEqualTo("must match the pattern \"[a-z][a-z0-9]*(-[a-z0-9]+)*\", got \"Main\"");
            assertThat(browser.getCurrentUrl()).endsWith("/flows/knobs");
        } finally {
            browser.quit();
        }
    }

    private static Http.Response postBytes(byte[] body) {
        return http.send(http.builder("/api/flows/knobs/runs").header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    @Test
    void aBodyThatIsNotStrictUtf8IsRefusedAndAByteOrderMarkIsAllowed() {
        // "../" spelled with overlong encodings, and a code point past U+10FFFF
        for (byte[] body : List.of(new byte[] {'{', '"', 'n', 'o', 't', 'e', '"', ':', '"', (byte) 0xc0, (byte) 0xae,
                        (byte) 0xc0, (byte) 0xae, (byte) 0xc0, (byte) 0xaf, '"', '}'},
                new byte[] {'{', '"', 'n', 'o', 't', 'e', '"', ':', '"', (byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80, '"', '}'})) {
            Http.Response refused = postBytes(body);
            assertThat(refused.status()).as(refused.text()).isEqualTo(400);
            assertThat(refused.json().path("error").asText()).startsWith("the body is not valid UTF-8");
        }
        byte[] withMark = "\uFEFF{\"note\":\"a\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(postBytes(withMark).status()).isEqualTo(202);
    }

    @Test
    void aBodyOfEightyThousandUnknownKeysGetsAShortAnswer() {
        StringBuilder body = new StringBuilder("{");
        for (int i = 0; i < 80_000; i++) {
            body.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":1");
        }
        Http.Response response = http.post("/api/flows/knobs/runs", body.append('}').toString());

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().path("problems")).hasSize(20);
        assertThat(response.json().path("problemsLeftOut").asInt()).isEqualTo(79_980);
        assertThat(response.text().length()).isLessThan(16 * 1024);
    }

    /**
     * The rows a person can type into a text field of the form. Left out: empty ones (an empty field
     * means "take the default" in the form), control characters (a keyboard cannot type them), fields
     * with a length or a pattern (the browser checks them in its own words first; see the test above), and
     * fields the form shows as a checkbox, a list, a date picker, a one-character box or JSON.
     */
    @Test
    void everyRowTypedIntoTheFormIsBoundAsTheTableSays() throws Exception {
        WebDriver browser = Chromium.start();
        SoftAssertions softly = new SoftAssertions();
        int tried = 0;
        try {
            for (Case row : ParameterCases.typed()) {
                browser.get(server.uri().resolve("/flows/knobs").toString());
                List<WebElement> inputs = browser.findElements(By.cssSelector("input[type=text][name='" + row.field() + "']"));
                WebElement first = inputs.isEmpty() ? null : inputs.getFirst();
                if (first == null || row.input().isBlank() || first.getAttribute("maxlength") != null
                        || first.getDomAttribute("minlength") != null || first.getDomAttribute("pattern") != null
                        || row.input().chars().anyMatch(c -> c < 0x20)) { // the browser's own checks answer there
                    continue;
                }
                tried++;
                WebElement input = inputs.getFirst();
                input.clear();
                input.sendKeys(row.input());
                browser.findElement(By.id("run-button")).click();
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(10));
                if (row.fits()) {
                    wait.until(ExpectedConditions.urlContains("/runs/"));
                    String id = browser.getCurrentUrl().substring(browser.getCurrentUrl().lastIndexOf('/') + 1);
                    Object value = fieldOf(http.awaitEnd(id).path("parameters"), row);
                    softly.assertThat(ParameterCases.same(value, row.expected())).as("form %s recorded %s", row, value).isTrue();
                } else {
                    WebElement error = browser.findElement(By.cssSelector("[data-field='" + row.field() + "'] .field-error"));
                    wait.until(ExpectedConditions.visibilityOf(error));
                    softly.assertThat(error.getText()).as("form %s", row).contains(row.expected());
                    softly.assertThat(browser.getCurrentUrl()).as("form %s", row).endsWith("/flows/knobs");
                }
            }
        } finally {
            browser.quit();
        }
        softly.assertThat(tried).as("rows typed into the form").isGreaterThan(30);
        softly.assertAll();
    }
}
