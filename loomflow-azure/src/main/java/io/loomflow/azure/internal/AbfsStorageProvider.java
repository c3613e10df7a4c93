package io.loomflow.azure.internal;

/**
 * Opens {@code abfs:} storages: Azure Data Lake locations as adlfs writes them
 * ({@code abfs://container@account.dfs.core.windows.net/path}, or {@code abfs://container/path}
 * with the account from the options), served through the Blob API with the options of
 * {@link AzureBlobStorageProvider}. Stateless; found through ServiceLoader.
 */
public final class AbfsStorageProvider extends AzureBlobStorageProvider {

    /** Creates the provider; found through ServiceLoader. */
    public AbfsStorageProvider() {
        super("abfs");
    }
}
