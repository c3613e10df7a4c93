package io.loomflow.cli.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Whether the classes of a directory or jar can be loaded by this JVM at all: each {@code .class}
 * file starts as a class file does and is of a version this Java reads. A class compiled by a newer
 * JDK would otherwise surface as {@code class file has wrong version 70.0, should be 69.0} deep in a
 * compiler's output, or not at all. Stateless.
 */
final class ClassFileCheck {

    private static final int MAGIC = 0xCAFEBABE;
    /** Class file version 44 + N is Java N's. */
    private static final int JAVA_OFFSET = 44;

    private ClassFileCheck() {
    }

    /**
     * Checks every class file of one {@code --classes} entry.
     *
     * @throws CliException (bad input) naming the first file that is not a class file or is too new,
     *     and what to do
     */
    static void check(Path entry) {
        Optional<String> problem;
        try {
            problem = Files.isDirectory(entry) ? checkDirectory(entry) : checkJar(entry);
        } catch (IOException unreadable) {
            throw CliException.badInput("--classes " + entry + " cannot be read (" + unreadable
                    + "); pass a directory of compiled classes or a jar");
        }
        problem.ifPresent(message -> {
            throw CliException.badInput("--classes " + entry + ": " + message);
        });
    }

    private static Optional<String> checkDirectory(Path directory) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(directory)) {
            files = walk.filter(file -> file.getFileName().toString().endsWith(".class") && Files.isRegularFile(file))
                    .sorted().toList();
        }
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file)) {
                Optional<String> problem = problem(directory.relativize(file).toString(), in);
                if (problem.isPresent()) {
                    return problem;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> checkJar(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            Enumeration<JarEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                // A multi-release jar's versions/ may hold classes for newer Javas, read only by those.
                if (entry.isDirectory() || !entry.getName().endsWith(".class")
                        || entry.getName().startsWith("META-INF/versions/")) {
                    continue;
                }
                try (InputStream in = file.getInputStream(entry)) {
                    Optional<String> problem = problem(entry.getName(), in);
                    if (problem.isPresent()) {
                        return problem;
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** What is wrong with one class file, if anything. */
    static Optional<String> problem(String name, InputStream in) throws IOException {
        byte[] header = in.readNBytes(8);
        int java = Runtime.version().feature();
        if (header.length < 8 || readInt(header, 0) != MAGIC) {
            return Optional.of(name + " is not a class file (it does not start with 0xCAFEBABE);"
                    + " remove it, or compile its source again with javac --release " + java);
        }
        int major = ((header[6] & 0xff) << 8) | (header[7] & 0xff);
        if (major > java + JAVA_OFFSET) {
            return Optional.of(name + " was compiled for Java " + (major - JAVA_OFFSET)
                    + " (class file version " + major + "), and this loomflow runs on Java " + java
                    + ", which reads class files up to version " + (java + JAVA_OFFSET) + "; compile it with javac"
                    + " --release " + java + ", or run loomflow on a JDK " + (major - JAVA_OFFSET)
                    + " or newer (JAVA_HOME)");
        }
        return Optional.empty();
    }

    private static int readInt(byte[] bytes, int at) {
        return ((bytes[at] & 0xff) << 24) | ((bytes[at + 1] & 0xff) << 16) | ((bytes[at + 2] & 0xff) << 8)
                | (bytes[at + 3] & 0xff);
    }
}
