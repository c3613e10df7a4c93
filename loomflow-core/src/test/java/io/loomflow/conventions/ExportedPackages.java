package io.loomflow.conventions;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.AnnotatedArrayType;
import java.lang.reflect.AnnotatedParameterizedType;
import java.lang.reflect.AnnotatedType;
import java.lang.reflect.AnnotatedWildcardType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.NullMarked;

/**
 * What every module's exported packages must declare, checked by one test in each module: each
 * exported package has a {@code package-info.java} annotated {@link NullMarked}, so that everything
 * in it is non-null unless marked {@code @Nullable}, and what the API returns can be declared with
 * {@code var} in JShell.
 *
 * <p>Works whether the module's tests run on the module path (core, data, store) or on the class
 * path (azure, server, cli), where the descriptor is read from the compiled {@code module-info.class}.
 */
public final class ExportedPackages {

    private ExportedPackages() {
    }

    /**
     * The packages that the module holding {@code member} exports.
     *
     * @param member any class of the module's main code
     * @return the exported packages' names, sorted
     */
    public static Set<String> of(Class<?> member) {
        ModuleDescriptor descriptor = member.getModule().isNamed() ? member.getModule().getDescriptor() : compiledDescriptor(member);
        return descriptor.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * The checks every module runs on its API: {@link #assertNullMarked} and
     * {@link #assertResultTypesFitJShell}.
     *
     * @param member any class of the module's main code
     */
    public static void assertNullnessDeclared(Class<?> member) {
        assertNullMarked(member);
        assertResultTypesFitJShell(member);
    }

    /**
     * Fails, naming each package at fault, unless every package that the module holding {@code member}
     * exports has a {@code package-info} annotated {@link NullMarked}.
     *
     * @param member any class of the module's main code
     */
    public static void assertNullMarked(Class<?> member) {
        Set<String> exported = of(member);
        if (exported.isEmpty()) {
            throw new AssertionError("the module of " + member.getName() + " exports no package; check the class given");
        }
        List<String> faults = exported.stream().map(name -> fault(name, member.getClassLoader())).filter(fault -> !fault.isEmpty()).toList();
        if (!faults.isEmpty()) {
            throw new AssertionError(String.join("; ", faults));
        }
    }

    /**
     * Fails, naming each place, if a public method or field of an exported package has a result
     * whose type arguments or array elements carry a type annotation, such as
     * {@code Map<String, @Nullable Object>}. JShell (JDK 25) writes the type of {@code var x = ...}
     * out as source and misplaces such an annotation, so the declaration is refused; an API that is
     * used from notebooks keeps annotations at the top of the types it returns.
     *
     * @param member any class of the module's main code
     */
    public static void assertResultTypesFitJShell(Class<?> member) {
        List<String> faults = new ArrayList<>();
        for (Class<?> type : publicClasses(member)) {
            for (Method method : type.getDeclaredMethods()) {
                if (Modifier.isPublic(method.getModifiers()) && !method.isSynthetic() && !method.isBridge()
                        && annotatedInside(method.getAnnotatedReturnType())) {
                    faults.add(type.getName() + "." + method.getName() + " returns " + method.getAnnotatedReturnType());
                }
            }
            for (Field field : type.getDeclaredFields()) {
                if (Modifier.isPublic(field.getModifiers()) && annotatedInside(field.getAnnotatedType())) {
                    faults.add(type.getName() + "." + field.getName() + " is a " + field.getAnnotatedType());
                }
            }
        }
        if (!faults.isEmpty()) {
            throw new AssertionError(String.join("; ", faults) + ": JShell cannot declare a var of such a type; keep"
                    + " the annotation off the type argument (mark the method @NullUnmarked and say in its javadoc"
                    + " what may be null)");
        }
    }

    private static boolean annotatedInside(AnnotatedType type) {
        return switch (type) {
            case AnnotatedParameterizedType parameterized -> Arrays.stream(parameterized.getAnnotatedActualTypeArguments())
                    .anyMatch(argument -> argument.getAnnotations().length > 0 || annotatedInside(argument));
            case AnnotatedArrayType array -> array.getAnnotatedGenericComponentType().getAnnotations().length > 0
                    || annotatedInside(array.getAnnotatedGenericComponentType());
            case AnnotatedWildcardType wildcard -> Stream.concat(Arrays.stream(wildcard.getAnnotatedUpperBounds()),
                    Arrays.stream(wildcard.getAnnotatedLowerBounds()))
                    .anyMatch(bound -> bound.getAnnotations().length > 0 || annotatedInside(bound));
            default -> false;
        };
    }

    /** The public classes, nested ones included, of the exported packages of the module holding {@code member}. */
    private static List<Class<?>> publicClasses(Class<?> member) {
        Path classes = classesOf(member);
        List<Class<?>> found = new ArrayList<>();
        for (String packageName : of(member)) {
            Path directory = classes.resolve(packageName.replace('.', '/'));
            try (Stream<Path> files = Files.list(directory)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                    String simple = file.getFileName().toString().replace(".class", "");
                    if (simple.equals("package-info")) {
                        continue;
                    }
                    Class<?> type = Class.forName(packageName + "." + simple, false, member.getClassLoader());
                    if (Modifier.isPublic(type.getModifiers()) && !type.isAnonymousClass() && !type.isSynthetic()) {
                        found.add(type);
                    }
                }
            } catch (IOException failed) {
                throw new UncheckedIOException("cannot list the classes in " + directory, failed);
            } catch (ClassNotFoundException impossible) {
                throw new IllegalStateException(impossible);
            }
        }
        return found;
    }

    private static String fault(String packageName, ClassLoader loader) {
        try {
            Class<?> info = Class.forName(packageName + ".package-info", false, loader);
            return info.isAnnotationPresent(NullMarked.class) ? ""
                    : packageName + " is exported but its package-info.java is not annotated @NullMarked; add it";
        } catch (ClassNotFoundException missing) {
            return packageName + " is exported but has no package-info.java; add one with package javadoc and @NullMarked";
        }
    }

    /**
     * The compiled descriptor of the module {@code member} belongs to, read from the
     * {@code module-info.class} beside it (tests on the class path have no module to ask).
     *
     * @param member a class of the module's main code
     * @return its module's descriptor
     */
    public static ModuleDescriptor compiledDescriptor(Class<?> member) {
        try (InputStream in = Files.newInputStream(classesOf(member).resolve("module-info.class"))) {
            return ModuleDescriptor.read(in);
        } catch (IOException failed) {
            throw new UncheckedIOException("cannot read the module-info.class beside " + member.getName(), failed);
        }
    }

    /** The directory of the module's compiled main classes ({@code target/classes}). */
    private static Path classesOf(Class<?> member) {
        try {
            return Path.of(member.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
