package io.loomflow.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * End to end with the OpenTelemetry Java agent: {@link AgentApp} runs in a JVM of its own with
 * {@code -javaagent:} (the agent's jar is copied to {@code target/otel-agent} by the build), its
 * spans written as OTLP JSON lines ({@code otel.traces.exporter=logging-otlp}). The flow's span,
 * the task's span as its child, and the agent's HTTP client span as the task's child, in one trace.
 */
class JavaAgentTest {

    private static final Path AGENT = Path.of("target", "otel-agent", "opentelemetry-javaagent.jar");
    private static final int CLIENT = 3; // OTLP's SPAN_KIND_CLIENT

    /** One span as the exporter wrote it. */
    private record ExportedSpan(String traceId, String spanId, String parentSpanId, String name, int kind) {
    }

    @Test
    void theAgentsHttpClientSpanIsAChildOfTheTaskSpanWhichIsAChildOfTheFlowSpan() throws Exception {
        assertThat(AGENT).as("the agent's jar, copied by maven-dependency-plugin before the tests").exists();
        Path output = Files.createTempFile("agent-app", ".log");
        try {
            Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-javaagent:" + AGENT.toAbsolutePath(),
                    "-Dotel.service.name=loomflow-agent-test",
                    "-Dotel.traces.exporter=logging-otlp",
                    "-Dotel.metrics.exporter=none",
                    "-Dotel.logs.exporter=none",
                    "-cp", System.getProperty("java.class.path"), AgentApp.class.getName())
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            boolean exited = process.waitFor(120, TimeUnit.SECONDS);
            if (!exited) {
                process.destroyForcibly();
            }
            String log = Files.readString(output, StandardCharsets.UTF_8);
            assertThat(exited).as("the application exited; its output:\n" + log).isTrue();
            assertThat(process.exitValue()).as("its exit status; its output:\n" + log).isZero();
            assertThat(log).contains("result: hello from the server");

            Map<String, ExportedSpan> byName = spans(log).stream().filter(span -> !span.name().isEmpty())
                    .collect(Collectors.toMap(ExportedSpan::name, Function.identity(), (a, b) -> a.kind() == CLIENT ? a : b));
            ExportedSpan flow = byName.get("agent-flow");
            ExportedSpan task = byName.get("fetch");
            ExportedSpan http = spans(log).stream().filter(span -> span.kind() == CLIENT).findFirst().orElse(null);
            assertThat(flow).as("the flow's span, among " + byName.keySet()).isNotNull();
            assertThat(task).as("the task's span, among " + byName.keySet()).isNotNull();
            assertThat(http).as("the agent's HTTP client span, among " + byName.keySet()).isNotNull();
            assertThat(flow.parentSpanId()).as("the flow's span is a root").isEmpty();
            assertThat(task.parentSpanId()).as("the task's parent is the flow").isEqualTo(flow.spanId());
            assertThat(http.parentSpanId()).as("the HTTP client span's parent is the task").isEqualTo(task.spanId());
            assertThat(List.of(flow.traceId(), task.traceId(), http.traceId())).as("one trace").containsOnly(flow.traceId());
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** The spans of every OTLP JSON line in the output. */
    private static List<ExportedSpan> spans(String log) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        List<ExportedSpan> spans = new ArrayList<>();
        for (String line : log.split("\n")) {
            int start = line.indexOf('{');
            if (start < 0 || !line.contains("\"scopeSpans\"")) {
                continue;
            }
            collect(mapper.readTree(line.substring(start)), spans);
        }
        return spans;
    }

    private static void collect(JsonNode node, List<ExportedSpan> spans) {
        if (node.isObject() && node.has("spanId") && node.has("traceId")) {
            spans.add(new ExportedSpan(node.path("traceId").asText(), node.path("spanId").asText(),
                    node.path("parentSpanId").asText(""), node.path("name").asText(""), node.path("kind").asInt()));
            return;
        }
        node.forEach(child -> collect(child, spans));
    }
}
