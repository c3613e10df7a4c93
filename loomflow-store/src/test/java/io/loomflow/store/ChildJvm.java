package io.loomflow.store;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts a program of these tests in a child JVM, on the class path the tests run with. */
final class ChildJvm {

    private ChildJvm() {
    }

    static Process start(Class<?> program, String... args) throws java.io.IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        String modulePath = System.getProperty("jdk.module.path");
        String classPath = System.getProperty("java.class.path");
        command.add("-cp");
        command.add(modulePath == null || modulePath.isEmpty() ? classPath : modulePath + File.pathSeparator + classPath);
        command.add(program.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }
}
