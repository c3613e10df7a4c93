package io.loomflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.RunContext;
import io.loomflow.Task;
import io.loomflow.store.RunRecorder;
import io.loomflow.store.RunStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile text in names, parameters, results, errors and log lines never reaches the terminal as
 * control characters: every case of the corpus, through runs, show, logs and run's progress view.
 */
class TerminalEscapesTest {

    private static final Pattern ESCAPE = Pattern.compile("\\\\(u([0-9a-fA-F]{4})|n|r|t|b)");

    @TempDir
    Path directory;

    static Map<String, String> corpus() throws IOException {
        Map<String, String> cases = new LinkedHashMap<>();
        try (InputStream in = TerminalEscapesTest.class.getResourceAsStream("hostile-terminal-text.tsv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split("\t", 2);
                Matcher escape = ESCAPE.matcher(parts[1]);
                cases.put(parts[0], escape.replaceAll(found -> Matcher.quoteReplacement(switch (found.group(1)) {
                    case "n" -> "\n";
                    case "r" -> "\r";
                    case "t" -> "\t";
                    case "b" -> "\b";
                    default -> String.valueOf((char) Integer.parseInt(found.group(2), 16));
                })));
            }
        }
        assertThat(cases).hasSizeGreaterThan(10);
        return cases;
    }

    /** Fails if the output holds a control a terminal would act on, other than the line feeds of the CLI's lines. */
    private static void assertSafe(String what, String output) {
        for (int i = 0; i < output.length(); i++) {
            char c = output.charAt(i);
            boolean control = c < 0x20 && c != '\n' || c >= 0x7f && c <= 0x9f || c >= 0x202a && c <= 0x202e
                    || c >= 0x2066 && c <= 0x2069;
            assertThat(control).as("%s: U+%04X at %d in:%n%s", what, (int) c, i, output).isFalse();
        }
    }

    @Test
    void runsShowAndLogsPrintEveryHostileTextEscaped() throws Exception {
        Path db = directory.resolve("history");
        Map<String, String> ids = new LinkedHashMap<>();
        try (Engine engine = Engine.builder().listener(RunRecorder.to(RunStore.embedded(db))).build()) {
            for (Map.Entry<String, String> hostile : corpus().entrySet()) {
                String text = hostile.getValue();
                Task<String, String> task = Task.named("task " + text, (String s) -> {
                    RunContext.current().log().info("said %s", s);
                    throw new IllegalStateException("refused " + s, new IOException("cause " + s));
                });
                Flow<String, String> flow = Flow.named("flow " + text, (String s) -> task.call(s));
                ids.put(hostile.getKey(), engine.submit(flow, text).runId().toString());
            }
            engine.close();
        }
        List<Command> outputs = new ArrayList<>();
        outputs.add(Command.run("runs", "--db", db.toString(), "--limit", "100"));
        outputs.add(Command.run("runs", "--all", "--db", db.toString(), "--limit", "100"));
        for (String id : ids.values()) {
            outputs.add(Command.run("show", id, "--verbose", "--db", db.toString()));
            outputs.add(Command.run("logs", id, "--verbose", "--db", db.toString()));
        }
        for (Command command : outputs) {
            assertSafe("out", command.out());
            assertSafe("err", command.err());
        }
        String shown = Command.run("show", ids.get("csi-clear-screen"), "--db", db.toString()).out();
        assertThat(shown).contains("flow \\u001b[2J\\u001b[H  Failed").contains("task \\u001b[2J\\u001b[H  Failed")
                .contains("IllegalStateException: refused \\u001b[2J\\u001b[H");
        assertThat(Command.run("logs", ids.get("forged-line"), "--db", db.toString()).out())
                .contains("said ok\\u000a12:00:00.000  admin  INFO  all is well").hasLineCount(1);
    }

    private static String withoutTheStatusLinesControls(String printed) {
        return printed.replace("\r\u001b[K", "").replace("\u001b[K", "").replace("\r", "");
    }

    @Test
    void runPrintsHostileParametersResultsAndLogLinesEscapedInBothProgressModes() throws Exception {
        for (Map.Entry<String, String> hostile : corpus().entrySet()) {
            for (String mode : List.of("plain", "tty")) {
                for (String output : List.of("text", "json")) { // the progress goes to stdout, or to stderr
                    Command command = Command.run("run", "greet", "--param", "name=" + hostile.getValue(), "--progress",
                            mode, "--output", output, "--db", directory.resolve("history").toString());
                    assertThat(command.exitCode()).as(hostile.getKey() + " " + command).isZero();
                    // The tty view's own controls: carriage return and erase-line around its status line.
                    assertSafe(hostile.getKey() + " " + mode + " " + output, withoutTheStatusLinesControls(command.out()));
                    assertSafe(hostile.getKey() + " " + mode + " " + output, withoutTheStatusLinesControls(command.err()));
                }
            }
        }
    }

    @Test
    void anErrorThatEchoesAHostileArgumentIsEscaped() {
        Command command = Command.run("show", "\u001b]0;owned\u0007", "--db", directory.resolve("none").toString());

        assertThat(command.exitCode()).isEqualTo(2);
        assertThat(command.err()).startsWith("loomflow: '\\u001b]0;owned\\u0007' is not a run id");
        assertSafe("err", command.err());
    }
}
