package io.loomflow.spi;

import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Tells whether the calling thread must not block, such as the event loop of a non-blocking
 * framework or a UI thread, so that Loomflow can refuse a blocking call there at once.
 *
 * <p>Before {@code flow.run}, {@code task.call}, {@code engine.run} and before joining a handle that
 * has not ended, outside of any run, an engine asks its detectors in order and refuses the call
 * with {@code io.loomflow.BlockingNotAllowedException} if one of them names the thread;
 * {@code runAsync} is never refused. Inside a run no detector is asked: run threads belong to the
 * engine.
 *
 * <p>An engine's detectors are, in this order: those given to
 * {@code Engine.Builder.nonBlockingThreadDetector(...)}; those found with
 * {@link java.util.ServiceLoader} when the engine is built (a provider on the class path, listed in
 * {@code META-INF/services/io.loomflow.spi.NonBlockingThreadDetector}, or a module that
 * {@code provides} this interface); and the built-in rules for Netty, Vert.x and Reactor, which are
 * active when those libraries are visible to Loomflow's class loader (they are not dependencies of
 * Loomflow, and are found by reflection). A detector of your own is a test of the calling thread,
 * such as {@code SwingUtilities::isEventDispatchThread} for Swing, or for a UI thread of your own:
 * {@snippet class=io.loomflow.snippets.SpiSnippets region=detector}
 *
 * <p><b>Thread-safety.</b> Implementations must be thread-safe: {@link #detect()} is called
 * concurrently, on any thread that makes a blocking call. It must be fast and must itself not block
 * or change the calling thread (no thread-locals created, no context switched).
 *
 * <p><b>Errors.</b> An exception that {@link #detect()} throws reaches the caller of the blocking
 * method unchanged, before any run has started.
 */
@FunctionalInterface
public interface NonBlockingThreadDetector {

    /**
     * Tells whether the calling thread must not block.
     *
     * @return what kind of thread it is, for messages, with an article and without a trailing period
     *     (for example {@code "a Netty event loop"}), if the calling thread must not block; empty if it
     *     may block, or if this detector does not know the thread
     */
    Optional<String> detect();

    /**
     * Makes a detector from a test of the calling thread.
     *
     * @param kind what kind of thread the test recognizes, for messages, such as
     *     {@code "the Swing event dispatch thread"}; not blank
     * @param mustNotBlock answers {@code true} on a thread that must not block; called on that thread
     * @return a detector that returns {@code kind} when {@code mustNotBlock} answers {@code true}
     */
    static NonBlockingThreadDetector of(String kind, BooleanSupplier mustNotBlock) {
        Objects.requireNonNull(kind, "kind must not be null; describe the thread, such as \"the UI thread\"");
        if (kind.isBlank()) {
            throw new IllegalArgumentException("kind was blank; describe the thread, such as \"the UI thread\"");
        }
        Objects.requireNonNull(mustNotBlock, "mustNotBlock must not be null; pass a test of the calling thread");
        Optional<String> found = Optional.of(kind);
        return new NonBlockingThreadDetector() {
            @Override
            public Optional<String> detect() {
                return mustNotBlock.getAsBoolean() ? found : Optional.empty();
            }

            @Override
            public String toString() {
                return "NonBlockingThreadDetector[" + kind + "]";
            }
        };
    }
}
