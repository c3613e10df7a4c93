package io.loomflow.cli.internal;

import io.loomflow.Flow;
import io.loomflow.spi.FlowProvider;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
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
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The flows the command can run, by name, found through {@link FlowProvider}s.
 *
 * <p><b>The discovery rule</b> (also in the module's README):
 * <ol>
 *   <li>{@link ServiceLoader} over the command's own class loader: providers listed in
 *       {@code META-INF/services/io.loomflow.spi.FlowProvider} on the class path, and modules that
 *       {@code provides io.loomflow.spi.FlowProvider}.</li>
 *   <li>Each extra class path entry ({@code --classes}, then {@code LOOMFLOW_CLASSPATH}), all loaded
 *       by one class loader whose parent is the command's: an entry with that services file
 *       contributes exactly the providers it lists; a directory without one contributes every
 *       public, non-abstract, top-level or static nested class in it that implements
 *       {@code FlowProvider} and has a public constructor without parameters; a jar without one
 *       contributes none (it may hold what the flows need).</li>
 * </ol>
 * A provider class found twice counts once. Two flows with one name are an error naming both
 * providers. Closing the catalog closes the extra class loader.
 */
final class FlowCatalog implements AutoCloseable {

    static final String SERVICES_FILE = "META-INF/services/" + FlowProvider.class.getName();

    /** A flow and the provider that offered it. */
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
        List<FlowProvider> providers = new ArrayList<>();
        try {
            for (FlowProvider provider : ServiceLoader.load(FlowProvider.class, own)) {
                if (seen.add(provider.getClass())) {
                    providers.add(provider);
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
                    for (Class<?> type : providerClasses(entry, extra)) {
                        if (seen.add(type)) {
                            providers.add(instantiate(type, entry));
                        }
                    }
                }
            } catch (RuntimeException failed) {
                close(extra);
                throw failed;
            }
        }
        try {
            return new FlowCatalog(index(providers), extra);
        } catch (RuntimeException failed) {
            close(extra);
            throw failed;
        }
    }

    private static Map<String, Entry> index(List<FlowProvider> providers) {
        Map<String, Entry> flows = new LinkedHashMap<>();
        for (FlowProvider provider : providers) {
            String name = describe(provider.getClass());
            Collection<Flow<?, ?>> offered;
            try {
                offered = provider.flows();
            } catch (RuntimeException | LinkageError failed) {
                throw new CliException(ExitCode.INTERNAL_ERROR, "flow provider " + name + " failed while listing its flows: "
                        + Text.error(failed) + "; fix the provider, or remove it from the class path", failed);
            }
            if (offered == null) {
                throw new CliException(ExitCode.INTERNAL_ERROR, "flow provider " + name
                        + " returned null from flows(); return an empty collection for none");
            }
            for (Flow<?, ?> flow : offered) {
                if (flow == null) {
                    throw new CliException(ExitCode.INTERNAL_ERROR, "flow provider " + name
                            + " listed a null flow; list only defined flows");
                }
                Entry earlier = flows.putIfAbsent(flow.name(), new Entry(flow, name));
                if (earlier != null) {
                    throw CliException.badInput("two flows are named '" + flow.name() + "': one from " + earlier.provider()
                            + ", one from " + name + "; rename one of them, or leave one provider off the class path"
                            + " (a flow's name is how 'loomflow run' picks it)");
                }
            }
        }
        return flows;
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

    /** The provider classes an extra entry contributes, by the rule in the class description. */
    private static List<Class<?>> providerClasses(Path entry, ClassLoader loader) {
        List<String> listed = listedProviders(entry);
        if (listed != null) {
            List<Class<?>> types = new ArrayList<>();
            for (String name : listed) {
                try {
                    Class<?> type = Class.forName(name, false, loader);
                    if (!FlowProvider.class.isAssignableFrom(type)) {
                        throw CliException.badInput(entry + "/" + SERVICES_FILE + " lists " + name
                                + ", which does not implement " + FlowProvider.class.getName());
                    }
                    types.add(type);
                } catch (ClassNotFoundException | LinkageError missing) {
                    throw CliException.badInput(entry + "/" + SERVICES_FILE + " lists " + name + ", which cannot be loaded ("
                            + Text.error(missing) + "); compile it into " + entry + " or fix the file");
                }
            }
            return types;
        }
        if (!Files.isDirectory(entry)) {
            return List.of();
        }
        List<Class<?>> types = new ArrayList<>();
        for (String name : classNames(entry)) {
            Class<?> type;
            try {
                type = Class.forName(name, false, loader);
            } catch (ClassNotFoundException | LinkageError unusable) {
                continue; // a class that needs what is not on the class path cannot be a provider we could use
            }
            if (isProvider(type)) {
                types.add(type);
            }
        }
        return types;
    }

    private static boolean isProvider(Class<?> type) {
        int modifiers = type.getModifiers();
        if (!FlowProvider.class.isAssignableFrom(type) || type.isInterface() || !Modifier.isPublic(modifiers)
                || Modifier.isAbstract(modifiers) || (type.getEnclosingClass() != null && !Modifier.isStatic(modifiers))
                || type.isAnonymousClass() || type.isLocalClass()) {
            return false;
        }
        try {
            return Modifier.isPublic(type.getConstructor().getModifiers());
        } catch (NoSuchMethodException noDefaultConstructor) {
            return false;
        }
    }

    /** The class names in the entry's services file, or null if it has none. */
    private static List<String> listedProviders(Path entry) {
        try {
            if (Files.isDirectory(entry)) {
                Path file = entry.resolve(SERVICES_FILE);
                return Files.isRegularFile(file) ? parseServices(Files.readString(file, StandardCharsets.UTF_8)) : null;
            }
            try (JarFile jar = new JarFile(entry.toFile())) {
                var file = jar.getJarEntry(SERVICES_FILE);
                if (file == null) {
                    return null;
                }
                try (InputStream in = jar.getInputStream(file)) {
                    return parseServices(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        } catch (IOException unreadable) {
            throw CliException.badInput("--classes " + entry + " cannot be read (" + unreadable
                    + "); pass a directory of compiled classes or a jar");
        }
    }

    private static List<String> parseServices(String text) {
        List<String> names = new ArrayList<>();
        for (String line : text.split("\\R")) {
            int comment = line.indexOf('#');
            String name = (comment < 0 ? line : line.substring(0, comment)).strip();
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return names;
    }

    private static List<String> classNames(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(file -> file.toString().endsWith(".class") && Files.isRegularFile(file))
                    .map(file -> directory.relativize(file).toString())
                    .map(relative -> relative.substring(0, relative.length() - ".class".length())
                            .replace(java.io.File.separatorChar, '.'))
                    .filter(name -> !name.endsWith("module-info") && !name.endsWith("package-info"))
                    .sorted()
                    .toList();
        } catch (IOException unreadable) {
            throw CliException.badInput("--classes " + directory + " cannot be read (" + unreadable + ")");
        }
    }

    private static FlowProvider instantiate(Class<?> type, Path entry) {
        try {
            Constructor<?> constructor = type.getConstructor();
            return (FlowProvider) constructor.newInstance();
        } catch (ReflectiveOperationException | RuntimeException | LinkageError failed) {
            Throwable cause = failed instanceof java.lang.reflect.InvocationTargetException invocation
                    ? invocation.getCause() : failed;
            throw new CliException(ExitCode.BAD_INPUT, "flow provider " + type.getName() + " from " + entry
                    + " could not be made: " + Text.error(cause) + "; it needs a public constructor without parameters"
                    + " that does not fail", failed);
        }
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
            throw CliException.badInput("unknown flow '" + name + "': no flows were found. Put a FlowProvider on the class"
                    + " path (listed in " + SERVICES_FILE + "), or pass --classes DIR");
        }
        String suggestion = Text.closest(name, flows.keySet()).map(best -> "Did you mean '" + best + "'? ").orElse("");
        throw CliException.badInput("unknown flow '" + name + "'. " + suggestion + "The flows are: "
                + String.join(", ", new TreeSet<>(flows.keySet())) + " (see 'loomflow flows')");
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
