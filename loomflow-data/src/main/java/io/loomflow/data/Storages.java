package io.loomflow.data;

import io.loomflow.Resource;
import io.loomflow.data.spi.Storage;
import io.loomflow.data.spi.StorageOptions;
import io.loomflow.data.spi.StorageProvider;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * Storage by URI scheme, as engine resources: each engine opens a scheme's storage once, on first
 * use, and closes it when it closes (see {@link Resource}).
 * {@snippet class=io.loomflow.data.snippets.DatasetSnippets region=storages}
 * Providers are found with {@link ServiceLoader}: {@code file:} and {@code mem:} are built in;
 * {@code az:} and {@code s3:} come with the {@code loomflow-azure} and {@code loomflow-s3} modules.
 * Thread-safe; stateless.
 */
public final class Storages {

    private Storages() {
    }

    /**
     * The provider of a scheme.
     *
     * @param scheme a URI scheme such as {@code "file"}
     * @return its provider
     * @throws IllegalArgumentException naming the schemes available if none serves it
     */
    public static StorageProvider provider(String scheme) {
        String wanted = scheme.toLowerCase(Locale.ROOT);
        TreeSet<String> known = new TreeSet<>();
        for (StorageProvider provider : providers()) {
            if (provider.scheme().equals(wanted)) {
                return provider;
            }
            known.add(provider.scheme() + ":");
        }
        throw new IllegalArgumentException("no storage serves '" + scheme + ":' locations; the schemes available are "
                + known + " (az: and s3: need the loomflow-azure or loomflow-s3 module on the class path)");
    }

    /**
     * A resource that opens the storage of {@code options.scheme()} with those options.
     *
     * @param options the scheme and its options
     * @return the resource, opened lazily once per engine
     */
    public static Resource<Storage> resource(StorageOptions options) {
        StorageProvider provider = provider(options.scheme());
        return Resource.named("storage " + options.scheme() + ":", () -> provider.open(options));
    }

    /**
     * A resource that opens the storage of {@code options.scheme()} with those options, named
     * apart from the scheme's other storages, such as one for datasets that name credentials of
     * their own.
     *
     * @param options the scheme and its options
     * @param label what tells it apart, such as {@code credentials lake}; never a secret
     * @return the resource, opened lazily once per engine
     */
    public static Resource<Storage> resource(StorageOptions options, String label) {
        StorageProvider provider = provider(options.scheme());
        return Resource.named("storage " + options.scheme() + ": (" + label + ")", () -> provider.open(options));
    }

    private static List<StorageProvider> providers() {
        List<StorageProvider> found = new java.util.ArrayList<>();
        ServiceLoader.load(StorageProvider.class, Storages.class.getClassLoader()).forEach(found::add);
        if (Storages.class.getModule().isNamed()) {
            ServiceLoader.load(Storages.class.getModule().getLayer(), StorageProvider.class).forEach(p -> {
                if (found.stream().noneMatch(known -> known.getClass() == p.getClass())) {
                    found.add(p);
                }
            });
        }
        return found;
    }
}
