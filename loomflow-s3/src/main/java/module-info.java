/**
 * Loomflow S3: the {@code s3:} storage backend, for Amazon S3 and S3-compatible servers, on the
 * AWS SDK for Java v2.
 *
 * <p>Exports nothing: the backend is found through {@link java.util.ServiceLoader} as a {@link
 * io.loomflow.data.spi.StorageProvider} for the scheme {@code s3}, and used through {@code
 * io.loomflow.data.Storages}. Keeping the AWS SDK behind this module keeps it out of
 * {@code loomflow-core} and {@code loomflow-data}.
 */
// The AWS SDK jars are automatic modules; "s3" ends in a digit, as the scheme does.
@SuppressWarnings({"requires-automatic", "module"})
module io.loomflow.s3 {
    requires io.loomflow.data;
    requires software.amazon.awssdk.auth;
    requires software.amazon.awssdk.awscore;
    requires software.amazon.awssdk.core;
    requires software.amazon.awssdk.http;
    requires software.amazon.awssdk.http.apache5;
    requires software.amazon.awssdk.identity.spi;
    requires software.amazon.awssdk.profiles;
    requires software.amazon.awssdk.regions;
    requires software.amazon.awssdk.services.s3;
    requires software.amazon.awssdk.services.sts;

    provides io.loomflow.data.spi.StorageProvider with io.loomflow.s3.internal.S3StorageProvider;
}
