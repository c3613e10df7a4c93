/**
 * Loomflow Azure Blob storage: the {@code az:} storage backend, over the official Azure SDK.
 *
 * <p>Exports {@code io.loomflow.azure}, which names the backend's options; the storage itself is
 * found through {@link io.loomflow.data.spi.StorageProvider} (for example with {@code
 * Storages.provider("az")}) and lives in {@code io.loomflow.azure.internal}, which is not exported.
 */
module io.loomflow.azure {
    requires transitive io.loomflow.data;
    requires static org.jspecify; // nullness annotations, for tools; not needed at run time
    requires com.azure.core;
    requires com.azure.core.http.jdk.httpclient;
    requires com.azure.storage.blob;
    requires com.azure.storage.common;
    requires com.azure.identity;
    requires java.net.http;

    exports io.loomflow.azure;

    provides io.loomflow.data.spi.StorageProvider with io.loomflow.azure.internal.AzureBlobStorageProvider,
            io.loomflow.azure.internal.AbfsStorageProvider, io.loomflow.azure.internal.AbfssStorageProvider;
}
