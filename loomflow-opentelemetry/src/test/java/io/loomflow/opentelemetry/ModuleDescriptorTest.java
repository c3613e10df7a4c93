package io.loomflow.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.conventions.ExportedPackages;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Pins what the module shows: one API package, declaring its nullness; the rest stays internal. */
class ModuleDescriptorTest {

    @Test
    void theModuleExportsOnlyItsApiPackageAndNeedsTheOpenTelemetryApiOnly() throws Exception {
        // Tests run on the class path (see the pom), so the descriptor is read from the compiled file.
        ModuleDescriptor descriptor;
        try (InputStream in = Files.newInputStream(Path.of("target/classes/module-info.class"))) {
            descriptor = ModuleDescriptor.read(in);
        }
        assertThat(descriptor.name()).isEqualTo("io.loomflow.opentelemetry");
        assertThat(descriptor.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()))
                .containsExactly("io.loomflow.opentelemetry");
        assertThat(descriptor.requires().stream().map(ModuleDescriptor.Requires::name)
                .filter(name -> name.startsWith("io.opentelemetry")).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("io.opentelemetry.api", "io.opentelemetry.context");
    }

    @Test
    void everyExportedPackageIsNullMarkedAndWhatItReturnsFitsJShell() {
        ExportedPackages.assertNullnessDeclared(LoomflowTelemetry.class);
    }
}
