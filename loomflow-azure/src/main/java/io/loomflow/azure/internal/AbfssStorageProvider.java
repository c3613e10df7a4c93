package io.loomflow.azure.internal;

/**
 * Opens {@code abfss:} storages (as abfs: does; the endpoint decides on TLS): Azure Data Lake locations as adlfs writes them
 * ({@code abfss://container@account.dfs.core.windows.net/path}, or {@code abfss://container/path}
 * with the account from the options), served through the Blob API with the options of
 * {@link AzureBlobStorageProvider}. Stateless; found through ServiceLoader.
 */
public final class AbfssStorageProvider extends AzureBlobStorageProvider {

    /** Creates the provider; found through ServiceLoader. */
    public AbfssStorageProvider() {
        super("abfss");
    }
}
