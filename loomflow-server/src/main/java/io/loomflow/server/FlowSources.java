package io.loomflow.server;

import io.loomflow.server.LoomflowServer.Problem;
import io.loomflow.server.internal.CompilerCheck;
import io.loomflow.server.internal.SourceCompiler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Directories of flow sources, for tools that take one where they take compiled classes (the
 * command line's {@code --classes}): the rule that tells sources from classes, and the compiler dev
 * mode uses, writing class files to a directory.
 *
 * <p><b>The rule</b>: a directory is a directory of sources when it has a {@code src/main/java}
 * directory (a Maven or Gradle layout; those sources are compiled), or when it holds {@code .java}
 * files and no {@code .class} files, at any depth. Anything else (a directory with class files, a
 * jar) holds compiled classes.
 */
public final class FlowSources {

    private FlowSources() {
    }

    /**
     * The directory to compile when {@code directory} is a directory of sources by the rule above.
     *
     * @param directory a directory or a jar, as given
     * @return its {@code src/main/java}, or the directory itself, or empty when it holds compiled
     *     classes (or is no directory)
     * @throws UncheckedIOException if the directory cannot be read
     */
    public static Optional<Path> sourceRoot(Path directory) {
        if (!Files.isDirectory(directory)) {
            return Optional.empty();
        }
        Path layout = directory.resolve("src").resolve("main").resolve("java");
        if (Files.isDirectory(layout)) {
            return Optional.of(layout);
        }
        boolean sources = false;
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (name.endsWith(".class")) {
                    return Optional.empty();
                }
                sources |= name.endsWith(".java") && Files.isRegularFile(file);
            }
        } catch (IOException unreadable) {
            throw new UncheckedIOException("cannot read " + directory, unreadable);
        }
        return sources ? Optional.of(directory) : Optional.empty();
    }

    /**
     * Checks that this Java runtime can compile sources (a JDK, not a JRE), as {@link #compile} and
     * dev mode need; a command can say so before it starts anything.
     *
     * @throws IllegalStateException naming this runtime and what to run on instead
     */
    public static void requireCompiler() {
        CompilerCheck.require();
    }

    /**
     * Compiles the {@code .java} files under {@code sources} (outside its {@code conf/}, as dev mode
     * does) in this process with the JDK's compiler, against this process's class path and
     * {@code classPath}, and writes the class files under {@code classes}.
     *
     * @param sources the directory of sources, such as {@link #sourceRoot(Path)} returns
     * @param classPath more directories and jars the sources may use
     * @param classes the directory to write the class files to
     * @return the compile errors (file relative to {@code sources}, line, column, message); empty
     *     when the compile succeeded and the classes were written
     * @throws IllegalStateException if this Java runtime has no compiler (a JRE)
     * @throws UncheckedIOException if the sources cannot be read or the classes cannot be written
     */
    public static List<Problem> compile(Path sources, List<Path> classPath, Path classes) {
        CompilerCheck.require(); // before SourceCompiler, which a JRE cannot even load
        return SourceCompiler.compileTo(sources, classPath, classes);
    }
}
