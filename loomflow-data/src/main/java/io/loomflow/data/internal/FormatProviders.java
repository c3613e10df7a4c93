package io.loomflow.data.internal;

import io.loomflow.data.spi.FormatProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/** The dataset types that other modules add, found with {@link ServiceLoader} on each call. */
final class FormatProviders {

    private FormatProviders() {
    }

    /** The provider of a type, if a module on the class or module path has one. */
    static Optional<FormatProvider> find(String type) {
        return all().stream().filter(provider -> provider.type().equals(type)).findFirst();
    }

    /** The types the providers add. */
    static List<String> types() {
        return all().stream().map(FormatProvider::type).sorted().toList();
    }

    private static List<FormatProvider> all() {
        List<FormatProvider> found = new ArrayList<>();
        ServiceLoader.load(FormatProvider.class, FormatProviders.class.getClassLoader()).forEach(found::add);
        if (FormatProviders.class.getModule().isNamed()) {
            ServiceLoader.load(FormatProviders.class.getModule().getLayer(), FormatProvider.class).forEach(p -> {
                if (found.stream().noneMatch(known -> known.getClass() == p.getClass())) {
                    found.add(p);
                }
            });
        }
        return found;
    }
}
