package io.loomflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.conventions.ExportedPackages;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Pins what the module shows: one small API package, declaring its nullness; the commands stay internal,
 * open only to picocli.
 */
class ModuleDescriptorTest {

    @Test
    void theModuleExportsOnlyItsApiPackageAndUsesFlowProviders() throws Exception {
        // Tests run on the class path (see the pom), so the descriptor is read from the compiled file.
        ModuleDescriptor descriptor;
        try (InputStream in = Files.newInputStream(Path.of("target/classes/module-info.class"))) {
            descriptor = ModuleDescriptor.read(in);
        }
        assertThat(descriptor.name()).isEqualTo("io.loomflow.cli");
        assertThat(descriptor.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()))
                .containsExactly("io.loomflow.cli");
        assertThat(descriptor.opens()).singleElement().satisfies(opens -> {
            assertThat(opens.source()).isEqualTo("io.loomflow.cli.internal");
            assertThat(opens.targets()).containsExactly("info.picocli");
        });
        assertThat(descriptor.uses()).containsExactly("io.loomflow.spi.FlowProvider");
        // loomflow shell's execution engine, which JShell finds by its service (on the class path: META-INF/services)
        assertThat(descriptor.provides()).singleElement().satisfies(provides -> {
            assertThat(provides.service()).isEqualTo("jdk.jshell.spi.ExecutionControlProvider");
            assertThat(provides.providers()).containsExactly("io.loomflow.cli.internal.ShellExecution");
        });
    }

    @Test
    void everyExportedPackageIsNullMarkedAndWhatItReturnsFitsJShell() {
        ExportedPackages.assertNullnessDeclared(Main.class);
    }
}
