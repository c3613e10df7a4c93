package io.loomflow.azure.internal;

import static io.loomflow.azure.AzureBlob.ACCOUNT_KEY;
import static io.loomflow.azure.AzureBlob.ACCOUNT_NAME;
import static io.loomflow.azure.AzureBlob.CLIENT_ID;
import static io.loomflow.azure.AzureBlob.CLIENT_SECRET;
import static io.loomflow.azure.AzureBlob.CONNECTION_STRING;
import static io.loomflow.azure.AzureBlob.CREATE_CONTAINERS;
import static io.loomflow.azure.AzureBlob.CREDENTIAL;
import static io.loomflow.azure.AzureBlob.ENDPOINT;
import static io.loomflow.azure.AzureBlob.SAS_TOKEN;
import static io.loomflow.azure.AzureBlob.TENANT_ID;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import io.loomflow.azure.AzureBlob;
import io.loomflow.data.spi.Storage;
import io.loomflow.data.spi.StorageOptions;
import io.loomflow.data.spi.StorageProvider;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Opens {@code az:} storages (Azure Blob Storage) from the options named in {@link AzureBlob}.
 * Found through {@link java.util.ServiceLoader}; stateless and thread-safe. Opening checks the
 * options but does not contact the store: a wrong key or an unreachable endpoint is reported by the
 * first read or write, naming its location.
 *
 * <p>One way to authenticate is chosen from the options: a connection string; an account key; a
 * SAS token; a service principal ({@code tenantId}, {@code clientId}, {@code clientSecret}); or
 * {@code credential: default}, azure-identity's default chain. The option names of adlfs and
 * Kedro's credentials ({@code account_name}, {@code account_key}, {@code sas_token},
 * {@code connection_string}, {@code tenant_id}, {@code client_id}, {@code client_secret}) are
 * accepted as well, so a credentials entry written for adlfs works here unchanged.
 */
public class AzureBlobStorageProvider implements StorageProvider {

    private static final String CONNECTION_STRING_EXAMPLE = "DefaultEndpointsProtocol=https;AccountName=<account>;"
            + "AccountKey=<key>;EndpointSuffix=core.windows.net, or give the options endpoint, accountName and accountKey instead";

    private static final Map<String, String> ADLFS_NAMES = Map.of("account_name", ACCOUNT_NAME, "account_key",
            ACCOUNT_KEY, "sas_token", SAS_TOKEN, "connection_string", CONNECTION_STRING, "tenant_id", TENANT_ID,
            "client_id", CLIENT_ID, "client_secret", CLIENT_SECRET);
    private static final Set<String> KNOWN = Set.of(CONNECTION_STRING, ENDPOINT, ACCOUNT_NAME, ACCOUNT_KEY, SAS_TOKEN,
            CREDENTIAL, TENANT_ID, CLIENT_ID, CLIENT_SECRET, CREATE_CONTAINERS);

    private final String scheme;

    /** Creates the provider of {@code az:}; found through ServiceLoader. */
    public AzureBlobStorageProvider() {
        this(AzureBlob.SCHEME);
    }

    AzureBlobStorageProvider(String scheme) {
        this.scheme = scheme;
    }

    @Override
    public String scheme() {
        return scheme;
    }

    @Override
    public Storage open(StorageOptions given) {
        StorageOptions options = normalized(given);
        boolean createContainers = flag(options, CREATE_CONTAINERS);
        BlobServiceClientBuilder builder = new BlobServiceClientBuilder();
        Optional<String> connectionString = options.optional(CONNECTION_STRING);
        List<String> ways = new ArrayList<>();
        connectionString.ifPresent(value -> ways.add(CONNECTION_STRING));
        options.optional(ACCOUNT_KEY).ifPresent(value -> ways.add(ACCOUNT_KEY));
        options.optional(SAS_TOKEN).ifPresent(value -> ways.add(SAS_TOKEN));
        options.optional(CLIENT_SECRET).ifPresent(value -> ways.add(CLIENT_SECRET));
        options.optional(CREDENTIAL).ifPresent(value -> ways.add(CREDENTIAL));
        if (ways.size() > 1) {
            throw new IllegalArgumentException(name() + " got the options " + ways + ", each a way to connect; give only"
                    + " one way to connect");
        }
        if (connectionString.isPresent() && (options.optional(ENDPOINT).isPresent()
                || options.optional(ACCOUNT_NAME).isPresent())) {
            throw new IllegalArgumentException(name() + " got both the option '" + CONNECTION_STRING + "' and '"
                    + ENDPOINT + "'/'" + ACCOUNT_NAME + "'; give only one way to connect (the connection string names"
                    + " its account and endpoint)");
        }
        Consumer<HttpClient> beforeBuild = http -> { };
        if (connectionString.isPresent()) {
            try {
                builder.connectionString(connectionString.get());
            } catch (IllegalArgumentException invalid) {
                // The SDK's message does not repeat the connection string; neither do we: it holds a key.
                throw new IllegalArgumentException(name() + " option '" + CONNECTION_STRING + "' is not a valid Azure"
                        + " Storage connection string (" + invalid.getMessage() + "); copy it from the storage account's"
                        + " Access keys page, for example " + CONNECTION_STRING_EXAMPLE, invalid);
            }
            return AzureBlobStorage.open(builder, createContainers, beforeBuild);
        }
        if (ways.isEmpty()) {
            if (options.optional(ENDPOINT).isEmpty() && options.optional(ACCOUNT_NAME).isEmpty()) {
                options.required(CONNECTION_STRING, CONNECTION_STRING_EXAMPLE); // the usual way, named with an example
            }
            throw new IllegalArgumentException(name() + " names an account but no way to sign in to it; add one of: "
                    + ACCOUNT_KEY + " (the account's key), " + SAS_TOKEN + " (a shared access signature), "
                    + CREDENTIAL + ": default (azure-identity's default chain: environment, workload or managed"
                    + " identity, Azure CLI), or " + TENANT_ID + ", " + CLIENT_ID + " and " + CLIENT_SECRET
                    + " (a service principal); put it in credentials.yml");
        }
        String endpoint = endpoint(options);
        try {
            builder.endpoint(endpoint);
        } catch (IllegalArgumentException invalid) {
            throw new IllegalArgumentException(name() + " option '" + ENDPOINT + "' is not a valid blob endpoint URL ("
                    + invalid.getMessage() + "); give one like https://<account>.blob.core.windows.net", invalid);
        }
        String way = ways.getFirst();
        switch (way) {
            case ACCOUNT_KEY -> {
                String account = options.required(ACCOUNT_NAME, "<account>");
                try {
                    builder.credential(new StorageSharedKeyCredential(account, options.values().get(ACCOUNT_KEY)));
                } catch (IllegalArgumentException invalid) {
                    throw new IllegalArgumentException(name() + " option '" + ACCOUNT_KEY + "' is not an account key"
                            + " (base64, from the account's Access keys page)", null);
                }
            }
            case SAS_TOKEN -> {
                String token = options.values().get(SAS_TOKEN).strip();
                if (token.contains("://") || !token.contains("sig=")) {
                    throw new IllegalArgumentException(name() + " option '" + SAS_TOKEN + "' is not a SAS token: give"
                            + " its query part only (sv=...&sig=...), not a URL, and with its signature (sig=)");
                }
                builder.sasToken(token);
            }
            case CLIENT_SECRET -> {
                ClientSecretCredentialBuilder principal = new ClientSecretCredentialBuilder()
                        .tenantId(options.required(TENANT_ID, "<the directory (tenant) id>"))
                        .clientId(options.required(CLIENT_ID, "<the application (client) id>"))
                        .clientSecret(options.values().get(CLIENT_SECRET));
                beforeBuild = http -> builder.credential(principal.httpClient(http).build());
            }
            default -> {
                String chain = options.values().get(CREDENTIAL).strip().toLowerCase(Locale.ROOT);
                if (!chain.equals("default")) {
                    throw new IllegalArgumentException(name() + " option '" + CREDENTIAL + "' must be 'default' (the"
                            + " default credential chain of azure-identity), not '" + options.values().get(CREDENTIAL)
                            + "'");
                }
                DefaultAzureCredentialBuilder defaults = new DefaultAzureCredentialBuilder();
                options.optional(TENANT_ID).ifPresent(defaults::tenantId);
                options.optional(CLIENT_ID).ifPresent(id -> defaults.managedIdentityClientId(id)
                        .workloadIdentityClientId(id));
                beforeBuild = http -> {
                    TokenCredential credential = defaults.httpClient(http).build();
                    builder.credential(credential);
                };
            }
        }
        return AzureBlobStorage.open(builder, createContainers, beforeBuild);
    }

    private String name() {
        return "storage '" + scheme + ":'";
    }

    /** The options with adlfs's names renamed to ours; an unknown option is refused. */
    private StorageOptions normalized(StorageOptions options) {
        Map<String, String> renamed = new LinkedHashMap<>();
        for (Map.Entry<String, String> option : options.values().entrySet()) {
            String key = ADLFS_NAMES.getOrDefault(option.getKey(), option.getKey());
            if (!KNOWN.contains(key)) {
                throw new IllegalArgumentException(name() + " has no option '" + option.getKey() + "'; its options are "
                        + new TreeSet<>(KNOWN) + " (or adlfs's names " + new TreeSet<>(ADLFS_NAMES.keySet())
                        + "); remove or rename it");
            }
            if (renamed.put(key, option.getValue()) != null) {
                throw new IllegalArgumentException(name() + " got the option '" + key + "' twice (once as '"
                        + option.getKey() + "'); give it once");
            }
        }
        return new StorageOptions(options.scheme(), renamed);
    }

    private String endpoint(StorageOptions options) {
        return options.optional(ENDPOINT).orElseGet(() -> "https://" + options.required(ACCOUNT_NAME,
                "<account>, or the option endpoint: https://<account>.blob.core.windows.net") + ".blob.core.windows.net");
    }

    private boolean flag(StorageOptions options, String key) {
        String value = options.optional(key).orElse("false").strip().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(name() + " option '" + key + "' must be true or false, not '"
                    + options.values().get(key) + "'");
        };
    }
}
