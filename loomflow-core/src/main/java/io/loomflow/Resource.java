package io.loomflow;

import java.util.Objects;

/**
 * Something expensive that tasks share, such as a storage client, a connection pool or an HTTP
 * client: opened lazily, once per engine, on first {@link #get()}, and closed when that engine
 * closes, after its last run has ended, in reverse order of opening.
 *
 * <p>A {@code Resource} is a definition, like a {@link Task}: declare it once as a constant, and
 * each engine (each generation, in dev mode) gets its own instance. If opening fails, the error
 * reaches the caller of {@code get()} unchanged and the next {@code get()} tries again. Thread-safe.
 * {@snippet class=io.loomflow.snippets.ResourceSnippets region=resource}
 *
 * @param <T> the type of the resource
 */
public final class Resource<T> {

    /**
     * Opens a resource.
     *
     * @param <T> the type of the resource
     */
    @FunctionalInterface
    public interface Opener<T> {
        /**
         * Opens the resource.
         *
         * @return the open resource
         * @throws Exception if it cannot be opened
         */
        T open() throws Exception;
    }

    /**
     * Closes a resource.
     *
     * @param <T> the type of the resource
     */
    @FunctionalInterface
    public interface Closer<T> {
        /**
         * Closes the resource.
         *
         * @param resource the resource that {@link Opener#open()} returned
         * @throws Exception if closing fails; it is logged, and closing goes on with the others
         */
        void close(T resource) throws Exception;
    }

    private final String name;
    private final Opener<? extends T> opener;
    private final Closer<? super T> closer;

    private Resource(String name, Opener<? extends T> opener, Closer<? super T> closer) {
        this.name = name;
        this.opener = opener;
        this.closer = closer;
    }

    /**
     * Defines a resource. If the opened value is {@link AutoCloseable}, the engine closes it with
     * {@code close()}; otherwise give a closer with {@link #withCloser(Closer)}.
     *
     * @param name a non-blank name, used in messages
     * @param opener how to open it
     * @param <T> the type of the resource
     * @return the definition
     */
    public static <T> Resource<T> named(String name, Opener<? extends T> opener) {
        Names.check("Resource", name);
        Objects.requireNonNull(opener, () -> "Resource '" + name + "' needs an opener; pass a function that"
                + " opens it, such as HttpClient::newHttpClient");
        return new Resource<>(name, opener, Resource::closeIfCloseable);
    }

    private static void closeIfCloseable(Object value) throws Exception {
        if (value instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    /**
     * Returns a copy that closes its value with {@code closer}.
     *
     * @param closer how to close the value
     * @return the changed copy
     */
    public Resource<T> withCloser(Closer<? super T> closer) {
        Objects.requireNonNull(closer, () -> "Resource '" + name + "': closer must not be null");
        return new Resource<>(name, opener, closer);
    }

    /**
     * The resource's name.
     *
     * @return the name given to {@link #named(String, Opener)}
     */
    public String name() {
        return name;
    }

    /**
     * The instance for the engine of the current run, opening it if this is the first use; outside
     * of any run, the instance for the default engine.
     *
     * @return the open resource
     * @throws EngineClosedException if the engine is closed
     */
    public T get() {
        RunNode current = RunNode.currentOrNull();
        return get(current != null ? current.engine() : DefaultEngine.get());
    }

    /**
     * The instance for {@code engine}, opening it if this is the first use.
     *
     * @param engine the engine whose instance to return
     * @return the open resource
     * @throws EngineClosedException if the engine is closed
     */
    public T get(Engine engine) {
        Objects.requireNonNull(engine, "engine");
        return EngineImpl.of(engine).resources().get(this);
    }

    T open() throws Exception {
        T value = opener.open();
        if (value == null) {
            throw new IllegalStateException("Resource '" + name + "': its opener returned null;"
                    + " return the opened resource, or throw if it cannot be opened");
        }
        return value;
    }

    void close(T value) throws Exception {
        closer.close(value);
    }

    @Override
    public String toString() {
        return "Resource[" + name + "]";
    }
}
