package io.loomflow.cli.internal;

import io.loomflow.Flow;
import io.loomflow.server.FlowSources;
import io.loomflow.server.LoomflowServer.Problem;
import io.loomflow.spi.FlowClasses;
import io.loomflow.spi.FlowProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The flows the command can run, by name.
 *
 * <p><b>The discovery rule</b> (also in the module's README) is core's {@link FlowClasses}, the
 * same for {@code run}, {@code flows}, {@code server}, {@code worker} and {@code dev}:
 * <ol>
 *   <li>{@link ServiceLoader} over the command's own class loader: providers listed in
 *       {@code META-INF/services/io.loomflow.spi.FlowProvider} on the class path, and modules that
 *       {@code provides io.loomflow.spi.FlowProvider}.</li>
 *   <li>Each extra class path entry ({@code --classes}, then {@code LOOMFLOW_CLASSPATH}), a
 *       directory or a jar, all loaded by one class loader whose parent is the command's: every
 *       class in it offers flows by {@link FlowClasses}: public static final {@code Flow} fields of
 *       public classes, and public provider classes with a public constructor without parameters,
 *       except that an entry with a services file offers exactly the providers it lists. A class
 *       that cannot be loaded (it needs what is not on the class path) is passed over.</li>
 * </ol>
 * An extra entry that is a directory of sources by {@link FlowSources}'s rule (it has a
 * {@code src/main/java}, or {@code .java} files and no {@code .class} files) is first compiled, by
 * the compiler dev mode uses, against the class path and the other extra entries, into a temporary
 * directory that stands in for it, and which closing the catalog deletes (so does the JVM's exit).
 * A provider class found twice counts once, as does one flow object reached twice. Two flows with
 * one name are an error naming both places. Closing the catalog closes the extra class loader.
 */
final class FlowCatalog implements AutoCloseable {

    static final String SERVICES_FILE = FlowClasses.SERVICES_FILE;

    /** What the commands say when no flows were found: the rule that finds them. */
    static final String NO_FLOWS = "no flows were found; " + FlowClasses.RULE
            + ", in --classes DIR|JAR (or LOOMFLOW_CLASSPATH) or on the class path";

    /** A flow and where it was found (a provider or a class with Flow fields, and its directory or jar). */
    record Entry(Flow<?, ?> flow, String provider) {
    }

    private final Map<String, Entry> flows;
    private final URLClassLoader extraLoader;
    private final Compiled compiled;

    private FlowCatalog(Map<String, Entry> flows, URLClassLoader extraLoader, Compiled compiled) {
        this.flows = flows;
        this.extraLoader = extraLoader;
        this.compiled = compiled;
    }

    /**
     * The extra entries with each directory of sources replaced by the classes compiled from it, in a
     * temporary directory (absent when no entry holds sources), and how to show each of those.
     */
    private record Compiled(List<Path> entries, @Nullable Path temporary, Map<String, String> shownAs) {

        static Compiled from(List<Path> extraEntries) {
            List<Path> classPath = new ArrayList<>();
            Map<Path, Path> sources = new LinkedHashMap<>();
            for (Path entry : extraEntries) {
                Optional<Path> root;
                try {
                    root = FlowSources.sourceRoot(entry);
                } catch (UncheckedIOException unreadable) {
                    throw CliException.badInput("--classes " + entry + " cannot be read (" + unreadable.getCause()
                            + "); pass a directory of compiled classes or of .java sources, or a jar");
                }
                root.ifPresentOrElse(found -> sources.put(entry, found), () -> classPath.add(entry));
            }
            if (sources.isEmpty()) {
                return new Compiled(extraEntries, null, Map.of());
            }
            Path temporary;
            try {
                temporary = Files.createTempDirectory("loomflow-classes-");
            } catch (IOException cannotCreate) {
                throw new CliException(ExitCode.INTERNAL_ERROR, "cannot make a temporary directory to compile the sources"
                        + " of " + sources.keySet() + " into (" + cannotCreate + "); set java.io.tmpdir to a writable"
                        + " directory", cannotCreate);
            }
            temporary.toFile().deleteOnExit();
            try {
                List<Path> entries = new ArrayList<>();
                Map<String, String> shownAs = new LinkedHashMap<>();
                for (Path entry : extraEntries) {
                    Path root = sources.get(entry);
                    if (root == null) {
                        entries.add(entry);
                        continue;
                    }
                    Path classes = temporary.resolve(String.valueOf(entries.size()));
                    compile(entry, root, classPath, classes);
                    entries.add(classes);
                    shownAs.put(classes.toAbsolutePath().normalize().toString(), root.toString());
                }
                return new Compiled(entries, temporary, shownAs);
            } catch (RuntimeException failed) {
                delete(temporary);
                throw failed;
            }
        }

        private static void compile(Path entry, Path root, List<Path> classPath, Path classes) {
            List<Problem> problems;
            try {
                problems = FlowSources.compile(root, classPath, classes);
            } catch (IllegalStateException noCompiler) {
                throw CliException.badInput("--classes " + entry + " holds .java sources, and " + noCompiler.getMessage()
                        + " (or compile them first and pass the classes directory or a jar)");
            } catch (UncheckedIOException failed) {
                throw CliException.badInput("--classes " + entry + ": " + failed.getMessage() + " (" + failed.getCause()
                        + ")");
            }
            if (!problems.isEmpty()) {
                StringBuilder message = new StringBuilder("--classes " + entry + " holds .java sources (compiled first,"
                        + " as 'loomflow dev' does), and they do not compile:");
                for (Problem problem : problems) {
                    message.append("\n  ").append(problem.file().equals(".") ? problem.toString()
                            : root.resolve(problem.file()) + problem.toString().substring(problem.file().length()));
                }
                message.append("\nfix them and run the command again");
                throw CliException.badInput(message.toString());
            }
            try (Stream<Path> files = Files.walk(classes)) {
                files.forEach(file -> file.toFile().deleteOnExit()); // parents first: the JVM deletes in reverse
            } catch (IOException unreadable) {
                // closing the catalog deletes them all the same
            }
        }

        String shown(String place) {
            String shown = place;
            for (Map.Entry<String, String> compiled : shownAs.entrySet()) {
                shown = shown.replace(compiled.getKey(), compiled.getValue());
            }
            return shown;
        }

        static void delete(@Nullable Path temporary) {
            if (temporary == null) {
                return;
            }
            try (Stream<Path> files = Files.walk(temporary)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            } catch (IOException ignored) {
                // what is left goes at the JVM's exit
            }
        }
    }

    /**
     * Finds every flow by the rule above.
     *
     * @param extraEntries directories and jars beyond the command's class path
     * @throws CliException for an entry that does not exist, a provider that cannot be made or
     *     fails, and duplicate flow names
     */
    static FlowCatalog discover(List<Path> givenEntries) {
        Compiled compiled = Compiled.from(givenEntries);
        try {
            return discover(compiled);
        } catch (RuntimeException failed) {
            Compiled.delete(compiled.temporary());
            throw failed;
        }
    }

    private static FlowCatalog discover(Compiled compiled) {
        List<Path> extraEntries = compiled.entries();
        ClassLoader own = FlowCatalog.class.getClassLoader();
        Set<Class<?>> seen = new LinkedHashSet<>();
        FlowClasses.Index index = new FlowClasses.Index();
        try {
            for (FlowProvider provider : ServiceLoader.load(FlowProvider.class, own)) {
                if (seen.add(provider.getClass())) {
                    add(index, flowsOf(provider), describe(provider.getClass()));
                }
            }
        } catch (ServiceConfigurationError broken) {
            throw new CliException(ExitCode.BAD_INPUT, "a flow provider on the class path could not be loaded: "
                    + Text.error(broken) + causeOf(broken) + "; fix or remove its entry in " + SERVICES_FILE, broken);
        }
        URLClassLoader extra = null;
        if (!extraEntries.isEmpty()) {
            extra = new URLClassLoader("loomflow-classes", urls(extraEntries), own);
            try {
                for (Path entry : extraEntries) {
                    List<String> listed = listed(entry);
                    for (Class<?> type : providers(entry, listed, extra)) {
                        if (seen.add(type)) {
                            add(index, offeredBy(type, entry, true), describe(type));
                        }
                    }
                    for (Class<?> type : classes(entry, extra)) {
                        if (seen.add(type)) {
                            add(index, offeredBy(type, entry, listed.isEmpty()), describe(type));
                        }
                    }
                }
            } catch (RuntimeException failed) {
                close(extra);
                throw failed;
            }
        }
        Map<String, Entry> flows = new LinkedHashMap<>();
        index.flows().forEach((name, flow) -> flows.put(name, new Entry(flow, compiled.shown(index.places().get(name)))));
        return new FlowCatalog(flows, extra, compiled);
    }

    private static void add(FlowClasses.Index index, List<Flow<?, ?>> offered, String place) {
        for (Flow<?, ?> flow : offered) {
            String duplicate = index.add(flow, place);
            if (!duplicate.isEmpty()) {
                throw CliException.badInput(duplicate + ", or leave one off the class path (a flow's name is how"
                        + " 'loomflow run' picks it)");
            }
        }
    }

    private static List<Flow<?, ?>> flowsOf(FlowProvider provider) {
        try {
            return FlowClasses.flowsOf(provider);
        } catch (IllegalArgumentException failed) {
            throw new CliException(ExitCode.INTERNAL_ERROR, failed.getMessage(), failed);
        }
    }

    private static List<Flow<?, ?>> offeredBy(Class<?> type, Path entry, boolean providers) {
        try {
            return providers ? FlowClasses.offeredBy(type) : FlowClasses.fieldsOf(type);
        } catch (IllegalArgumentException failed) {
            throw new CliException(ExitCode.BAD_INPUT, failed.getMessage() + " (from " + entry + ")", failed);
        }
    }

    private static URL[] urls(List<Path> entries) {
        List<URL> urls = new ArrayList<>();
        for (Path entry : entries) {
            if (!Files.exists(entry)) {
                throw CliException.badInput("--classes " + entry + ": no such directory or jar (looked at "
                        + entry.toAbsolutePath().normalize() + "); pass a directory of compiled classes, such as"
                        + " target/classes, or a jar");
            }
            try {
                urls.add(entry.toAbsolutePath().normalize().toUri().toURL());
            } catch (MalformedURLException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
        return urls.toArray(URL[]::new);
    }

    /** The entry's services file's names, or none. */
    private static List<String> listed(Path entry) {
        try {
            return FlowClasses.listedProviders(entry);
        } catch (IOException unreadable) {
            throw CliException.badInput("--classes " + entry + " cannot be read (" + unreadable
                    + "); pass a directory of compiled classes or a jar");
        }
    }

    /** The provider classes an entry's services file lists, each of which must be a provider. */
    private static List<Class<?>> providers(Path entry, List<String> listed, ClassLoader loader) {
        List<Class<?>> types = new ArrayList<>();
        for (String name : listed) {
            Class<?> type;
            try {
                type = Class.forName(name, false, loader);
            } catch (ClassNotFoundException | LinkageError missing) {
                throw CliException.badInput(entry + "/" + SERVICES_FILE + " lists " + name + ", which cannot be loaded ("
                        + Text.error(missing) + "); compile it into " + entry + " or fix the file");
            }
            if (!FlowClasses.isProvider(type)) {
                throw CliException.badInput(entry + "/" + SERVICES_FILE + " lists " + name + ", which is not a public"
                        + " class implementing " + FlowProvider.class.getName() + " with a public constructor without"
                        + " parameters; fix the class or the file");
            }
            types.add(type);
        }
        return types;
    }

    /** Every class of an entry that can be loaded. */
    private static List<Class<?>> classes(Path entry, ClassLoader loader) {
        List<String> names;
        try {
            names = FlowClasses.classNames(entry);
        } catch (IOException unreadable) {
            throw CliException.badInput("--classes " + entry + " cannot be read (" + unreadable
                    + "); pass a directory of compiled classes or a jar");
        }
        List<Class<?>> types = new ArrayList<>();
        for (String name : names) {
            try {
                types.add(Class.forName(name, false, loader));
            } catch (ClassNotFoundException | LinkageError unusable) {
                // a class that needs what is not on the class path cannot offer flows we could run
            }
        }
        return types;
    }

    private static String describe(Class<?> type) {
        var source = type.getProtectionDomain().getCodeSource();
        String where = source == null || source.getLocation() == null ? "" : " in " + location(source.getLocation());
        return type.getName() + where;
    }

    private static String location(URL url) {
        try {
            return Path.of(url.toURI()).toString();
        } catch (Exception notAFile) {
            return url.toString();
        }
    }

    private static String causeOf(Throwable error) {
        return error.getCause() == null ? "" : " (caused by " + Text.error(error.getCause()) + ")";
    }

    private static void close(URLClassLoader loader) {
        if (loader != null) {
            try {
                loader.close();
            } catch (IOException ignored) {
                // closing only releases open jar files
            }
        }
    }

    /**
     * The flow of this name.
     *
     * @throws CliException naming the known flows and the closest name when there is none
     */
    Entry find(String name) {
        Entry entry = flows.get(name);
        if (entry != null) {
            return entry;
        }
        if (flows.isEmpty()) {
            throw CliException.badInput("unknown flow '" + name + "': " + NO_FLOWS);
        }
        String suggestion = Text.closest(name, flows.keySet()).map(best -> "Did you mean '" + best + "'? ").orElse("");
        throw CliException.badInput("unknown flow '" + name + "'. " + suggestion + "The flows are: "
                + String.join(", ", new TreeSet<>(flows.keySet())) + " (see 'loomflow flows')");
    }

    /**
     * Every flow, in the order found, for a command that needs at least one.
     *
     * @throws CliException (bad input) naming the rule that finds flows when there is none
     */
    Collection<Entry> required() {
        if (flows.isEmpty()) {
            throw CliException.badInput(NO_FLOWS);
        }
        return flows.values();
    }

    /** Every flow, in the order found. */
    Collection<Entry> entries() {
        return flows.values();
    }

    @Override
    public void close() {
        close(extraLoader);
        Compiled.delete(compiled.temporary());
    }
}
