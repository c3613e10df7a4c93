package io.loomflow.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.cli.internal.Cli;
import io.loomflow.cli.internal.CliContext;
import io.loomflow.data.Catalog;
import io.loomflow.data.Parameters;
import io.loomflow.examples.testing.ChildJvm;
import io.loomflow.store.contract.Postgres;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * Every code block of the guides in {@code docs/} is compiled, run or parsed, by the kind its fence
 * names (the rules are in {@code docs/README.md}, "How the examples are tested"); a block of a kind
 * this test does not know fails it. A failure names the document and the line of the block (and, for
 * a compile error, the line of the document the error is on).
 */
class DocsCodeBlocksTest {

    /** The repository root: the tests run in {@code examples}. */
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Path DOCS = ROOT.resolve("docs");
    private static final Path WORK = Path.of("target", "docs-blocks").toAbsolutePath();

    /** What a {@code java snippet} block is wrapped in: the imports a guide assumes, and a method. */
    private static final List<String> SNIPPET_HEAD = List.of(
            "import io.loomflow.*;",
            "import io.loomflow.data.*;",
            "import io.loomflow.store.*;",
            "import java.nio.file.*;",
            "import java.time.*;",
            "import java.util.*;",
            "import java.net.URI;",
            "class Snippet {",
            "    static void snippet() throws Exception {");
    private static final List<String> SNIPPET_TAIL = List.of("    }", "}");

    private static final Pattern FENCE = Pattern.compile("^\\s*```(.*)$");
    private static final Pattern PUBLIC_TYPE = Pattern.compile(
            "(?m)^public\\s+(?:final\\s+|abstract\\s+)*(?:class|record|interface|enum)\\s+(\\w+)");
    private static final Pattern PACKAGE = Pattern.compile("(?m)^package\\s+([\\w.]+)\\s*;");
    private static final Pattern MAIN = Pattern.compile("static\\s+void\\s+main\\s*\\(");
    private static final Pattern EXIT = Pattern.compile("#\\s*exit\\s+(\\d+)\\s*$");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    /** The machine's PostgreSQL, a schema of this class's: {@code LOOMFLOW_DB} of the programs and commands. */
    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    private static JavaCompiler compiler;
    private static StandardJavaFileManager files;

    /** One fenced block: its document, the line of its opening fence (from 1), its info string and its lines. */
    record Block(Path document, int line, String info, List<String> lines) {
        String where() {
            return ROOT.relativize(document) + ":" + line;
        }

        String text() {
            return String.join("\n", lines) + "\n";
        }
    }

    @BeforeAll
    static void compiler() {
        compiler = ToolProvider.getSystemJavaCompiler();
        files = compiler.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8);
    }

    @AfterAll
    static void closeCompiler() throws IOException {
        files.close();
    }

    @Test
    void theGuidesAreThereAndHaveBlocks() throws IOException {
        List<Path> documents = documents();
        assertThat(documents).extracting(p -> p.getFileName().toString()).contains("README.md", "first-flow.md",
                "catalog-and-pipelines.md", "server-and-dev.md", "run-history.md", "workers.md");
        assertThat(documents.stream().mapToLong(d -> blocks(d).size()).sum()).isGreaterThan(20);
    }

    @Test
    void aBlockIsReadWithItsLineAndKind() {
        List<Block> blocks = parse(Path.of("x.md"), List.of("text", "```java snippet", "int a = 1;", "```", "",
                "```output", "1", "```"));
        assertThat(blocks).extracting(Block::line, Block::info).containsExactly(
                org.assertj.core.groups.Tuple.tuple(2, "java snippet"), org.assertj.core.groups.Tuple.tuple(6, "output"));
        assertThat(blocks.getFirst().lines()).containsExactly("int a = 1;");
    }

    @Test
    void aBlockOfAKindThisTestDoesNotKnowFails() {
        for (String kind : List.of("", "python", "java run", "bash")) {
            Block block = new Block(DOCS.resolve("x.md"), 3, kind, List.of("print(1)"));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> check(block, null, WORK.resolve("unknown")))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("docs/x.md:3")
                    .hasMessageContaining("'" + kind + "'");
        }
    }

    @Test
    void aShellLineThatIsNotALoomflowCommandFails() {
        Block block = new Block(DOCS.resolve("x.md"), 7, "shell", List.of("./loomflow flows", "curl http://127.0.0.1/"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> parseShell(block))
                .isInstanceOf(AssertionError.class).hasMessageContaining("docs/x.md:9");
    }

    @Test
    void anOutputBlockMatchesLinesAndEllipses() {
        assertThat(matches(List.of("a", "...", "d"), List.of("a", "b", "c", "d"))).isTrue();
        assertThat(matches(List.of("a", "...", "d"), List.of("a", "d"))).isTrue();
        assertThat(matches(List.of("a", "d"), List.of("a", "b", "d"))).isFalse();
        assertThat(matches(List.of("a"), List.of("a", "b"))).isFalse();
    }

    /** One container per document, its blocks in order (shell blocks of a document share one run history). */
    @TestFactory
    Stream<DynamicNode> everyBlockOfEveryGuide() throws IOException {
        return documents().stream().map(document -> {
            List<Block> blocks = blocks(document);
            Path work = WORK.resolve(document.getFileName().toString().replace(".md", ""));
            deleteRecursively(work);   // a run history of an earlier run of the test would change what 'last' is
            List<DynamicNode> tests = new ArrayList<>();
            for (int i = 0; i < blocks.size(); i++) {
                Block block = blocks.get(i);
                Block output = i + 1 < blocks.size() && blocks.get(i + 1).info().equals("output") ? blocks.get(i + 1) : null;
                if (block.info().equals("output")) {
                    Block before = i > 0 ? blocks.get(i - 1) : null;
                    if (before == null || !(before.info().equals("java") || before.info().equals("shell"))) {
                        tests.add(DynamicTest.dynamicTest(block.where() + " output", () -> {
                            throw new AssertionError(block.where() + ": an output block must follow a java block with"
                                    + " a main method or a shell block, whose output it shows");
                        }));
                    }
                    continue;
                }
                tests.add(DynamicTest.dynamicTest(block.where() + " " + block.info(), () -> check(block, output, work)));
            }
            return DynamicContainer.dynamicContainer(ROOT.relativize(document).toString(), tests);
        });
    }

    private static void check(Block block, Block output, Path work) throws Exception {
        switch (block.info()) {
            case "java" -> {
                Path classes = compile(block, block.lines(), 0, work);
                if (MAIN.matcher(block.text()).find()) {
                    runMain(block, classes, output, work);
                } else if (output != null) {
                    throw new AssertionError(block.where() + ": an output block follows a java block without a main method");
                }
            }
            case "java compile" -> {
                compile(block, block.lines(), 0, work);
                noOutput(block, output);
            }
            case "java snippet" -> {
                List<String> source = new ArrayList<>(SNIPPET_HEAD);
                source.addAll(block.lines());
                source.addAll(SNIPPET_TAIL);
                compile(block, source, SNIPPET_HEAD.size(), work);
                noOutput(block, output);
            }
            case "yaml catalog" -> {
                Path file = write(block, work, "catalog.yml");
                Map<String, String> environment = new HashMap<>();
                Matcher variable = VARIABLE.matcher(block.text());
                while (variable.find()) {
                    environment.put(variable.group(1), "UseDevelopmentStorage=true");
                }
                try {
                    assertThat(Catalog.load(file, environment).names()).as(block.where()).isNotEmpty();
                } catch (io.loomflow.data.CatalogException refused) {
                    throw refusedYaml(block, file, refused);
                }
                noOutput(block, output);
            }
            case "yaml parameters" -> {
                Path file = write(block, work, "parameters.yml");
                try {
                    assertThat(Parameters.load(file)).as(block.where()).isNotEmpty();
                } catch (io.loomflow.data.CatalogException refused) {
                    throw refusedYaml(block, file, refused);
                }
                noOutput(block, output);
            }
            case "shell" -> runShell(block, output, work);
            case "shell no-run" -> {
                parseShell(block);
                noOutput(block, output);
            }
            default -> throw new AssertionError(block.where() + ": a block of kind '" + block.info()
                    + "', which this test does not know; give it one of the kinds docs/README.md lists");
        }
    }

    /** The loader's error, at the document's line: its message starts {@code file:line:column:}. */
    private static AssertionError refusedYaml(Block block, Path file, RuntimeException refused) {
        String message = refused.getMessage();
        Matcher position = Pattern.compile("^" + Pattern.quote(file.toString()) + ":(\\d+):(\\d+):\\s*").matcher(message);
        String where = position.find()
                ? ROOT.relativize(block.document()) + ":" + (block.line() + Integer.parseInt(position.group(1))) + ":"
                        + position.group(2) + ": " + message.substring(position.end())
                : block.where() + ": " + message;
        return new AssertionError("the yaml block at " + block.where() + " is refused: " + where, refused);
    }

    private static void noOutput(Block block, Block output) {
        if (output != null) {
            throw new AssertionError(output.where() + ": an output block follows a block of kind '" + block.info()
                    + "', which is not run");
        }
    }

    // ---- Java ----

    /** Compiles the source; {@code head} lines of it come before the block's first line. Returns the classes' folder. */
    private static Path compile(Block block, List<String> source, int head, Path work) throws IOException {
        String text = String.join("\n", source) + "\n";
        Matcher type = PUBLIC_TYPE.matcher(text);
        String name = type.find() ? type.group(1) : "Block" + block.line();
        Path dir = work.resolve("L" + block.line());
        Path sourceFile = dir.resolve("src").resolve(name + ".java");
        Path classes = dir.resolve("classes");
        Files.createDirectories(sourceFile.getParent());
        Files.createDirectories(classes);
        Files.writeString(sourceFile, text);
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<String> options = List.of("-classpath", ChildJvm.classPath(), "-d", classes.toString(), "-proc:none",
                "-Xlint:-options", "--release", String.valueOf(Runtime.version().feature()));
        boolean compiled = compiler.getTask(null, files, diagnostics, options, null,
                files.getJavaFileObjects(sourceFile)).call();
        List<String> errors = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> diagnostic : diagnostics.getDiagnostics()) {
            if (diagnostic.getKind() == Diagnostic.Kind.ERROR) {
                long line = diagnostic.getLineNumber() - head;
                errors.add(ROOT.relativize(block.document()) + ":" + (block.line() + line) + ": "
                        + diagnostic.getMessage(Locale.ROOT));
            }
        }
        if (!compiled || !errors.isEmpty()) {
            throw new AssertionError("the java block at " + block.where() + " does not compile:\n"
                    + String.join("\n", errors));
        }
        return classes;
    }

    /** Runs the block's program in a JVM of its own, in a folder of its own, and compares its output. */
    private static void runMain(Block block, Path classes, Block output, Path work) throws Exception {
        String text = block.text();
        Matcher type = PUBLIC_TYPE.matcher(text);
        Matcher pkg = PACKAGE.matcher(text);
        if (!type.find()) {
            throw new AssertionError(block.where() + ": a java block with a main method declares it in a public class");
        }
        String mainClass = (pkg.find() ? pkg.group(1) + "." : "") + type.group(1);
        Path directory = work.resolve("L" + block.line()).resolve("run");
        Files.createDirectories(directory);
        ChildJvm.Result result = ChildJvm.run(List.of(ChildJvm.java(), "-cp",
                classes + java.io.File.pathSeparator + ChildJvm.classPath(), mainClass), directory,
                Map.of("LOOMFLOW_DB", POSTGRES.url()), DEADLINE);
        assertThat(result.exitCode()).as("the program of %s exited with %s", block.where(), result).isZero();
        if (output != null) {
            expectOutput(block, output, result.stdout(), result.toString());
        }
    }

    private static void expectOutput(Block block, Block output, String stdout, String everything) {
        List<String> actual = stdout.lines().map(String::stripTrailing).toList();
        List<String> expected = output.lines().stream().map(String::stripTrailing).toList();
        if (!matches(expected, actual)) {
            throw new AssertionError("the output of the block at " + block.where() + " is not what the block at "
                    + output.where() + " shows.\n--- shown\n" + String.join("\n", expected) + "\n--- printed\n"
                    + String.join("\n", actual) + "\n--- all\n" + everything);
        }
    }

    /** Whether the lines match the expected ones, where a line {@code ...} stands for any number of lines. */
    static boolean matches(List<String> expected, List<String> actual) {
        if (expected.isEmpty()) {
            return actual.isEmpty();
        }
        if (expected.getFirst().equals("...")) {
            for (int skip = 0; skip <= actual.size(); skip++) {
                if (matches(expected.subList(1, expected.size()), actual.subList(skip, actual.size()))) {
                    return true;
                }
            }
            return false;
        }
        return !actual.isEmpty() && expected.getFirst().equals(actual.getFirst())
                && matches(expected.subList(1, expected.size()), actual.subList(1, actual.size()));
    }

    // ---- Shell ----

    /** The commands of a shell block: each line that is not blank or a comment, without the {@code ./} or trailing comment. */
    private record Line(int number, List<String> args, int exitCode) {
    }

    private static List<Line> commands(Block block) {
        List<Line> commands = new ArrayList<>();
        for (int i = 0; i < block.lines().size(); i++) {
            String line = block.lines().get(i).strip();
            int number = block.line() + 1 + i;
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int exitCode = 0;
            Matcher exit = EXIT.matcher(line);
            if (exit.find()) {
                exitCode = Integer.parseInt(exit.group(1));
            }
            int comment = line.indexOf(" #");
            String command = (comment < 0 ? line : line.substring(0, comment)).strip();
            List<String> words = words(command);
            if (words.isEmpty() || !(words.getFirst().equals("loomflow") || words.getFirst().equals("./loomflow"))) {
                throw new AssertionError(ROOT.relativize(block.document()) + ":" + number
                        + ": a shell block holds loomflow commands only (one a line, a comment after ' #'), got: " + line);
            }
            commands.add(new Line(number, words.subList(1, words.size()), exitCode));
        }
        if (commands.isEmpty()) {
            throw new AssertionError(block.where() + ": a shell block without a command");
        }
        return commands;
    }

    /** Splits a command into words as a shell would: white space, and single or double quotes. */
    private static List<String> words(String command) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (char c : command.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                word = word == null ? new StringBuilder() : word;
            } else if (Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }

    private static CommandLine commandLine(CliContext context) {
        return Cli.commandLine(context);
    }

    /** Parses every command with the command's own picocli model: options, their values and the subcommands exist. */
    private static void parseShell(Block block) {
        for (Line line : commands(block)) {
            CommandLine cli = commandLine(CliContext.embedded(new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(new ByteArrayOutputStream())));
            try {
                cli.parseArgs(line.args().toArray(String[]::new));
            } catch (CommandLine.ParameterException problem) {
                throw new AssertionError(ROOT.relativize(block.document()) + ":" + line.number() + ": "
                        + problem.getMessage(), problem);
            }
        }
    }

    /**
     * Runs every command in this JVM through the command's own entry point, with the document's run
     * history (a folder of the test's, given as {@code --db} to a command that takes one and was not
     * given one), in order; each must exit with 0 or the code its line's comment says ({@code # exit 1}).
     */
    private static void runShell(Block block, Block output, Path work) throws Exception {
        Path store = work.resolve("history");
        StringBuilder stdout = new StringBuilder();
        StringBuilder everything = new StringBuilder();
        for (Line line : commands(block)) {
            List<String> args = new ArrayList<>(line.args().stream()
                    .map(word -> word.replace("$LOOMFLOW_DB", POSTGRES.url())).toList());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
                 PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
                CliContext context = new CliContext(outStream, errStream, Map.of(), false, false,
                        InstantSource.system(), ZoneId.systemDefault());
                CommandLine probe = commandLine(context);
                if (!args.isEmpty() && probe.getSubcommands().containsKey(args.getFirst()) && !args.contains("--db")
                        && probe.getSubcommands().get(args.getFirst()).getCommandSpec().findOption("--db") != null) {
                    args.addAll(1, List.of("--db", store.toString()));
                }
                CompletableFuture<Integer> exit = new CompletableFuture<>();
                Thread thread = Thread.ofPlatform().name("docs " + line.number()).start(() -> {
                    try {
                        exit.complete(Cli.run(args.toArray(String[]::new), context));
                    } catch (Throwable failure) {
                        exit.completeExceptionally(failure);
                    }
                });
                int code;
                try {
                    code = exit.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                } catch (TimeoutException tooLong) {
                    thread.interrupt();
                    thread.join(Duration.ofSeconds(10));
                    throw new AssertionError(ROOT.relativize(block.document()) + ":" + line.number() + ": 'loomflow "
                            + String.join(" ", line.args()) + "' did not end within " + DEADLINE.toSeconds()
                            + " s; a command that serves until stopped belongs in a 'shell no-run' block");
                } catch (ExecutionException failed) {
                    throw new AssertionError(ROOT.relativize(block.document()) + ":" + line.number(), failed.getCause());
                }
                String printed = out.toString(StandardCharsets.UTF_8);
                String said = err.toString(StandardCharsets.UTF_8);
                stdout.append(printed);
                everything.append("$ loomflow ").append(String.join(" ", args)).append("\n").append(printed)
                        .append("--- stderr\n").append(said);
                if (code != line.exitCode()) {
                    throw new AssertionError(ROOT.relativize(block.document()) + ":" + line.number() + ": 'loomflow "
                            + String.join(" ", line.args()) + "' exited " + code + ", not " + line.exitCode() + "\n"
                            + everything);
                }
            }
        }
        if (output != null) {
            expectOutput(block, output, stdout.toString(), everything.toString());
        }
    }

    // ---- Markdown ----

    private static void deleteRecursively(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
    }

    private static Path write(Block block, Path work, String name) throws IOException {
        Path file = work.resolve("L" + block.line()).resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, block.text());
    }

    private static List<Path> documents() throws IOException {
        try (Stream<Path> files = Files.list(DOCS)) {
            return files.filter(p -> p.toString().endsWith(".md")).sorted().toList();
        }
    }

    private static List<Block> blocks(Path document) {
        try {
            return parse(document, Files.readAllLines(document));
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
    }

    /** The fenced blocks of a document (a fence of three backquotes, its info string after them). */
    static List<Block> parse(Path document, List<String> lines) {
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher fence = FENCE.matcher(lines.get(i));
            if (!fence.matches()) {
                continue;
            }
            int start = i;
            List<String> body = new ArrayList<>();
            for (i++; i < lines.size() && !lines.get(i).strip().equals("```"); i++) {
                body.add(lines.get(i));
            }
            if (i == lines.size()) {
                throw new AssertionError(document + ":" + (start + 1) + ": a block that is never closed");
            }
            blocks.add(new Block(document, start + 1, fence.group(1).strip(), List.copyOf(body)));
        }
        return blocks;
    }
}
