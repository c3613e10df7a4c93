package io.loomflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code loomflow shell}: JShell with Loomflow's imports and the user's classes, whose snippets' default
 * engine is closed, and waited for, on {@code /reset} and {@code /exit}. Each test starts the command
 * in a child JVM, as a terminal would, and feeds it snippets on stdin.
 */
class ShellCommandTest {

    @TempDir
    Path directory;

    private record Session(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out ---\n" + out + "--- err ---\n" + err;
        }
    }

    /** Runs {@code loomflow shell} with these arguments in a child JVM, the snippets given on stdin, to its end. */
    private Session shell(List<String> arguments, String... snippets) throws Exception {
        Path out = directory.resolve("out.txt");
        Path err = directory.resolve("err.txt");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // the snippets' JVM gets it too: a run still going at /reset or /exit is cancelled at once
                "-Dloomflow.shutdownGrace=PT0S",
                "-Dloomflow.cancelGrace=PT60S", // and its cleanup gets all the time it takes
                "-Djava.util.prefs.userRoot=" + directory.resolve("prefs"), // JShell's history, not the user's
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "shell"));
        command.addAll(arguments);
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try (OutputStream in = process.getOutputStream()) {
            in.write((String.join("\n", snippets) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        boolean ended = process.waitFor(90, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly().waitFor();
        }
        Session session = new Session(process.exitValue(), Files.readString(out), Files.readString(err));
        assertThat(ended).as("the shell ended within 90 s:\n%s", session).isTrue();
        return session;
    }

    @Test
    void loomflowsImportsAreThereAFlowOfTasksRunsAndTheExitCodeIsJShells() throws Exception {
        Session session = shell(List.of(),
                "Task<Integer, Integer> square = Task.named(\"square\", (Integer i) -> i * i)",
                "Flow<List<Integer>, List<Integer>> squares = Flow.named(\"squares\", (List<Integer> xs) -> square.map(xs).join())",
                "System.out.println(\"squares: \" + squares.run(List.of(1, 2, 3)) + \" in under \" + Duration.ofMinutes(1))",
                "/exit 3");

        assertThat(session.out()).as(session.toString()).contains("squares: [1, 4, 9] in under PT1M")
                .contains("Imported: io.loomflow.*, io.loomflow.data.*, io.loomflow.server.*, java.time.*")
                .contains("/reset and /exit close the default engine");
        assertThat(session.exitCode()).as(session.toString()).isEqualTo(3);
    }

    @Test
    void classesGivenWithClassesAreLoadableAndTheirFlowsAreListed() throws Exception {
        Path classes = directory.resolve("classes");
        compile(classes, "ext.Greetings", """
                package ext;
                import io.loomflow.Flow;
                public final class Greetings {
                    public static final Flow<String, String> GREET = Flow.named("shell-greet", (String name) -> "Hello, " + name);
                }
                """);

        Session session = shell(List.of("--classes", classes.toString()),
                "System.out.println(\"greeting: \" + ext.Greetings.GREET.run(\"shell\"))");

        assertThat(session.out()).as(session.toString()).contains("shell-greet  (from ext.Greetings in " + classes + ")")
                .contains("greeting: Hello, shell");
        assertThat(session.exitCode()).as(session.toString()).isZero();
    }

    /**
     * A run of the default engine still going at {@code /reset} is cancelled, and its cleanup (which
     * takes a while) has finished by the time the next snippet runs; then the next run works, on a new
     * default engine.
     */
    @Test
    void resetClosesTheDefaultEngineWaitingForItsRunsAndANewOneServesTheNextRun() throws Exception {
        Path cleanedUp = directory.resolve("cleaned-up.txt");
        Session session = shell(List.of(), stuckRun(cleanedUp),
                "/reset",
                "System.out.println(\"cleaned up when /reset returned: \" + Files.exists(Path.of(\"" + cleanedUp + "\")))",
                "System.out.println(\"after reset: \" + Flow.named(\"again\", (Void none) -> \"a new run\").run(null))");

        assertThat(session.out()).as(session.toString()).contains("run in flight: true")
                .contains("cleaned up when /reset returned: true").contains("after reset: a new run");
        assertThat(Files.readString(cleanedUp)).isEqualTo("interrupted");
    }

    /** The same at {@code /exit}: the shell ends after the run's cleanup, not before, leaving it to run unseen. */
    @Test
    void exitClosesTheDefaultEngineWaitingForItsRunsBeforeTheShellEnds() throws Exception {
        Path cleanedUp = directory.resolve("cleaned-up.txt");
        Session session = shell(List.of(), stuckRun(cleanedUp), "/exit");

        assertThat(session.out()).as(session.toString()).contains("run in flight: true");
        assertThat(session.exitCode()).isZero();
        assertThat(cleanedUp).as("written by the cancelled run's cleanup before the shell ended").exists();
        assertThat(Files.readString(cleanedUp)).isEqualTo("interrupted");
    }

    /**
     * Snippets that start a run on the default engine, wait until its task runs, and leave it going; when the
     * task is interrupted its cleanup takes 5 s (the time a real one may take to close what it opened), then
     * writes {@code "interrupted"} to {@code cleanedUp}. JShell on its own waits a second for the snippets' JVM to
     * end, then goes on: the shell has started the next JVM, or ended, long before then.
     */
    private static String stuckRun(Path cleanedUp) {
        return String.join("\n",
                "var started = new CountDownLatch(1)",
                "Task<Void, String> stuck = Task.named(\"stuck\", (Void none) -> {"
                        + " started.countDown();"
                        + " try { Thread.sleep(600_000); return \"not cancelled\"; }"
                        + " catch (InterruptedException cancelled) {"
                        + "   Thread.sleep(5_000);" // interrupted once only: the cleanup's own time
                        + "   Files.writeString(Path.of(\"" + cleanedUp + "\"), \"interrupted\");"
                        + "   throw cancelled; } })",
                "var future = Flow.named(\"stuck-flow\", (Void none) -> stuck.call(null)).runAsync(null)",
                "System.out.println(\"run in flight: \" + started.await(30, TimeUnit.SECONDS))");
    }

    @Test
    void aClassCompiledForANewerJavaIsRefusedNamingItAndWhatToDo() throws Exception {
        Path classes = directory.resolve("classes");
        compile(classes, "ext.Newer", "package ext; public final class Newer {}");
        Path file = classes.resolve("ext/Newer.class");
        byte[] bytes = Files.readAllBytes(file);
        int newer = Runtime.version().feature() + 1;
        bytes[7] = (byte) (newer + 44); // the class file's major version
        Files.write(file, bytes);

        Command command = Command.run("shell", "--classes", classes.toString());

        assertThat(command.exitCode()).as(command.toString()).isEqualTo(2);
        assertThat(command.err()).isEqualTo("loomflow: --classes " + classes + ": ext/Newer.class was compiled for Java "
                + newer + " (class file version " + (newer + 44) + "), and this loomflow runs on Java "
                + Runtime.version().feature() + ", which reads class files up to version "
                + (Runtime.version().feature() + 44) + "; compile it with javac --release " + Runtime.version().feature()
                + ", or run loomflow on a JDK " + newer + " or newer (JAVA_HOME)\n");
        assertThat(command.out()).isEmpty();
    }

    @Test
    void aFileNamedLikeAClassThatIsNotOneIsRefused() throws Exception {
        Path classes = Files.createDirectories(directory.resolve("classes/ext"));
        Files.writeString(classes.resolve("Broken.class"), "not a class");

        Command command = Command.run("shell", "--classes", classes.getParent().toString());

        assertThat(command.exitCode()).as(command.toString()).isEqualTo(2);
        assertThat(command.err()).startsWith("loomflow: --classes " + classes.getParent() + ": ext/Broken.class is not a"
                + " class file").doesNotContain("Exception");
    }

    private void compile(Path classes, String name, String source) throws Exception {
        Path file = directory.resolve("src").resolve(name.replace('.', '/') + ".java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int result = javac.run(null, errors, errors, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
                "--release", "25", "-proc:none", file.toString());
        assertThat(result).as(errors.toString(StandardCharsets.UTF_8)).isZero();
    }
}
