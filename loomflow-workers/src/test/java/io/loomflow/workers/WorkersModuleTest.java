package io.loomflow.workers;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.conventions.ExportedPackages;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Pins what the module shows: one API package, declaring its nullness; the queue's SQL stays internal. */
class WorkersModuleTest {

    @Test
    void theModuleExportsOnlyItsApiPackage() throws Exception {
        // Tests run on the class path (see the pom), so the descriptor is read from the compiled file.
        ModuleDescriptor descriptor;
        try (InputStream in = Files.newInputStream(Path.of("target/classes/module-info.class"))) {
            descriptor = ModuleDescriptor.read(in);
        }
        assertThat(descriptor.name()).isEqualTo("io.loomflow.workers");
        assertThat(descriptor.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()))
                .containsExactly("io.loomflow.workers");
    }

    @Test
    void everyExportedPackageIsNullMarkedAndWhatItReturnsFitsJShell() {
        ExportedPackages.assertNullnessDeclared(Worker.class);
    }
}
