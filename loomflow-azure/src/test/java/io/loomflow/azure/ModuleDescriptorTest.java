package io.loomflow.azure;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.conventions.ExportedPackages;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Pins what the module shows: one API package, declaring its nullness, the provider, nothing of its internals. */
class ModuleDescriptorTest {

    @Test
    void theModuleExportsOnlyItsApiPackageAndProvidesTheStorage() throws Exception {
        // Tests run on the class path (see the pom), so the descriptor is read from the compiled file.
        ModuleDescriptor descriptor;
        try (InputStream in = Files.newInputStream(Path.of("target/classes/module-info.class"))) {
            descriptor = ModuleDescriptor.read(in);
        }
        assertThat(descriptor.name()).isEqualTo("io.loomflow.azure");
        assertThat(descriptor.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()))
                .containsExactly("io.loomflow.azure");
        assertThat(descriptor.provides()).singleElement().satisfies(provides -> {
            assertThat(provides.service()).isEqualTo("io.loomflow.data.spi.StorageProvider");
            assertThat(provides.providers()).containsExactly("io.loomflow.azure.internal.AzureBlobStorageProvider",
                    "io.loomflow.azure.internal.AbfsStorageProvider", "io.loomflow.azure.internal.AbfssStorageProvider");
        });
    }

    @Test
    void everyExportedPackageIsNullMarkedAndWhatItReturnsFitsJShell() {
        ExportedPackages.assertNullnessDeclared(AzureBlob.class);
    }
}
