package io.loomflow.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.conventions.ExportedPackages;
import java.lang.module.ModuleDescriptor;
import org.junit.jupiter.api.Test;

/**
 * The store module exports its API package only, and declares its nullness; result files and history
 * records stay internal.
 */
class StoreModuleTest {

    @Test
    void onlyTheApiPackageIsExported() {
        ModuleDescriptor descriptor = ResultStores.class.getModule().getDescriptor();
        assertThat(descriptor).as("tests run on the module path").isNotNull();
        assertThat(descriptor.exports()).extracting(ModuleDescriptor.Exports::source).containsExactly("io.loomflow.store");
    }

    @Test
    void everyExportedPackageIsNullMarkedAndWhatItReturnsFitsJShell() {
        ExportedPackages.assertNullnessDeclared(ResultStores.class);
    }
}
