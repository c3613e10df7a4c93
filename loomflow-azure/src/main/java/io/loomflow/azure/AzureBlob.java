package io.loomflow.azure;

import io.loomflow.data.spi.StorageOptions;
import java.util.Map;

/**
 * The options of the {@code az:} storage (Azure Blob Storage), and shortcuts that make them. A
 * location is {@code az://<container>/<blob path>}. With an account's connection string, such as the
 * value of the environment variable {@code AZURE_STORAGE_CONNECTION_STRING}:
 * {@snippet class=io.loomflow.azure.snippets.AzureBlobSnippets region=connection-string}
 * Stateless; every method returns a new immutable value.
 */
public final class AzureBlob {

    /** The URI scheme, {@value}. */
    public static final String SCHEME = "az";

    /** The option that holds an Azure Storage connection string (the usual way to connect). */
    public static final String CONNECTION_STRING = "connectionString";

    /** The option that holds the blob endpoint, such as {@code https://account.blob.core.windows.net}. */
    public static final String ENDPOINT = "endpoint";

    /** The option that holds the account name, given with {@link #ENDPOINT} and {@link #ACCOUNT_KEY}. */
    public static final String ACCOUNT_NAME = "accountName";

    /** The option that holds the account key, given with {@link #ENDPOINT} and {@link #ACCOUNT_NAME}. */
    public static final String ACCOUNT_KEY = "accountKey";

    /**
     * The option {@code createContainers}: {@code true} to create a missing container on the first
     * write to it; {@code false} (the default) to fail such a write, naming the container.
     */
    public static final String CREATE_CONTAINERS = "createContainers";

    private AzureBlob() {
    }

    /**
     * Options that connect with a connection string.
     *
     * @param connectionString an Azure Storage connection string
     * @return the options of the {@code az:} storage
     */
    public static StorageOptions withConnectionString(String connectionString) {
        return new StorageOptions(SCHEME, Map.of(CONNECTION_STRING, connectionString));
    }

    /**
     * Options that connect to an endpoint with an account's shared key.
     *
     * @param endpoint the blob endpoint, such as {@code https://account.blob.core.windows.net}
     * @param accountName the account's name
     * @param accountKey the account's key
     * @return the options of the {@code az:} storage
     */
    public static StorageOptions withSharedKey(String endpoint, String accountName, String accountKey) {
        return new StorageOptions(SCHEME, Map.of(ENDPOINT, endpoint, ACCOUNT_NAME, accountName, ACCOUNT_KEY, accountKey));
    }
}
