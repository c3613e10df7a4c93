package io.loomflow.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.conventions.ExportedPackages;
import java.lang.module.ModuleDescriptor;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Pins what the module shows: one API package, declaring its nullness; the rest stays internal. */
class ModuleDescriptorTest {

    @Test
    void theModuleExportsOnlyItsApiPackageAndNeedsTheOpenTelemetryApiOnly() {
        ModuleDescriptor descriptor = ExportedPackages.compiledDescriptor(LoomflowTelemetry.class);
        assertThat(descriptor.name()).isEqualTo("io.loomflow.opentelemetry");
        assertThat(descriptor.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()))
                .containsExactly("io.loomflow.opentelemetry");
        assertThat(descriptor.requires().stream().map(ModuleDescriptor.Requires::name)
                .filter(name -> name.startsWith("io.opentelemetry")).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("io.opentelemetry.api", "io.opentelemetry.context");
        assertThat(descriptor.requires().stream().filter(requires -> requires.name().equals("io.loomflow.workers")))
                .as("loomflow-workers is optional: needed at run time only for observe(WorkQueue)")
                .singleElement().satisfies(requires -> assertThat(requires.modifiers())
                        .containsExactly(ModuleDescriptor.Requires.Modifier.STATIC));
    }

    @Test
    void everyExportedPackageIsNullMarkedAndWhatItReturnsFitsJShell() {
        ExportedPackages.assertNullnessDeclared(LoomflowTelemetry.class);
    }
}
