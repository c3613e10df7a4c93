package io.loomflow.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.data.Storages;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Pins the module's shape: it exports nothing and provides the storage provider, the same one that
 * {@code META-INF/services} names for the class path. (The tests run on the class path, so the
 * descriptor is read from the compiled {@code module-info.class}.)
 */
class ModuleDescriptorTest {

    private static final String PROVIDER = "io.loomflow.s3.internal.S3StorageProvider";

    @Test
    void theModuleExportsNothingAndProvidesTheStorageProvider() throws Exception {
        Class<?> provider = Storages.provider("s3").getClass();
        URI classes = provider.getProtectionDomain().getCodeSource().getLocation().toURI();
        ModuleDescriptor descriptor;
        try (InputStream in = classes.resolve("module-info.class").toURL().openStream()) {
            descriptor = ModuleDescriptor.read(in);
        }
        assertThat(descriptor.name()).isEqualTo("io.loomflow.s3");
        assertThat(descriptor.exports()).isEmpty();
        assertThat(descriptor.provides()).singleElement().satisfies(provides -> {
            assertThat(provides.service()).isEqualTo("io.loomflow.data.spi.StorageProvider");
            assertThat(provides.providers()).containsExactly(PROVIDER);
        });
        assertThat(provider.getName()).isEqualTo(PROVIDER);
        try (InputStream in = classes.resolve("META-INF/services/io.loomflow.data.spi.StorageProvider").toURL().openStream()) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8).strip()).isEqualTo(PROVIDER);
        }
    }
}
