package io.loomflow.examples.contexts;

import io.loomflow.examples.testing.ChildJvm;
import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Engine;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The context matrix in JShell: the {@code jdk.jshell} API with the in-process ({@code local}) and
 * the default (remote, JDI) execution engine, and the {@code jshell} tool fed a script, remote and
 * local. Each defines the flow of {@link MatrixFlows} as snippets ({@link #DEFINITIONS}: the same
 * task, subflow and flow), runs it through every entry point, and runs it again after a reset. Every
 * result must equal the reference result, which {@link MainThreadTest} also requires of the
 * main-thread run, so all are identical to it.
 *
 * <p>With the API, a reset is a closed session and a new one. Each call is wrapped in the snippet
 * {@code unchanged(...)}, which checks that the snippet's thread keeps its thread-local value,
 * context class loader, name and clear interrupt status. In-process, the JVM's default engine is
 * the one the tests use; the sessions share it, one closes it (as a notebook's reset might), and the
 * next must get a new one. Remote, each session's JVM must exit when the session closes.
 */
class JShellTest {

    /** The flow of {@link MatrixFlows}, as JShell snippets, and a check of the caller's thread. */
    static final String DEFINITIONS = """
            import io.loomflow.*;
            import java.time.Duration;
            import java.util.*;
            import java.util.stream.*;
            Task<Integer, Integer> square = Task.named("square", (Integer x) -> {
                Thread.sleep(Duration.ofMillis(1));
                return x * x;
            });
            Flow<List<Integer>, Integer> sum = Flow.named("sum", (List<Integer> xs) -> xs.stream().mapToInt(Integer::intValue).sum());
            String body(int n) {
                List<Integer> squares = square.map(IntStream.rangeClosed(1, n).boxed().toList()).join();
                return "squares=" + squares + " sum=" + sum.call(squares);
            }
            Flow<Integer, String> matrix = Flow.named("matrix", (Integer n) -> body(n));
            Task<Integer, String> matrixTask = Task.named("matrix-task", (Integer n) -> body(n));
            String unchanged(java.util.function.Supplier<String> call) {
                Thread thread = Thread.currentThread();
                ThreadLocal<String> local = new ThreadLocal<>();
                local.set("the caller's value");
                ClassLoader saved = thread.getContextClassLoader();
                ClassLoader mine = new ClassLoader("caller-loader", saved) { };
                thread.setContextClassLoader(mine);
                String name = thread.getName();
                try {
                    String result = call.get();
                    List<String> changed = new ArrayList<>();
                    if (Thread.currentThread() != thread) changed.add("thread");
                    if (!"the caller's value".equals(local.get())) changed.add("thread-local value");
                    if (thread.getContextClassLoader() != mine) changed.add("context class loader");
                    if (!thread.getName().equals(name)) changed.add("name");
                    if (thread.isInterrupted()) changed.add("interrupt status");
                    return changed.isEmpty() ? result : "the caller's thread changed: " + changed;
                } finally {
                    thread.setContextClassLoader(saved);
                    local.remove();
                }
            }
            """;

    /** Every entry point, as expressions; each must give the reference result. */
    private static final List<String> ENTRY_POINTS = List.of(
            "unchanged(() -> matrix.run(6))",
            "unchanged(() -> matrixTask.call(6))",
            "unchanged(() -> matrix.runAsync(6).join())",
            "unchanged(() -> own.run(matrix, 6))",
            "unchanged(() -> own.run(matrixTask, 6))",
            "unchanged(() -> own.runAsync(matrix, 6).join())");

    /** Checks on the threads of the JVM that executes the snippets. */
    private static final String THREAD_CHECKS = """
            List<String> nonDaemonThreads() {
                return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && !t.isDaemon())
                        .map(Thread::getName).sorted().toList();
            }
            List<String> liveThreads(String prefix) throws Exception {
                var dir = java.nio.file.Files.createTempDirectory("dump");
                var file = dir.resolve("threads.json");
                java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                        .dumpThreads(file.toString(), com.sun.management.HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
                String json = java.nio.file.Files.readString(file);
                java.nio.file.Files.delete(file);
                java.nio.file.Files.delete(dir);
                return java.util.regex.Pattern.compile("\\"name\\": \\"(" + prefix + "[^\\"]*)\\"").matcher(json)
                        .results().map(m -> m.group(1)).sorted().toList();
            }
            """;

    /** One JShell session through the API, with the test class path. */
    private static final class Session implements AutoCloseable {
        final JShell shell;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Session(JShell.Builder builder) {
            PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
            shell = builder.out(print).err(print).build();
            for (String entry : ChildJvm.classPath().split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    shell.addToClasspath(entry);
                }
            }
        }

        /** Evaluates source of one or more snippets; fails on any that is rejected or throws. */
        String eval(String source) {
            SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
            String value = null;
            String rest = source;
            while (!rest.isBlank()) {
                SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
                assertThat(info.completeness().isComplete()).as("a complete snippet in %s", rest).isTrue();
                value = evalOne(info.source());
                rest = info.remaining();
            }
            return value;
        }

        private String evalOne(String snippet) {
            String value = null;
            for (SnippetEvent event : shell.eval(snippet)) {
                if (event.causeSnippet() != null) {
                    continue;
                }
                if (event.status() != Snippet.Status.VALID) {
                    List<String> diagnostics = shell.diagnostics(event.snippet())
                            .map(d -> d.getMessage(null)).toList();
                    throw new AssertionError("snippet " + event.status() + ": " + snippet + " " + diagnostics);
                }
                if (event.exception() != null) {
                    throw new AssertionError("snippet threw: " + snippet, event.exception());
                }
                value = event.value();
            }
            return value;
        }

        /** Evaluates an expression of type String and returns its value. */
        String string(String expression) {
            String value = eval(expression);
            assertThat(value).as(expression).startsWith("\"").endsWith("\"");
            return value.substring(1, value.length() - 1);
        }

        /** Runs every entry point; returns the results. */
        List<String> runEveryEntryPoint() {
            eval("Engine own = Engine.builder().name(\"jshell\").build();");
            List<String> results = ENTRY_POINTS.stream().map(this::string).toList();
            eval("own.close()");
            return results;
        }

        @Override
        public void close() {
            shell.close();
        }
    }

    private static void assertReferenceResults(List<String> results, String context) {
        assertThat(results).as("results in %s", context).hasSize(ENTRY_POINTS.size())
                .containsOnly(MatrixFlows.reference());
    }

    @Test
    void theFlowRunsTheSameInProcessAndAgainAfterEachResetSharingTheDefaultEngine() throws Exception {
        try (MatrixHarness harness = new MatrixHarness()) {
            int defaultEngine = System.identityHashCode(Engine.defaultEngine());
            for (int session = 1; session <= 3; session++) {
                try (Session shell = new Session(JShell.builder().executionEngine("local"))) {
                    shell.eval(DEFINITIONS);
                    shell.eval(THREAD_CHECKS);
                    assertReferenceResults(shell.runEveryEntryPoint(), "in-process session " + session);
                    assertThat(shell.eval("liveThreads(\"loomflow-jshell\")")).isEqualTo("[]");
                    int seen = Integer.parseInt(shell.eval("System.identityHashCode(Engine.defaultEngine())"));
                    if (session < 3) {
                        assertThat(seen).as("the default engine in session %d is the JVM's", session)
                                .isEqualTo(defaultEngine);
                    } else {
                        assertThat(seen).as("after session 2 closed it, a new default engine")
                                .isNotEqualTo(defaultEngine)
                                .isEqualTo(System.identityHashCode(Engine.defaultEngine()));
                    }
                    if (session == 2) {
                        shell.eval("Engine.defaultEngine().close()"); // as a notebook's reset hook might
                    }
                    assertThat(shell.out.toString(StandardCharsets.UTF_8)).isEmpty();
                }
            }
            harness.closeAndAssertNothingLeftBehind();
        }
    }

    @Test
    void theFlowRunsTheSameInARemoteJShellAndAgainAfterAReset() throws Exception {
        for (int session = 1; session <= 2; session++) {
            long pid;
            try (Session shell = new Session(JShell.builder())) {
                shell.eval(DEFINITIONS);
                shell.eval(THREAD_CHECKS);
                pid = Long.parseLong(shell.eval("ProcessHandle.current().pid()"));
                assertThat(pid).as("the snippets run in a JVM of their own").isNotEqualTo(ProcessHandle.current().pid());
                shell.eval("matrix.run(1)"); // warm-up, then the baseline
                String nonDaemon = shell.eval("nonDaemonThreads()");
                assertReferenceResults(shell.runEveryEntryPoint(), "remote session " + session);
                assertThat(shell.eval("liveThreads(\"loomflow-jshell\")")).isEqualTo("[]");
                assertThat(shell.eval("nonDaemonThreads()")).isEqualTo(nonDaemon);
                assertThat(shell.out.toString(StandardCharsets.UTF_8)).isEmpty();
            }
            var remote = ProcessHandle.of(pid);
            if (remote.isPresent()) {
                remote.get().onExit().get(20, TimeUnit.SECONDS); // the remote JVM, with its default engine, exits
            }
        }
    }

    @Test
    void theJShellToolRunsAScriptThatResetsAndExits(@TempDir Path dir) throws Exception {
        assertToolRunsTheScript(dir);
    }

    @Test
    void theJShellToolWithLocalExecutionRunsAScriptThatResetsAndExits(@TempDir Path dir) throws Exception {
        assertToolRunsTheScript(dir, "--execution", "local");
    }

    private static void assertToolRunsTheScript(Path dir, String... options) throws Exception {
        StringBuilder script = new StringBuilder();
        for (String round : List.of("first", "second")) {
            script.append(DEFINITIONS);
            script.append("Engine own = Engine.builder().name(\"jshell\").build();\n");
            for (String entryPoint : ENTRY_POINTS) {
                script.append("System.out.println(\"").append(round).append(": \" + ").append(entryPoint).append(");\n");
            }
            script.append("own.close();\n");
            script.append(round.equals("first") ? "/reset\n" : "/exit\n");
        }
        Path file = Files.writeString(dir.resolve("matrix.jsh"), script);
        Path prefs = Files.createDirectories(dir.resolve("prefs").resolve(".java").resolve(".userPrefs")).getParent().getParent();
        Path jshell = Path.of(System.getProperty("java.home"), "bin", "jshell");
        List<String> command = new ArrayList<>(List.of(jshell.toString(),
                "-J-Djava.util.prefs.userRoot=" + prefs, "--class-path", ChildJvm.classPath(), "--feedback", "silent"));
        command.addAll(List.of(options));
        command.add(file.toString());
        ChildJvm.Result result = ChildJvm.run(command, Duration.ofSeconds(45));

        List<String> expected = Stream.of("first", "second")
                .flatMap(round -> ENTRY_POINTS.stream().map(e -> round + ": " + MatrixFlows.reference())).toList();
        assertThat(result.lines()).as("%s", result).containsExactlyElementsOf(expected);
        assertThat(result.stderr()).as("%s", result).isEmpty();
        assertThat(result.exitCode()).as("%s", result).isZero();
    }
}
