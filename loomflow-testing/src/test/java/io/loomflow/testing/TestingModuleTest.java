package io.loomflow.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.conventions.ExportedPackages;
import org.junit.jupiter.api.Test;

/** The module exports its API package only, and declares its nullness. */
class TestingModuleTest {

    @Test
    void onlyTheApiPackageIsExported() {
        assertThat(ExportedPackages.of(LoomflowExtension.class)).containsExactly("io.loomflow.testing");
    }

    @Test
    void everyExportedPackageIsNullMarkedAndWhatItReturnsFitsJShell() {
        ExportedPackages.assertNullnessDeclared(LoomflowExtension.class);
    }
}
