package io.loomflow.azure.internal;

import static io.loomflow.azure.AzureBlob.ACCOUNT_KEY;
import static io.loomflow.azure.AzureBlob.ACCOUNT_NAME;
import static io.loomflow.azure.AzureBlob.CONNECTION_STRING;
import static io.loomflow.azure.AzureBlob.CREATE_CONTAINERS;
import static io.loomflow.azure.AzureBlob.ENDPOINT;

import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import io.loomflow.azure.AzureBlob;
import io.loomflow.data.spi.Storage;
import io.loomflow.data.spi.StorageOptions;
import io.loomflow.data.spi.StorageProvider;
import java.util.Locale;
import java.util.Optional;

/**
 * Opens {@code az:} storages (Azure Blob Storage) from the options named in {@link AzureBlob}.
 * Found through {@link java.util.ServiceLoader}; stateless and thread-safe. Opening checks the
 * options but does not contact the store: a wrong key or an unreachable endpoint is reported by the
 * first read or write, naming its location.
 */
public final class AzureBlobStorageProvider implements StorageProvider {

    private static final String CONNECTION_STRING_EXAMPLE = "DefaultEndpointsProtocol=https;AccountName=<account>;"
            + "AccountKey=<key>;EndpointSuffix=core.windows.net, or give the options endpoint, accountName and accountKey instead";

    /** Creates the provider; found through ServiceLoader. */
    public AzureBlobStorageProvider() {
    }

    @Override
    public String scheme() {
        return AzureBlob.SCHEME;
    }

    @Override
    public Storage open(StorageOptions options) {
        boolean createContainers = flag(options, CREATE_CONTAINERS);
        BlobServiceClientBuilder builder = new BlobServiceClientBuilder();
        Optional<String> connectionString = options.optional(CONNECTION_STRING);
        boolean sharedKey = options.optional(ENDPOINT).isPresent() || options.optional(ACCOUNT_NAME).isPresent()
                || options.optional(ACCOUNT_KEY).isPresent();
        if (connectionString.isPresent() && sharedKey) {
            throw new IllegalArgumentException("storage 'az:' got both the option '" + CONNECTION_STRING + "' and '"
                    + ENDPOINT + "'/'" + ACCOUNT_NAME + "'/'" + ACCOUNT_KEY + "'; give only one way to connect");
        }
        if (sharedKey) {
            String endpoint = options.required(ENDPOINT, "https://<account>.blob.core.windows.net");
            String name = options.required(ACCOUNT_NAME, "<account>");
            String key = options.required(ACCOUNT_KEY, "<the account's key, from the portal's Access keys page>");
            try {
                builder.endpoint(endpoint).credential(new StorageSharedKeyCredential(name, key));
            } catch (IllegalArgumentException invalid) {
                throw new IllegalArgumentException("storage 'az:' option '" + ENDPOINT + "' is not a valid blob endpoint URL ("
                        + invalid.getMessage() + "); give one like https://<account>.blob.core.windows.net", invalid);
            }
        } else {
            String value = connectionString.orElseGet(() -> options.required(CONNECTION_STRING, CONNECTION_STRING_EXAMPLE));
            try {
                builder.connectionString(value);
            } catch (IllegalArgumentException invalid) {
                // The SDK's message does not repeat the connection string; neither do we: it holds a key.
                throw new IllegalArgumentException("storage 'az:' option '" + CONNECTION_STRING + "' is not a valid Azure"
                        + " Storage connection string (" + invalid.getMessage() + "); copy it from the storage account's"
                        + " Access keys page, for example " + CONNECTION_STRING_EXAMPLE, invalid);
            }
        }
        return AzureBlobStorage.open(builder, createContainers);
    }

    private static boolean flag(StorageOptions options, String key) {
        String value = options.optional(key).orElse("false").strip().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("storage 'az:' option '" + key + "' must be true or false, not '"
                    + options.values().get(key) + "'");
        };
    }
}
