package io.loomflow.s3.internal;

import io.loomflow.data.spi.NoSuchObjectException;
import io.loomflow.data.spi.PartedWrite;
import io.loomflow.data.spi.StagedWrite;
import io.loomflow.data.spi.Storage;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Objects in S3 buckets: {@code s3://bucket/key}. Each call is one S3 request (two for {@link
 * #delete}, which asks first), made on the calling thread through a synchronous, pooled HTTP
 * client; virtual threads block cheaply on it. A PutObject is atomic in S3, so a failed write
 * leaves the old object, or none, never a part.
 *
 * <p>A streamed write ({@link #openWrite}) is a multipart upload in parts of {@value #PART_SIZE}
 * bytes, completed on commit (the object appears whole, at once) and aborted when the write is
 * aborted or fails (S3 then drops the parts); a streamed write that ends below one part is one
 * PutObject. A streamed read ({@link #openRead}) is one GetObject, whose body is one version of the
 * object; {@link #readRange} is a GetObject with a {@code Range}.
 *
 * <p>SDK errors become {@link IOException}s that name the location and the cause, with the SDK's
 * exception kept as their cause. Thread-safe. {@link #close()} closes the S3 client, its HTTP
 * client (Apache HttpClient 5: connection pool and idle-connection reaper thread) and the credentials provider.
 */
final class S3Storage implements Storage {

    /** The size of an uploaded part (S3's minimum is 5 MiB), and what a streamed write holds in memory. */
    static final int PART_SIZE = 8 * 1024 * 1024;

    private final S3Client client;
    private final SdkHttpClient http;
    private final AwsCredentialsProvider credentials;
    private final Region region;
    private final URI endpoint;
    private final boolean createBuckets;
    private final AtomicBoolean closed = new AtomicBoolean();

    S3Storage(S3Client client, SdkHttpClient http, AwsCredentialsProvider credentials, Region region, URI endpoint,
            boolean createBuckets) {
        this.client = client;
        this.http = http;
        this.credentials = credentials;
        this.region = region;
        this.endpoint = endpoint;
        this.createBuckets = createBuckets;
    }

    /** A location split into bucket and key. */
    private record Address(String bucket, String key) {
    }

    private static Address address(URI location, boolean prefix) {
        if (!"s3".equalsIgnoreCase(location.getScheme()) || location.isOpaque()) {
            throw new IllegalArgumentException("location " + location + " is not an s3: URI; write it as s3://bucket/key");
        }
        String bucket = location.getRawAuthority();
        if (bucket == null || bucket.isEmpty()) {
            throw new IllegalArgumentException("location " + location + " names no bucket; write it as s3://bucket/key");
        }
        if (location.getRawQuery() != null || location.getRawFragment() != null) {
            throw new IllegalArgumentException("location " + location + " has a '?' or '#' part; write the key as a path"
                    + " (percent-encode those characters in keys: %3F, %23)");
        }
        String path = location.getPath() == null ? "" : location.getPath();
        String key = path.startsWith("/") ? path.substring(1) : path;
        if (key.isEmpty() && !prefix) {
            throw new IllegalArgumentException("location " + location + " names no object; write it as s3://"
                    + bucket + "/key");
        }
        return new Address(bucket, key);
    }

    private static URI location(String bucket, String key) {
        try {
            return new URI("s3", bucket, "/" + key, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("S3 returned key '" + key + "' that makes no URI in bucket " + bucket, e);
        }
    }

    @Override
    public byte[] read(URI location) throws IOException {
        Address at = address(location, false);
        try {
            return client.getObjectAsBytes(request -> request.bucket(at.bucket()).key(at.key())).asByteArrayUnsafe();
        } catch (NoSuchKeyException | NoSuchBucketException absent) {
            throw missing(location, absent);
        } catch (SdkException e) {
            throw failure("read", location, e);
        }
    }

    @Override
    public void write(URI location, byte[] content) throws IOException {
        Address at = address(location, false);
        inBucket(location, at, () -> {
            put(at, content);
            return at;
        });
    }

    /** The missing object at a location, with what the SDK said as its cause. */
    private static NoSuchObjectException missing(URI location, Exception cause) {
        NoSuchObjectException missing = new NoSuchObjectException(location);
        missing.initCause(cause);
        return missing;
    }

    /** Runs a write request; if its bucket is missing, creates it and runs it again when the option allows. */
    private <R> R inBucket(URI location, Address at, java.util.function.Supplier<R> request) throws IOException {
        try {
            try {
                return request.get();
            } catch (NoSuchBucketException noBucket) {
                if (!createBuckets) {
                    throw new IOException("cannot write " + location + ": the bucket '" + at.bucket() + "' does not exist;"
                            + " create it, or set the storage option createBuckets: true to create buckets on first write",
                            noBucket);
                }
                createBucket(at.bucket());
                return request.get();
            }
        } catch (SdkException e) {
            throw failure("write", location, e);
        }
    }

    @Override
    public InputStream openRead(URI location) throws IOException {
        Address at = address(location, false);
        try {
            return client.getObject(request -> request.bucket(at.bucket()).key(at.key()));
        } catch (NoSuchKeyException | NoSuchBucketException absent) {
            throw missing(location, absent);
        } catch (SdkException e) {
            throw failure("read", location, e);
        }
    }

    @Override
    public byte[] readRange(URI location, long offset, int length) throws IOException {
        Storage.checkRange(offset, length);
        Address at = address(location, false);
        try {
            if (length == 0) {
                if (!exists(location)) {
                    throw new NoSuchObjectException(location);
                }
                return new byte[0];
            }
            return client.getObjectAsBytes(request -> request.bucket(at.bucket()).key(at.key())
                    .range("bytes=" + offset + "-" + (offset + length - 1))).asByteArrayUnsafe();
        } catch (NoSuchKeyException | NoSuchBucketException absent) {
            throw missing(location, absent);
        } catch (S3Exception e) {
            if (e.statusCode() == 416) {
                return new byte[0]; // the object ends at or before the offset
            }
            throw failure("read", location, e);
        } catch (SdkException e) {
            throw failure("read", location, e);
        }
    }

    @Override
    public StagedWrite openWrite(URI location) {
        Address at = address(location, false);
        return new PartedWrite(location, PART_SIZE) {
            private String uploadId;
            private final List<CompletedPart> parts = new ArrayList<>();

            @Override
            protected void sendPart(int number, byte[] bytes) throws IOException {
                if (uploadId == null) {
                    uploadId = inBucket(location(), at, () -> client.createMultipartUpload(request -> request
                            .bucket(at.bucket()).key(at.key())).uploadId());
                }
                try {
                    String etag = client.uploadPart(request -> request.bucket(at.bucket()).key(at.key())
                            .uploadId(uploadId).partNumber(number), RequestBody.fromBytes(bytes)).eTag();
                    parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                } catch (SdkException e) {
                    throw failure("write", location(), e);
                }
            }

            @Override
            protected void putWhole(byte[] content) throws IOException {
                S3Storage.this.write(location(), content); // one PutObject
            }

            @Override
            protected void publishParts() throws IOException {
                try {
                    client.completeMultipartUpload(request -> request.bucket(at.bucket()).key(at.key()).uploadId(uploadId)
                            .multipartUpload(upload -> upload.parts(parts)));
                } catch (SdkException e) {
                    throw failure("write", location(), e);
                }
            }

            @Override
            protected void abortParts() throws IOException {
                if (uploadId != null) {
                    try {
                        client.abortMultipartUpload(request -> request.bucket(at.bucket()).key(at.key()).uploadId(uploadId));
                    } catch (SdkException e) {
                        throw failure("abort the upload to", location(), e);
                    }
                }
            }
        };
    }

    private void put(Address at, byte[] content) {
        client.putObject(request -> request.bucket(at.bucket()).key(at.key()), RequestBody.fromBytes(content));
    }

    private void createBucket(String bucket) {
        try {
            client.createBucket(CreateBucketRequest.builder()
                    .bucket(bucket)
                    // us-east-1 is S3's default location and must not be named as a constraint.
                    .applyMutation(request -> {
                        if (!Region.US_EAST_1.equals(region)) {
                            request.createBucketConfiguration(config -> config.locationConstraint(region.id()));
                        }
                    })
                    .build());
        } catch (BucketAlreadyOwnedByYouException createdConcurrently) {
            // Another writer created it first: what we wanted.
        }
    }

    @Override
    public long size(URI location) throws IOException {
        Address at = address(location, false);
        try {
            return client.headObject(request -> request.bucket(at.bucket()).key(at.key())).contentLength();
        } catch (NoSuchKeyException | NoSuchBucketException absent) {
            throw missing(location, absent);
        } catch (S3Exception e) {
            if (e.statusCode() == 404) { // HeadObject has no body, so no error code: a 404 is all it says
                throw missing(location, e);
            }
            throw failure("read", location, e);
        } catch (SdkException e) {
            throw failure("read", location, e);
        }
    }

    @Override
    public boolean exists(URI location) throws IOException {
        Address at = address(location, false);
        try {
            client.headObject(request -> request.bucket(at.bucket()).key(at.key()));
            return true;
        } catch (NoSuchKeyException | NoSuchBucketException absent) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw failure("check", location, e);
        } catch (SdkException e) {
            throw failure("check", location, e);
        }
    }

    @Override
    public boolean delete(URI location) throws IOException {
        Address at = address(location, false);
        // S3 deletes answer 204 whether or not there was an object: ask first.
        if (!exists(location)) {
            return false;
        }
        try {
            client.deleteObject(request -> request.bucket(at.bucket()).key(at.key()));
            return true;
        } catch (SdkException e) {
            throw failure("delete", location, e);
        }
    }

    @Override
    public List<URI> list(URI prefix) throws IOException {
        Address at = address(prefix, true);
        List<URI> found = new ArrayList<>();
        try {
            // The paginator follows continuation tokens: every page, not the first 1000 keys.
            for (S3Object object : client.listObjectsV2Paginator(request -> request.bucket(at.bucket()).prefix(at.key()))
                    .contents()) {
                found.add(location(at.bucket(), object.key()));
            }
        } catch (NoSuchBucketException noBucket) {
            throw new IOException("cannot list " + prefix + ": the bucket '" + at.bucket() + "' does not exist", noBucket);
        } catch (SdkException e) {
            throw failure("list", prefix, e);
        }
        // S3 lists in UTF-8 byte order; sort as the other backends do, by URI.
        found.sort(null);
        return found;
    }

    private IOException failure(String action, URI location, SdkException e) {
        if (e instanceof AbortedException || Thread.currentThread().isInterrupted()) {
            InterruptedIOException interrupted = new InterruptedIOException("interrupted while trying to " + action + " "
                    + location);
            interrupted.initCause(e);
            return interrupted;
        }
        String cause;
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null) {
            cause = "S3 answered " + service.statusCode() + " " + service.awsErrorDetails().errorCode() + ": "
                    + service.awsErrorDetails().errorMessage();
            if (service.statusCode() == 403) {
                cause += "; check the storage's credentials in its catalog storage section or credentials.yml: the"
                        + " access key and secret key (or the profile, or the environment's AWS_ACCESS_KEY_ID), the"
                        + " role they assume, and that it may do this to this bucket";
            }
        } else {
            cause = e.getMessage() + " (is the storage option endpoint right? it is "
                    + (endpoint == null ? "AWS's endpoint for " + region.id() : endpoint.toString()) + ")";
        }
        return new IOException("cannot " + action + " " + location + ": " + cause, e);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Throwable failure = null;
        for (AutoCloseable part : List.<AutoCloseable>of(client, http)) {
            try {
                part.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        RuntimeException closing = new IllegalStateException("cannot close the S3 storage for " + this);
        if (failure != null) {
            closing.initCause(failure);
        }
        S3StorageProvider.closeQuietly(credentials, closing);
        if (failure != null || closing.getSuppressed().length > 0) {
            throw closing;
        }
    }

    @Override
    public String toString() {
        return "S3Storage[region=" + region.id() + (endpoint == null ? "" : ", endpoint=" + endpoint) + "]";
    }
}
