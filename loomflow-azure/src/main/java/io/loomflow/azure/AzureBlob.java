package io.loomflow.azure;

import io.loomflow.data.spi.StorageOptions;
import java.util.Map;

/**
 * The options of the {@code az:} storage (Azure Blob Storage), and shortcuts that make them. A
 * location is {@code az://<container>/<blob path>}, or, as adlfs writes them (with the storage's
 * options under the scheme {@code abfs} or {@code abfss}), {@code
 * abfs://<container>@<account>.dfs.core.windows.net/<path>} or {@code abfs://<container>/<path>}.
 * With an account's connection string, such as the
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
     * The option that holds a shared access signature (SAS) token, such as {@code sv=...&sig=...},
     * given with {@link #ACCOUNT_NAME} or {@link #ENDPOINT}.
     */
    public static final String SAS_TOKEN = "sasToken";

    /**
     * The option {@code credential}: {@code default} signs in with azure-identity's default
     * credential chain (environment variables, workload identity, managed identity, then developer
     * logins such as the Azure CLI), given with {@link #ACCOUNT_NAME} or {@link #ENDPOINT}.
     */
    public static final String CREDENTIAL = "credential";

    /** The option that holds a Microsoft Entra tenant id, for a service principal or the default chain. */
    public static final String TENANT_ID = "tenantId";

    /**
     * The option that holds a client id: a service principal's (with {@link #CLIENT_SECRET}), or a
     * user-assigned managed identity's (with {@code credential: default}).
     */
    public static final String CLIENT_ID = "clientId";

    /** The option that holds a service principal's secret, given with {@link #TENANT_ID} and {@link #CLIENT_ID}. */
    public static final String CLIENT_SECRET = "clientSecret";

    /** The URI schemes of Azure Data Lake locations as adlfs writes them, served by this storage too. */
    public static final java.util.List<String> ADLFS_SCHEMES = java.util.List.of("abfs", "abfss");

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
     * Options that connect to an account with a shared access signature.
     *
     * @param accountName the account's name; the endpoint is {@code https://<account>.blob.core.windows.net}
     * @param sasToken the token, with or without its leading {@code ?}
     * @return the options of the {@code az:} storage
     */
    public static StorageOptions withSasToken(String accountName, String sasToken) {
        return new StorageOptions(SCHEME, Map.of(ACCOUNT_NAME, accountName, SAS_TOKEN, sasToken));
    }

    /**
     * Options that sign in to an account with azure-identity's default credential chain.
     *
     * @param accountName the account's name; the endpoint is {@code https://<account>.blob.core.windows.net}
     * @return the options of the {@code az:} storage
     */
    public static StorageOptions withDefaultCredential(String accountName) {
        return new StorageOptions(SCHEME, Map.of(ACCOUNT_NAME, accountName, CREDENTIAL, "default"));
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
