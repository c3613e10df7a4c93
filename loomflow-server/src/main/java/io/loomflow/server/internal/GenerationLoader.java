package io.loomflow.server.internal;

import java.util.Map;

/**
 * The class loader of one dev generation: it defines the classes compiled from the dev directory,
 * from memory, and asks its parent (the server's own loader, which sees the libraries on the class
 * path) for everything else. Dropping a generation drops its loader and every class in it.
 */
final class GenerationLoader extends ClassLoader {

    static {
        registerAsParallelCapable();
    }

    private final Map<String, byte[]> classes;

    GenerationLoader(long generation, Map<String, byte[]> classes, ClassLoader parent) {
        super("loomflow-dev-generation-" + generation, parent);
        this.classes = Map.copyOf(classes);
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
