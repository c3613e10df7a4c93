/**
 * Loomflow data: datasets, formats and storage addressed by URI.
 *
 * <p>Exports the API package {@code io.loomflow.data} and the storage SPI {@code
 * io.loomflow.data.spi}, through which object stores (Azure Blob, S3, ...) plug in.
 */
module io.loomflow.data {
    requires transitive io.loomflow;
    requires static org.jspecify; // nullness annotations, for tools; not needed at run time
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.csv;
    requires org.yaml.snakeyaml;

    exports io.loomflow.data;
    exports io.loomflow.data.spi;

    uses io.loomflow.data.spi.StorageProvider;
    uses io.loomflow.data.spi.FormatProvider;

    provides io.loomflow.data.spi.StorageProvider with
            io.loomflow.data.internal.FileStorageProvider,
            io.loomflow.data.internal.MemoryStorageProvider;
}
