package io.loomflow.cli.internal;

import io.loomflow.Engine;

/**
 * Closes the default engine of the JVM where a {@code loomflow shell}'s snippets run, before JShell
 * ends that JVM ({@code /exit}, {@code /reset}). {@link ShellExecution} loads this class's bytes into
 * that JVM, beside the snippets' classes, and calls {@link #close()} there as it would a snippet, so
 * JShell waits until runs in flight have finished or been cancelled (within the engine's grace
 * periods) and resources are closed. It must use nothing but core and the JDK: the class is defined
 * there on its own.
 */
final class ShellEngineCloser {

    private ShellEngineCloser() {
    }

    /** Called reflectively by JShell's execution control, in the snippets' JVM. */
    @SuppressWarnings("unused")
    private static String close() {
        try {
            // Documented: closing it explicitly is allowed, and the next use would make a new one.
            // Making one only to close it costs a few objects and no thread.
            Engine.defaultEngine().close();
            return "closed";
        } catch (RuntimeException notOpen) {
            return String.valueOf(notOpen.getMessage()); // the JVM is shutting down: its hook closes it
        }
    }
}
