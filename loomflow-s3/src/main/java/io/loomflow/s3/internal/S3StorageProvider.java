package io.loomflow.s3.internal;

import io.loomflow.data.spi.Storage;
import io.loomflow.data.spi.StorageOptions;
import io.loomflow.data.spi.StorageProvider;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;

/**
 * Opens {@code s3://bucket/key} storage: Amazon S3, or an S3-compatible server given by the
 * option {@code endpoint}. Found through {@link java.util.ServiceLoader} for the scheme {@code s3}.
 *
 * <p>Options: {@code region} (required unless the profile has one), {@code endpoint} (optional URL
 * of an S3-compatible server), {@code pathStyle} ({@code true}/{@code false}, default {@code
 * false}), credentials: {@code accessKey} and {@code secretKey} (both or neither, with {@code
 * sessionToken} for temporary ones), or {@code profile} (a named profile of the AWS config and
 * credentials files, which {@code configFile} and {@code credentialsFile} may name), or neither
 * (the SDK's default credentials chain); {@code roleArn} to assume a role with those credentials
 * through STS ({@code roleSessionName}, {@code externalId}, {@code stsEndpoint} for an
 * STS-compatible server), {@code createBuckets} ({@code true}/{@code false}, default {@code
 * false}), {@code maxConnections} (the most requests in flight at once, default 256). s3fs's
 * names ({@code key}, {@code secret}, {@code token}, {@code endpoint_url}, {@code region_name}) are
 * accepted too. An unknown or malformed option fails {@link #open} with a
 * message naming it.
 *
 * <p>Stateless and thread-safe; each {@link #open} makes a storage with its own S3 client and
 * HTTP connection pool, released by the storage's {@code close()}.
 */
public final class S3StorageProvider implements StorageProvider {

    private static final Set<String> KNOWN_OPTIONS = Set.of("region", "endpoint", "pathStyle", "accessKey", "secretKey",
            "sessionToken", "profile", "configFile", "credentialsFile", "roleArn", "roleSessionName", "externalId",
            "stsEndpoint", "createBuckets", "maxConnections");
    /**
     * The HTTP connection pool's size when the option {@code maxConnections} is not given: four times
     * the engine's default {@code dataset-io} limit (64), so that the engine's limit, not the pool,
     * bounds how many requests a pipeline has in flight. The SDK's own default, 50, kept a pipeline
     * at that limit to 50 requests at once, its other tasks waiting for a connection while holding a
     * permit. Connections are opened only when that many requests are in flight together.
     */
    static final int DEFAULT_MAX_CONNECTIONS = 256;
    /** The names s3fs (and so Kedro's credentials files) gives some options, and ours. */
    private static final Map<String, String> S3FS_NAMES = Map.of("key", "accessKey", "secret", "secretKey", "token",
            "sessionToken", "endpoint_url", "endpoint", "region_name", "region", "aws_access_key_id", "accessKey",
            "aws_secret_access_key", "secretKey", "aws_session_token", "sessionToken");

    /** Creates the provider; found through ServiceLoader. */
    public S3StorageProvider() {
    }

    @Override
    public String scheme() {
        return "s3";
    }

    @Override
    public Storage open(StorageOptions given) {
        StorageOptions options = normalized(given);
        TreeSet<String> unknown = new TreeSet<>(options.values().keySet());
        unknown.removeAll(KNOWN_OPTIONS);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("storage 's3:' has no option " + unknown + "; its options are "
                    + new TreeSet<>(KNOWN_OPTIONS) + "; remove or rename it in the storage section of the catalog");
        }
        // The AWS files are read only for a profile: named, or "default" of the files the options name
        if (options.optional("profile").isEmpty() && (options.optional("configFile").isPresent()
                || options.optional("credentialsFile").isPresent())) {
            options = options.with("profile", "default");
        }
        StorageOptions chosen = options;
        ProfileFile profiles = options.optional("profile").isPresent() ? profileFile(options) : null;
        Region region = Region.of(options.optional("region").orElseGet(() -> chosen.optional("profile")
                .flatMap(name -> profiles.profile(name)).flatMap(found -> found.property("region"))
                .orElseGet(() -> chosen.required("region", "eu-west-1"))));
        boolean pathStyle = flag(options, "pathStyle");
        boolean createBuckets = flag(options, "createBuckets");
        URI endpoint = options.optional("endpoint").map(value -> endpoint("endpoint", value)).orElse(null);
        URI stsEndpoint = options.optional("stsEndpoint").map(value -> endpoint("stsEndpoint", value)).orElse(null);
        if (options.optional("roleArn").isEmpty()) {
            for (String roleOption : List.of("roleSessionName", "externalId", "stsEndpoint")) {
                if (options.optional(roleOption).isPresent()) {
                    throw new IllegalArgumentException("storage 's3:' option '" + roleOption + "' is for assuming a"
                            + " role, but there is no option 'roleArn'; add it, or remove '" + roleOption + "'");
                }
            }
        }
        int maxConnections = positive(options, "maxConnections", DEFAULT_MAX_CONNECTIONS);
        // The HTTP client is built first, so that STS (for an assumed role) shares it.
        SdkHttpClient http = Apache5HttpClient.builder().maxConnections(maxConnections).build();
        AwsCredentialsProvider credentials;
        try {
            credentials = credentials(options, profiles, region, stsEndpoint, http);
        } catch (RuntimeException | Error e) {
            http.close();
            throw e;
        }

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

        // The HTTP client (above) is built here, not by the SDK, so that the storage owns it and
        // close() provably stops it: the Apache 5 client's connection pool and its idle-connection
        // reaper thread end with it. Synchronous and blocking, which suits callers on virtual threads.
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

    private static int positive(StorageOptions options, String key, int otherwise) {
        String value = options.optional(key).orElse(null);
        if (value == null) {
            return otherwise;
        }
        try {
            int number = Integer.parseInt(value.strip());
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw new IllegalArgumentException("storage 's3:' option '" + key + "' must be a whole number above 0, not '"
                + value + "'; leave it out for " + otherwise);
    }

    private static URI endpoint(String option, String value) {
        URI endpoint;
        try {
            endpoint = URI.create(value.trim());
        } catch (IllegalArgumentException malformed) {
            throw new IllegalArgumentException("storage 's3:' option '" + option + "' must be an http or https URL with"
                    + " a host, not '" + value + "'; give one such as http://127.0.0.1:9090", malformed);
        }
        String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || endpoint.getHost() == null) {
            throw new IllegalArgumentException("storage 's3:' option '" + option + "' must be an http or https URL with"
                    + " a host, not '" + value + "'; give one such as http://127.0.0.1:9090");
        }
        return endpoint;
    }

    /** The options with s3fs's names renamed to ours. */
    private static StorageOptions normalized(StorageOptions options) {
        Map<String, String> renamed = new LinkedHashMap<>();
        for (Map.Entry<String, String> option : options.values().entrySet()) {
            String key = S3FS_NAMES.getOrDefault(option.getKey(), option.getKey());
            if (renamed.put(key, option.getValue()) != null) {
                throw new IllegalArgumentException("storage 's3:' got the option '" + key + "' twice (once as '"
                        + option.getKey() + "'); give it once");
            }
        }
        return new StorageOptions(options.scheme(), renamed);
    }

    /**
     * The AWS config and credentials files: those the options name, else those the SDK finds
     * ({@code AWS_CONFIG_FILE}, {@code AWS_SHARED_CREDENTIALS_FILE}, else {@code ~/.aws/config}
     * and {@code ~/.aws/credentials}).
     */
    private static ProfileFile profileFile(StorageOptions options) {
        if (options.optional("configFile").isEmpty() && options.optional("credentialsFile").isEmpty()) {
            return ProfileFile.defaultProfileFile();
        }
        ProfileFile.Aggregator files = ProfileFile.aggregator();
        options.optional("configFile").ifPresent(file -> files.addFile(profile(file, "configFile", ProfileFile.Type.CONFIGURATION)));
        options.optional("credentialsFile").ifPresent(file -> files.addFile(profile(file, "credentialsFile",
                ProfileFile.Type.CREDENTIALS)));
        return files.build();
    }

    private static ProfileFile profile(String file, String option, ProfileFile.Type type) {
        Path path = Path.of(file);
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("storage 's3:' option '" + option + "' names " + file + ", which is not a"
                    + " file; give the path of an AWS " + (type == ProfileFile.Type.CONFIGURATION ? "config" : "credentials")
                    + " file");
        }
        try {
            return ProfileFile.builder().content(path).type(type).build();
        } catch (RuntimeException unreadable) {
            // the SDK's message may quote the file, which holds keys
            throw new IllegalArgumentException("storage 's3:' option '" + option + "': " + file + " is not a valid AWS "
                    + (type == ProfileFile.Type.CONFIGURATION ? "config" : "credentials") + " file; check its [profile]"
                    + " headers and key = value lines", null);
        }
    }

    private static AwsCredentialsProvider credentials(StorageOptions options, ProfileFile profiles, Region region,
                                                      URI stsEndpoint, SdkHttpClient http) {
        var accessKey = options.optional("accessKey");
        var secretKey = options.optional("secretKey");
        if (accessKey.isPresent() != secretKey.isPresent()) {
            String missing = accessKey.isPresent() ? "secretKey" : "accessKey";
            throw new IllegalArgumentException("storage 's3:' needs both 'accessKey' and 'secretKey', or neither (to use"
                    + " the AWS default credentials chain); '" + missing + "' is missing");
        }
        if (options.optional("sessionToken").isPresent() && accessKey.isEmpty()) {
            throw new IllegalArgumentException("storage 's3:' option 'sessionToken' goes with 'accessKey' and"
                    + " 'secretKey'; add them, or remove it");
        }
        var profile = options.optional("profile");
        if (profile.isPresent() && accessKey.isPresent()) {
            throw new IllegalArgumentException("storage 's3:' got both the option 'profile' and 'accessKey'/'secretKey';"
                    + " give only one source of credentials");
        }
        AwsCredentialsProvider base;
        if (accessKey.isPresent()) {
            base = StaticCredentialsProvider.create(options.optional("sessionToken")
                    .<software.amazon.awssdk.auth.credentials.AwsCredentials>map(token -> AwsSessionCredentials.create(
                            accessKey.get(), secretKey.get(), token))
                    .orElseGet(() -> AwsBasicCredentials.create(accessKey.get(), secretKey.get())));
        } else if (profile.isPresent()) {
            if (profiles.profile(profile.get()).isEmpty()) {
                throw new IllegalArgumentException("storage 's3:' option 'profile' names the profile '" + profile.get()
                        + "', which " + (options.optional("configFile").isPresent() || options.optional("credentialsFile")
                        .isPresent() ? "the files of the options configFile and credentialsFile do" : "the AWS config"
                        + " and credentials files (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, else ~/.aws) do")
                        + " not define; its profiles are " + new TreeSet<>(profiles.profiles().keySet())
                        + "; add it, or name one of these");
            }
            base = ProfileCredentialsProvider.builder().profileFile(profiles).profileName(profile.get()).build();
        } else {
            // A fresh provider, not the shared singleton, so that this storage may close it.
            base = DefaultCredentialsProvider.builder().build();
        }
        var roleArn = options.optional("roleArn");
        if (roleArn.isEmpty()) {
            return base;
        }
        StsClient sts;
        try {
            var builder = StsClient.builder().region(region).credentialsProvider(base).httpClient(http);
            if (stsEndpoint != null) {
                builder.endpointOverride(stsEndpoint);
            }
            sts = builder.build();
        } catch (RuntimeException | Error e) {
            closeQuietly(base, e);
            throw e;
        }
        AssumeRoleRequest.Builder request = AssumeRoleRequest.builder().roleArn(roleArn.get())
                .roleSessionName(options.optional("roleSessionName").orElse("loomflow"));
        options.optional("externalId").ifPresent(request::externalId);
        StsAssumeRoleCredentialsProvider assumed = StsAssumeRoleCredentialsProvider.builder().stsClient(sts)
                .refreshRequest(request.build()).asyncCredentialUpdateEnabled(false).build();
        return new AssumedRole(assumed, sts, base);
    }

    /** An assumed role's credentials; closing it closes the STS client and the credentials that call it. */
    private record AssumedRole(StsAssumeRoleCredentialsProvider assumed, StsClient sts, AwsCredentialsProvider base)
            implements AwsCredentialsProvider, AutoCloseable {

        @Override
        public software.amazon.awssdk.auth.credentials.AwsCredentials resolveCredentials() {
            return assumed.resolveCredentials();
        }

        @Override
        public void close() {
            RuntimeException failure = new IllegalStateException("cannot close the assumed role's credentials");
            try {
                assumed.close();
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
            try {
                sts.close();
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
            closeQuietly(base, failure);
            if (failure.getSuppressed().length > 0) {
                throw failure;
            }
        }

        @Override
        public String toString() {
            return "AssumedRole[" + assumed + "]";
        }
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
