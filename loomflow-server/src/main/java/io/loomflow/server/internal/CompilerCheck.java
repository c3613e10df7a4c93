package io.loomflow.server.internal;

/**
 * Whether this Java runtime can compile sources: checked before any class that uses
 * {@code javax.tools} is loaded, since on a JRE (or a jlink image without the compiler) loading one
 * fails with a {@link NoClassDefFoundError} instead of a message.
 */
public final class CompilerCheck {

    private CompilerCheck() {
    }

    /**
     * Throws unless the modules {@code java.compiler} and {@code jdk.compiler} are in this runtime.
     *
     * @throws IllegalStateException naming this runtime and what to install
     */
    public static void require() {
        ModuleLayer boot = ModuleLayer.boot();
        if (boot.findModule("java.compiler").isEmpty() || boot.findModule("jdk.compiler").isEmpty()) {
            throw new IllegalStateException("this Java runtime (" + System.getProperty("java.home") + ") has no"
                    + " compiler (modules java.compiler and jdk.compiler): it is a JRE or a jlink image without it;"
                    + " run on a JDK 25, with JAVA_HOME set to it");
        }
    }
}
