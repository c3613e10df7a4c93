package io.loomflow.spi;

import io.loomflow.Flow;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The one rule that finds flows among compiled classes, shared by {@code loomflow run},
 * {@code flows}, {@code server}, {@code worker} and {@code dev}.
 *
 * <p><b>The rule.</b> A class offers flows when it is public and
 * <ul>
 *   <li>implements {@link FlowProvider}, is not abstract, is top level or static nested, and has a
 *       public constructor without parameters ({@link #isProvider(Class)}): it offers
 *       {@link FlowProvider#flows()}. A directory or jar with a {@value #SERVICES_FILE} offers
 *       exactly the providers that file lists, as {@link java.util.ServiceLoader} would;</li>
 *   <li>declares {@code public static final} fields of type {@link Flow}: each non-null one is a flow.</li>
 * </ul>
 * Every class of a directory or a jar is looked at ({@link #classNames(Path)}).
 * A class that cannot be loaded (it needs what is not on the class path) offers nothing. One flow object
 * reached twice (a provider that returns a static field) counts once; two flows with one name are
 * an error naming both places ({@link Index#add(Flow, String)}).
 *
 * <p>Loading a class that has no {@code Flow} field and does not implement {@code FlowProvider}
 * does not initialise it.
 */
public final class FlowClasses {

    /** Where a jar or a classes directory lists its flow providers for {@link java.util.ServiceLoader}. */
    public static final String SERVICES_FILE = "META-INF/services/io.loomflow.spi.FlowProvider";

    /** The rule in one sentence, for the message that says no flows were found. */
    public static final String RULE = "put a FlowProvider (a public class implementing io.loomflow.spi.FlowProvider"
            + " with a public constructor without parameters, or one listed in " + SERVICES_FILE
            + ") or a public static final Flow field in a public class";

    private FlowClasses() {
    }

    /**
     * Whether the class is a flow provider the rule can make: public, not abstract, top level or
     * static nested, implementing {@link FlowProvider}, with a public constructor without parameters.
     * A class that lacks any of these is passed over, not reported.
     *
     * @param type any class
     * @return true for a provider class
     */
    public static boolean isProvider(Class<?> type) {
        int modifiers = type.getModifiers();
        return FlowProvider.class.isAssignableFrom(type) && !type.isInterface() && Modifier.isPublic(modifiers)
                && !Modifier.isAbstract(modifiers) && !type.isAnonymousClass() && !type.isLocalClass()
                && (type.getEnclosingClass() == null || Modifier.isStatic(modifiers)) && hasPublicConstructor(type);
    }

    private static boolean hasPublicConstructor(Class<?> type) {
        try {
            return Modifier.isPublic(type.getConstructor().getModifiers());
        } catch (NoSuchMethodException | LinkageError none) {
            return false;
        }
    }

    /**
     * The flows a class offers by the rule: its provider's flows (if it is a provider, made with its
     * public constructor without parameters), then its {@code public static final Flow} fields.
     * A class that is neither offers none and is not initialised.
     *
     * @param type a class, loaded without initialisation or not
     * @return the flows, possibly empty
     * @throws IllegalArgumentException naming the class when its provider cannot be made, its
     *     {@code flows()} fails or returns null, or its initialisation fails
     */
    public static List<Flow<?, ?>> offeredBy(Class<?> type) {
        List<Flow<?, ?>> offered = new ArrayList<>();
        if (isProvider(type)) {
            try {
                offered.addAll(flowsOf((FlowProvider) type.getConstructor().newInstance()));
            } catch (ReflectiveOperationException | LinkageError failed) {
                throw failure(type, failed);
            }
        }
        offered.addAll(fieldsOf(type));
        return offered;
    }

    /**
     * The flows in a class's {@code public static final Flow} fields, if the class is public; the
     * class is initialised only when it has such a field.
     *
     * @param type a class, loaded without initialisation or not
     * @return the non-null values of those fields, possibly none
     * @throws IllegalArgumentException naming the class when its initialisation fails
     */
    public static List<Flow<?, ?>> fieldsOf(Class<?> type) {
        if (!Modifier.isPublic(type.getModifiers()) || type.isSynthetic() || type.isHidden()) {
            return List.of();
        }
        List<Flow<?, ?>> offered = new ArrayList<>();
        try {
            for (Field field : type.getDeclaredFields()) {
                int modifiers = field.getModifiers();
                if (Modifier.isPublic(modifiers) && Modifier.isStatic(modifiers) && Modifier.isFinal(modifiers)
                        && Flow.class.isAssignableFrom(field.getType())) {
                    Object value = field.get(null);
                    if (value != null) {
                        offered.add((Flow<?, ?>) value);
                    }
                }
            }
        } catch (ReflectiveOperationException | LinkageError failed) {
            throw failure(type, failed);
        }
        return offered;
    }

    private static IllegalArgumentException failure(Class<?> type, Throwable failed) {
        Throwable cause = failed instanceof InvocationTargetException || failed instanceof ExceptionInInitializerError
                ? failed.getCause() : failed;
        return new IllegalArgumentException("loading the flows of " + type.getName() + " failed: " + cause
                + "; fix the class's static fields or its provider's constructor", failed);
    }

    /**
     * The flows of a provider, checked.
     *
     * @param provider any provider
     * @return its flows
     * @throws IllegalArgumentException naming the provider when {@code flows()} fails, returns null
     *     or lists null
     */
    public static List<Flow<?, ?>> flowsOf(FlowProvider provider) {
        String name = provider.getClass().getName();
        Collection<Flow<?, ?>> flows;
        try {
            flows = provider.flows();
        } catch (RuntimeException | LinkageError failed) {
            throw new IllegalArgumentException("flow provider " + name + " failed while listing its flows: " + failed
                    + "; fix the provider, or remove it", failed);
        }
        if (flows == null) {
            throw new IllegalArgumentException("flow provider " + name + " returned null from flows();"
                    + " return an empty collection for none");
        }
        for (Flow<?, ?> flow : flows) {
            if (flow == null) {
                throw new IllegalArgumentException("flow provider " + name + " listed a null flow; list only defined flows");
            }
        }
        return List.copyOf(flows);
    }

    /**
     * The binary names of the classes in a classes directory or a jar, sorted, without
     * {@code module-info} and {@code package-info}.
     *
     * @param entry a directory or a jar
     * @return the class names
     * @throws IOException when the entry cannot be read
     */
    public static List<String> classNames(Path entry) throws IOException {
        List<String> files = new ArrayList<>();
        if (Files.isDirectory(entry)) {
            try (Stream<Path> walk = Files.walk(entry)) {
                walk.filter(file -> Files.isRegularFile(file) && file.toString().endsWith(".class"))
                        .forEach(file -> files.add(entry.relativize(file).toString().replace(entry.getFileSystem().getSeparator(), "/")));
            }
        } else {
            try (JarFile jar = new JarFile(entry.toFile())) {
                for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements();) {
                    String name = entries.nextElement().getName();
                    if (name.endsWith(".class") && !name.startsWith("META-INF/")) {
                        files.add(name);
                    }
                }
            }
        }
        return files.stream()
                .map(file -> file.substring(0, file.length() - ".class".length()).replace('/', '.'))
                .filter(name -> !name.endsWith("module-info") && !name.endsWith("package-info"))
                .sorted()
                .toList();
    }

    /**
     * The class names listed in the entry's {@value #SERVICES_FILE}, without comments.
     *
     * @param entry a directory or a jar
     * @return the names, or an empty list when the entry has no such file
     * @throws IOException when the entry cannot be read
     */
    public static List<String> listedProviders(Path entry) throws IOException {
        String text;
        if (Files.isDirectory(entry)) {
            Path file = entry.resolve(SERVICES_FILE);
            if (!Files.isRegularFile(file)) {
                return List.of();
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } else {
            try (JarFile jar = new JarFile(entry.toFile())) {
                JarEntry file = jar.getJarEntry(SERVICES_FILE);
                if (file == null) {
                    return List.of();
                }
                try (InputStream in = jar.getInputStream(file)) {
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        }
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

    /**
     * Flows by name, each with where it was found; one flow object added twice counts once.
     */
    public static final class Index {

        private final Map<Flow<?, ?>, String> seen = new IdentityHashMap<>();
        private final Map<String, Flow<?, ?>> flows = new LinkedHashMap<>();
        private final Map<String, String> places = new LinkedHashMap<>();

        /** An empty index. */
        public Index() {
        }

        /**
         * Adds a flow found at a place (a class, a field or a file).
         *
         * @param flow the flow
         * @param place where it was found, as the messages should name it
         * @return an empty string, or when another flow has its name, the error naming both places
         */
        public String add(Flow<?, ?> flow, String place) {
            if (seen.putIfAbsent(flow, place) != null) {
                return "";
            }
            Flow<?, ?> other = flows.putIfAbsent(flow.name(), flow);
            if (other != null) {
                return "two flows are named '" + flow.name() + "': one from " + places.get(flow.name()) + ", one from "
                        + place + "; rename one (Flow.named(\"...\"))";
            }
            places.put(flow.name(), place);
            return "";
        }

        /**
         * The flows by name.
         *
         * @return the flows, in the order added
         */
        public Map<String, Flow<?, ?>> flows() {
            return java.util.Collections.unmodifiableMap(flows);
        }

        /**
         * Where each flow was found.
         *
         * @return the places, by flow name
         */
        public Map<String, String> places() {
            return java.util.Collections.unmodifiableMap(places);
        }
    }
}
