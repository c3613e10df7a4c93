package io.loomflow.cli.internal;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --classes}: directories and jars to find more flows in, besides {@code LOOMFLOW_CLASSPATH};
 * a directory of {@code .java} sources is compiled first ({@link FlowCatalog}).
 */
final class ClassesOption {

    static final String ENVIRONMENT_VARIABLE = "LOOMFLOW_CLASSPATH";

    @Option(names = "--classes", paramLabel = "DIR|JAR",
            description = "A directory of compiled classes, a jar, or a directory of .java sources (one with"
                    + " src/main/java, or with .java files and no .class files: compiled first, into a temporary"
                    + " directory) with flows; repeatable. Also read from"
                    + " $LOOMFLOW_CLASSPATH (entries separated by ':', or ';' on Windows). See 'Flow discovery'"
                    + " in the README.")
    List<Path> classes = new ArrayList<>();

    /** The extra entries: {@code --classes} first, then those of {@code LOOMFLOW_CLASSPATH}. */
    List<Path> entries(Map<String, String> environment) {
        List<Path> entries = new ArrayList<>(classes);
        String fromEnvironment = environment.get(ENVIRONMENT_VARIABLE);
        if (fromEnvironment != null) {
            for (String entry : fromEnvironment.split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    entries.add(Path.of(entry.strip()));
                }
            }
        }
        return entries;
    }
}
