package io.loomflow.conventions;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.NullMarked;

/**
 * What every module's exported packages must declare, checked by one test in each module: each
 * exported package has a {@code package-info.java} annotated {@link NullMarked}, so that everything
 * in it is non-null unless marked {@code @Nullable}.
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

    private static String fault(String packageName, ClassLoader loader) {
        try {
            Class<?> info = Class.forName(packageName + ".package-info", false, loader);
            return info.isAnnotationPresent(NullMarked.class) ? ""
                    : packageName + " is exported but its package-info.java is not annotated @NullMarked; add it";
        } catch (ClassNotFoundException missing) {
            return packageName + " is exported but has no package-info.java; add one with package javadoc and @NullMarked";
        }
    }

    private static ModuleDescriptor compiledDescriptor(Class<?> member) {
        try {
            Path classes = Path.of(member.getProtectionDomain().getCodeSource().getLocation().toURI());
            try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
                return ModuleDescriptor.read(in);
            }
        } catch (IOException failed) {
            throw new UncheckedIOException("cannot read the module-info.class beside " + member.getName(), failed);
        } catch (URISyntaxException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
