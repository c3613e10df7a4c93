package io.loomflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.conventions.ExportedPackages;
import io.loomflow.spi.NonBlockingThreadDetector;
import java.lang.module.ModuleDescriptor;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The core module exports its API and SPI packages and nothing else, declares their nullness, and
 * needs only java.base at run time.
 */
class ModuleExportsTest {

    @Test
    void onlyTheApiAndSpiPackagesAreExported() {
        ModuleDescriptor descriptor = Engine.class.getModule().getDescriptor();
        assertThat(descriptor).as("tests run on the module path").isNotNull();
        assertThat(descriptor.name()).isEqualTo("io.loomflow");
        Set<String> exported = descriptor.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        assertThat(exported).containsExactlyInAnyOrder("io.loomflow", "io.loomflow.spi");
        assertThat(descriptor.uses()).containsExactly(NonBlockingThreadDetector.class.getName());
        // JSpecify's annotations are needed to compile only: at run time core needs java.base alone.
        assertThat(descriptor.requires()).filteredOn(requires -> !requires.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC))
                .extracting(ModuleDescriptor.Requires::name).containsOnly("java.base");
        assertThat(descriptor.requires()).filteredOn(requires -> requires.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC))
                .extracting(ModuleDescriptor.Requires::name).containsOnly("org.jspecify");
    }

    @Test
    void everyExportedPackageIsNullMarkedAndWhatItReturnsFitsJShell() {
        ExportedPackages.assertNullnessDeclared(Engine.class);
    }
}
