package io.loomflow.server.internal;

import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;

/**
 * The class loader of one dev generation: it defines the classes compiled from the dev directory,
 * from memory, and asks its parent (the server's own loader, which sees the libraries on the class
 * path) for everything else. The directory's other files are its resources, so a flow reads
 * {@code conf/catalog.yml} with {@code getResource("/conf/catalog.yml")}, as it would from a jar.
 * Dropping a generation drops its loader and every class in it.
 */
final class GenerationLoader extends ClassLoader {

    static {
        registerAsParallelCapable();
    }

    private final Map<String, byte[]> classes;
    private final Path directory;

    GenerationLoader(long generation, Map<String, byte[]> classes, Path directory, ClassLoader parent) {
        super("loomflow-dev-generation-" + generation, parent);
        this.classes = Map.copyOf(classes);
        this.directory = directory;
    }

    @Override
    protected URL findResource(String name) {
        Path file = directory.resolve(name).normalize();
        if (!file.startsWith(directory) || name.endsWith(".java") || !Files.isRegularFile(file)) {
            return null;
        }
        try {
            return file.toUri().toURL();
        } catch (MalformedURLException notAFile) {
            return null;
        }
    }

    @Override
    protected Enumeration<URL> findResources(String name) {
        URL found = findResource(name);
        return found == null ? Collections.emptyEnumeration() : Collections.enumeration(List.of(found));
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] bytes = classes.get(name);
        if (bytes == null) {
            throw new ClassNotFoundException(name);
        }
        return defineClass(name, bytes, 0, bytes.length);
    }
}
