package io.loomflow.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.conventions.ExportedPackages;
import org.junit.jupiter.api.Test;

/** The data module exports its API and its storage SPI, and declares their nullness. */
class DataModuleTest {

    @Test
    void onlyTheApiAndTheStorageSpiAreExported() {
        assertThat(ExportedPackages.of(Dataset.class)).containsExactly("io.loomflow.data", "io.loomflow.data.spi");
    }

    @Test
    void everyExportedPackageIsNullMarkedAndWhatItReturnsFitsJShell() {
        ExportedPackages.assertNullnessDeclared(Dataset.class);
    }
}
