package io.loomflow.cli.internal;

import io.loomflow.Flow;
import io.loomflow.spi.FlowClasses;
import io.loomflow.spi.FlowProvider;
import java.io.IOException;
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
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

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

    private FlowCatalog(Map<String, Entry> flows, URLClassLoader extraLoader) {
        this.flows = flows;
        this.extraLoader = extraLoader;
    }

    /**
     * Finds every flow by the rule above.
     *
     * @param extraEntries directories and jars beyond the command's class path
     * @throws CliException for an entry that does not exist, a provider that cannot be made or
     *     fails, and duplicate flow names
     */
    static FlowCatalog discover(List<Path> extraEntries) {
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
        index.flows().forEach((name, flow) -> flows.put(name, new Entry(flow, index.places().get(name))));
        return new FlowCatalog(flows, extra);
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
    }
}
