package io.loomflow.s3.internal;

import io.loomflow.data.spi.Storage;
import io.loomflow.data.spi.StorageOptions;
import io.loomflow.data.spi.StorageProvider;
import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Opens {@code s3://bucket/key} storage: Amazon S3, or an S3-compatible server given by the
 * option {@code endpoint}. Found through {@link java.util.ServiceLoader} for the scheme {@code s3}.
 *
 * <p>Options: {@code region} (required), {@code endpoint} (optional URL of an S3-compatible
 * server), {@code pathStyle} ({@code true}/{@code false}, default {@code false}), {@code
 * accessKey} and {@code secretKey} (both or neither; without them the SDK's default credentials
 * chain is used), {@code createBuckets} ({@code true}/{@code false}, default {@code false}). An
 * unknown or malformed option fails {@link #open} with a message naming it.
 *
 * <p>Stateless and thread-safe; each {@link #open} makes a storage with its own S3 client and
 * HTTP connection pool, released by the storage's {@code close()}.
 */
public final class S3StorageProvider implements StorageProvider {

    private static final Set<String> KNOWN_OPTIONS =
            Set.of("region", "endpoint", "pathStyle", "accessKey", "secretKey", "createBuckets");

    /** Creates the provider; found through ServiceLoader. */
    public S3StorageProvider() {
    }

    @Override
    public String scheme() {
        return "s3";
    }

    @Override
    public Storage open(StorageOptions options) {
        TreeSet<String> unknown = new TreeSet<>(options.values().keySet());
        unknown.removeAll(KNOWN_OPTIONS);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("storage 's3:' has no option " + unknown + "; its options are "
                    + new TreeSet<>(KNOWN_OPTIONS) + "; remove or rename it in the storage section of the catalog");
        }
        Region region = Region.of(options.required("region", "eu-west-1"));
        boolean pathStyle = flag(options, "pathStyle");
        boolean createBuckets = flag(options, "createBuckets");
        URI endpoint = options.optional("endpoint").map(S3StorageProvider::endpoint).orElse(null);
        AwsCredentialsProvider credentials = credentials(options);

        S3ClientBuilder builder = S3Client.builder()
                .region(region)
                .forcePathStyle(pathStyle)
                .credentialsProvider(credentials);
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        // Checksums: the SDK's defaults (WHEN_SUPPORTED: a CRC32 with every upload, checked on
        // downloads that carry one) pass the storage contract against S3Mock, so they are kept;
        // an S3-compatible server that mangles aws-chunked uploads (the npm s3rver does) needs
        // WHEN_REQUIRED, which is what the SDK did before 2.30.
        builder.requestChecksumCalculation(RequestChecksumCalculation.WHEN_SUPPORTED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_SUPPORTED);

        // Built here, not by the SDK, so that the storage owns it and close() provably stops it:
        // the Apache 5 client's connection pool and its idle-connection reaper thread end with it.
        // Synchronous and blocking, which suits callers on virtual threads.
        SdkHttpClient http = Apache5HttpClient.builder().build();
        try {
            S3Client client = builder.httpClient(http).build();
            return new S3Storage(client, http, credentials, region, endpoint, createBuckets);
        } catch (RuntimeException | Error e) {
            http.close();
            closeQuietly(credentials, e);
            throw e;
        }
    }

    private static boolean flag(StorageOptions options, String key) {
        String value = options.optional(key).orElse("false").trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("storage 's3:' option '" + key + "' must be true or false, not '"
                    + options.values().get(key) + "'");
        };
    }

    private static URI endpoint(String value) {
        URI endpoint;
        try {
            endpoint = URI.create(value.trim());
        } catch (IllegalArgumentException malformed) {
            throw new IllegalArgumentException("storage 's3:' option 'endpoint' must be an http or https URL with a host,"
                    + " not '" + value + "'; give one such as http://127.0.0.1:9090", malformed);
        }
        String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || endpoint.getHost() == null) {
            throw new IllegalArgumentException("storage 's3:' option 'endpoint' must be an http or https URL with a host,"
                    + " not '" + value + "'; give one such as http://127.0.0.1:9090");
        }
        return endpoint;
    }

    private static AwsCredentialsProvider credentials(StorageOptions options) {
        var accessKey = options.optional("accessKey");
        var secretKey = options.optional("secretKey");
        if (accessKey.isPresent() != secretKey.isPresent()) {
            String missing = accessKey.isPresent() ? "secretKey" : "accessKey";
            throw new IllegalArgumentException("storage 's3:' needs both 'accessKey' and 'secretKey', or neither (to use"
                    + " the AWS default credentials chain); '" + missing + "' is missing");
        }
        if (accessKey.isPresent()) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey.get(), secretKey.get()));
        }
        // A fresh provider, not the shared singleton, so that this storage may close it.
        return DefaultCredentialsProvider.builder().build();
    }

    static void closeQuietly(AwsCredentialsProvider credentials, Throwable failure) {
        if (credentials instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                failure.addSuppressed(e);
            }
        }
    }
}
