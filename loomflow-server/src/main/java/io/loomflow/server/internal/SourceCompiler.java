package io.loomflow.server.internal;

import io.loomflow.server.LoomflowServer.Problem;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;

/**
 * Compiles the {@code .java} files under a directory in this process, with the JDK's compiler,
 * into class files held in memory. One file manager serves every compile, so the class path is
 * indexed once. Not thread-safe; dev mode compiles on one thread. Public for
 * {@link io.loomflow.server.FlowSources}, which offers it to the command line; not exported.
 */
public final class SourceCompiler implements AutoCloseable {

    /** What a compile made: class files by binary name, the source of each class, and the errors. */
    record Output(Map<String, byte[]> classes, Map<String, String> sourceOf, List<Problem> problems, int files) {
        boolean ok() {
            return problems.isEmpty();
        }
    }

    private final Path directory;
    private final JavaCompiler compiler;
    private final StandardJavaFileManager files;

    /**
     * A compiler of the sources under {@code directory} against {@code classPath}.
     *
     * @throws IllegalStateException if this Java runtime has no compiler
     */
    SourceCompiler(Path directory, List<Path> classPath) {
        this.directory = directory;
        this.compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new IllegalStateException("this Java runtime (" + System.getProperty("java.home") + ") has no"
                    + " compiler; run on a JDK 25, with JAVA_HOME set to it");
        }
        this.files = compiler.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8);
        try {
            files.setLocationFromPaths(StandardLocation.CLASS_PATH, classPath);
        } catch (IOException unreadable) {
            throw new UncheckedIOException("cannot use the class path " + classPath + " to compile", unreadable);
        }
    }

    /** The class path of this process, to compile flows against the libraries it runs with. */
    static List<Path> processClassPath() {
        List<Path> entries = new ArrayList<>();
        for (String property : List.of("java.class.path", "jdk.module.path")) {
            String value = System.getProperty(property, "");
            for (String entry : value.split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    entries.add(Path.of(entry));
                }
            }
        }
        return entries;
    }

    /**
     * Compiles the sources under {@code directory} against this process's class path and
     * {@code extraClassPath}, and writes the class files under {@code classes}.
     *
     * @return the errors, none when the compile succeeded
     * @throws IllegalStateException if this Java runtime has no compiler
     * @throws UncheckedIOException if the sources cannot be read or the classes written
     */
    public static List<Problem> compileTo(Path directory, List<Path> extraClassPath, Path classes) {
        List<Path> classPath = new ArrayList<>(processClassPath());
        classPath.addAll(extraClassPath);
        try (SourceCompiler compiler = new SourceCompiler(directory, classPath)) {
            Output output = compiler.compile();
            if (!output.ok()) {
                return output.problems();
            }
            for (Map.Entry<String, byte[]> compiled : output.classes().entrySet()) {
                Path file = classes.resolve(compiled.getKey().replace('.', File.separatorChar) + ".class");
                Files.createDirectories(file.getParent());
                Files.write(file, compiled.getValue());
            }
            return List.of();
        } catch (IOException unwritable) {
            throw new UncheckedIOException("cannot write the classes compiled from " + directory + " to " + classes,
                    unwritable);
        }
    }

    /** The {@code .java} files under the directory, outside {@code conf/}, in a stable order. */
    List<Path> sources() {
        try (Stream<Path> walk = Files.walk(directory)) {
            return walk.filter(path -> path.getFileName().toString().endsWith(".java"))
                    .filter(path -> !directory.relativize(path).startsWith("conf"))
                    .filter(Files::isRegularFile)
                    .sorted(Comparator.comparing(Path::toString))
                    .toList();
        } catch (IOException unreadable) {
            throw new UncheckedIOException("cannot read the sources in " + directory, unreadable);
        }
    }

    /** Whether a source is empty, as a file is between a save's truncation and its write. */
    boolean anySourceEmpty() {
        for (Path source : sources()) {
            try {
                if (Files.size(source) == 0) {
                    return true;
                }
            } catch (IOException gone) {
                // deleted meanwhile: the next event says so
            }
        }
        return false;
    }

    /** Compiles every source; never throws for errors in them, which come back as problems. */
    Output compile() {
        List<Path> sources = sources();
        if (sources.isEmpty()) {
            return new Output(Map.of(), Map.of(), List.of(new Problem(".", 0, 0, "there are no .java files in " + directory
                    + "; put the sources of your flows there")), 0);
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Memory memory = new Memory(files);
        Iterable<? extends JavaFileObject> units = files.getJavaFileObjectsFromPaths(sources);
        boolean ok = compiler.getTask(null, memory, diagnostics, List.of("-proc:none", "-g", "-parameters",
                "-implicit:none", "-Xlint:none", "-nowarn"), null, units).call();
        List<Problem> problems = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> diagnostic : diagnostics.getDiagnostics()) {
            if (diagnostic.getKind() == Diagnostic.Kind.ERROR) {
                problems.add(new Problem(relative(diagnostic.getSource()), Math.max(0, diagnostic.getLineNumber()),
                        Math.max(0, diagnostic.getColumnNumber()), diagnostic.getMessage(Locale.ROOT)));
            }
        }
        if (!ok && problems.isEmpty()) {
            problems.add(new Problem(".", 0, 0, "the compiler failed without saying why"));
        }
        return new Output(memory.classes, memory.sourceOf, List.copyOf(problems), sources.size());
    }

    private String relative(JavaFileObject source) {
        if (source == null) {
            return ".";
        }
        Path path = Path.of(source.toUri());
        return path.startsWith(directory) ? directory.relativize(path).toString() : path.toString();
    }

    @Override
    public void close() {
        try {
            files.close();
        } catch (IOException ignored) {
            // nothing is left to write
        }
    }

    /** Keeps the class files in memory, and which source each came from. */
    private final class Memory extends ForwardingJavaFileManager<StandardJavaFileManager> {

        private final Map<String, byte[]> classes = new LinkedHashMap<>();
        private final Map<String, String> sourceOf = new LinkedHashMap<>();

        Memory(StandardJavaFileManager files) {
            super(files);
        }

        @Override
        public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                                                   FileObject sibling) {
            if (sibling instanceof JavaFileObject source) {
                sourceOf.put(className, relative(source));
            }
            return new SimpleJavaFileObject(URI.create("memory:///" + className.replace('.', '/') + kind.extension), kind) {
                @Override
                public OutputStream openOutputStream() {
                    return new ByteArrayOutputStream() {
                        @Override
                        public void close() {
                            classes.put(className, toByteArray());
                        }
                    };
                }
            };
        }
    }
}
