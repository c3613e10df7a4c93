package io.loomflow.azure.internal;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.options.BlockBlobStageBlockOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import io.loomflow.azure.AzureBlob;
import io.loomflow.data.spi.NoSuchObjectException;
import io.loomflow.data.spi.PartedWrite;
import io.loomflow.data.spi.StagedWrite;
import io.loomflow.data.spi.Storage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.InetAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.UUID;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * Objects as blobs in Azure Blob Storage: {@code az://<container>/<blob path>}.
 *
 * <p>Uses the SDK's synchronous clients (calls run on the caller's virtual thread) over the JDK's
 * {@link HttpClient}, which this storage builds, owns and closes: its one selector thread and the
 * virtual threads of its executor end in {@link #close()}. (The SDK's default HTTP client,
 * reactor-netty, keeps global event-loop threads alive after its clients are dropped; the SDK's
 * JDK client, left to itself, runs on the SDK's global thread pool.) A call whose thread is
 * interrupted ends at once and cancels its request, without Reactor logging the cancelled request
 * as an unhandled error (see {@link CancellationTolerantHttpClient}).
 *
 * <p>A write is one Put Blob request, which Blob Storage applies atomically: readers see the old
 * blob or the new one, never a part. A byte array (at most 2 GiB) is always below the 5,000 MiB
 * limit of one Put Blob, so no staged blocks are used. A streamed write ({@link #openWrite}) stages
 * blocks of {@value #BLOCK_SIZE} bytes (Put Block), which no reader sees, and commits their list
 * (Put Block List) on commit, which replaces the blob atomically; an aborted write commits
 * nothing, and Blob Storage discards uncommitted blocks (after a week, or at the blob's next
 * commit). A streamed write that ends below one block is one Put Blob. Each upload and block
 * carries its MD5, which the service checks. A streamed read ({@link #openRead}) reads in ranges
 * and fails rather than mix two versions if the blob is replaced meanwhile (the SDK checks its
 * ETag). Thread-safe.
 */
final class AzureBlobStorage implements Storage {

    // Container names: 3 to 63 lower-case letters, digits and single hyphens, starting and ending
    // with a letter or digit (Blob Storage's rule).
    private static final Pattern CONTAINER = Pattern.compile("[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]");

    /** The size of a staged block, and what a streamed write holds in memory. */
    static final int BLOCK_SIZE = 4 * 1024 * 1024;

    private final BlobServiceClient service;
    /** How long {@link #close()} waits for requests under way before it aborts them, and then again for the client to stop. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final HttpClient http;
    private final ExecutorService httpExecutor;
    private final boolean createContainers;

    private AzureBlobStorage(BlobServiceClient service, HttpClient http, ExecutorService httpExecutor,
            boolean createContainers) {
        this.service = service;
        this.http = http;
        this.httpExecutor = httpExecutor;
        this.createContainers = createContainers;
    }

    /**
     * Builds the clients: {@code builder} has the endpoint and credentials; this adds the HTTP
     * client, which the storage owns.
     */
    static AzureBlobStorage open(BlobServiceClientBuilder builder, boolean createContainers) {
        return open(builder, createContainers, http -> { });
    }

    /**
     * Builds the clients, as {@link #open(BlobServiceClientBuilder, boolean)}; {@code beforeBuild}
     * gets the storage's HTTP client first (a token credential signs in through it, so that it
     * starts no threads of its own).
     */
    static AzureBlobStorage open(BlobServiceClientBuilder builder, boolean createContainers,
                                 java.util.function.Consumer<com.azure.core.http.HttpClient> beforeBuild) {
        ExecutorService executor = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("loomflow-azure-http-", 0).factory());
        OwnedHttpClientBuilder jdk = new OwnedHttpClientBuilder(HttpClient.newBuilder());
        try {
            // The executor must be given to the SDK's builder too: without it, the SDK sets its own
            // global thread pool as the JDK client's executor.
            var httpClient = new JdkHttpClientBuilder(jdk).executor(executor).connectionTimeout(Duration.ofSeconds(10)).build();
            beforeBuild.accept(httpClient);
            BlobServiceClient service = builder.httpClient(new CancellationTolerantHttpClient(httpClient)).buildClient();
            return new AzureBlobStorage(service, jdk.built(), executor, createContainers);
        } catch (RuntimeException | Error failure) {
            if (jdk.built != null) {
                jdk.built.close();
            }
            executor.close();
            throw failure;
        }
    }

    /** A container and a blob name, parsed from a location. */
    private record Place(String container, String blob) {
    }

    private Place place(URI location, boolean objectRequired) {
        boolean adlfs = location.getScheme() != null && AzureBlob.ADLFS_SCHEMES.contains(location.getScheme().toLowerCase(
                java.util.Locale.ROOT));
        if (!(adlfs || AzureBlob.SCHEME.equalsIgnoreCase(location.getScheme())) || location.isOpaque()) {
            throw new IllegalArgumentException("location " + location + " is not an az: URI; write it as az://container/path");
        }
        String container = location.getAuthority();
        if (adlfs && location.getUserInfo() != null) {
            // abfs://container@account.dfs.core.windows.net/path, as adlfs writes it
            container = location.getUserInfo();
            String host = location.getHost() == null ? "" : location.getHost();
            String account = host.contains(".") ? host.substring(0, host.indexOf('.')) : host;
            if (!account.equalsIgnoreCase(service.getAccountName())) {
                throw new IllegalArgumentException("location " + location + " is in the account '" + account + "', but"
                        + " the storage " + location.getScheme() + ": is opened for the account '"
                        + service.getAccountName() + "'; set its option accountName (or connectionString) to that"
                        + " account's, or write the location as " + location.getScheme() + "://" + container + "/path");
            }
        }
        if (container == null || !CONTAINER.matcher(container).matches()) {
            throw new IllegalArgumentException("location " + location + " names no valid container ('" + container
                    + "'); a container name has 3 to 63 lower-case letters, digits and single hyphens: az://container/path");
        }
        String path = location.getPath() == null ? "" : location.getPath();
        String blob = path.startsWith("/") ? path.substring(1) : path;
        if (objectRequired && blob.isEmpty()) {
            throw new IllegalArgumentException("location " + location + " names a container but no blob; write it as"
                    + " az://" + container + "/path");
        }
        return new Place(container, blob);
    }

    /** The scheme and authority of the locations that {@link #list} returns for {@code prefix}. */
    private static String root(URI prefix) {
        return prefix.getScheme() + "://" + prefix.getRawAuthority();
    }

    private BlobClient blob(Place place) {
        return service.getBlobContainerClient(place.container()).getBlobClient(place.blob());
    }

    @Override
    public byte[] read(URI location) throws IOException {
        Place place = place(location, true);
        try {
            return blob(place).downloadContent().toBytes();
        } catch (BlobStorageException e) {
            throw readFailure(location, e);
        } catch (RuntimeException e) {
            throw failure("read", location, e);
        }
    }

    @Override
    public void write(URI location, byte[] content) throws IOException {
        Place place = place(location, true);
        BlockBlobSimpleUploadOptions upload = new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(content))
                .setContentMd5(md5(content, 0, content.length));
        inContainer(location, place, () -> blob(place).getBlockBlobClient().uploadWithResponse(upload, null, Context.NONE));
    }

    /**
     * Runs a write request; if its container is missing, creates it and runs it again when the
     * option allows, else says so.
     */
    private void inContainer(URI location, Place place, Runnable request) throws IOException {
        try {
            try {
                request.run();
            } catch (BlobStorageException e) {
                if (!BlobErrorCode.CONTAINER_NOT_FOUND.equals(e.getErrorCode())) {
                    throw e;
                }
                if (!createContainers) {
                    throw new IOException("cannot write " + location + ": the container '" + place.container()
                            + "' does not exist; create it, or set the storage option " + AzureBlob.CREATE_CONTAINERS
                            + ": true", e);
                }
                service.getBlobContainerClient(place.container()).createIfNotExists();
                request.run();
            }
        } catch (RuntimeException e) {
            throw failure("write", location, e);
        }
    }

    @Override
    public InputStream openRead(URI location) throws IOException {
        Place place = place(location, true);
        try {
            return blob(place).openInputStream(); // ranged reads, each checked against the blob's first ETag
        } catch (BlobStorageException e) {
            throw readFailure(location, e);
        } catch (RuntimeException e) {
            throw failure("read", location, e);
        }
    }

    @Override
    public byte[] readRange(URI location, long offset, int length) throws IOException {
        Storage.checkRange(offset, length);
        Place place = place(location, true);
        try {
            if (length == 0) {
                if (!blob(place).exists()) {
                    throw new NoSuchObjectException(location);
                }
                return new byte[0];
            }
            ByteArrayOutputStream range = new ByteArrayOutputStream(length);
            blob(place).downloadStreamWithResponse(range, new BlobRange(offset, (long) length), null, null, false, null,
                    Context.NONE);
            return range.toByteArray();
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 416) {
                return new byte[0]; // the blob ends at or before the offset
            }
            throw readFailure(location, e);
        } catch (RuntimeException e) {
            throw failure("read", location, e);
        }
    }

    @Override
    public long size(URI location) throws IOException {
        Place place = place(location, true);
        try {
            return blob(place).getProperties().getBlobSize();
        } catch (BlobStorageException e) {
            throw readFailure(location, e);
        } catch (RuntimeException e) {
            throw failure("read", location, e);
        }
    }

    @Override
    public StagedWrite openWrite(URI location) {
        Place place = place(location, true);
        BlockBlobClient target = blob(place).getBlockBlobClient();
        // Block ids must all have one length in a blob; a random part keeps writers apart.
        String writer = UUID.randomUUID().toString();
        return new PartedWrite(location, BLOCK_SIZE) {
            private final List<String> staged = new ArrayList<>();

            @Override
            protected void sendPart(int number, byte[] bytes) throws IOException {
                String id = Base64.getEncoder().encodeToString(String.format("%s-%08d", writer, number)
                        .getBytes(StandardCharsets.US_ASCII));
                BlockBlobStageBlockOptions put = new BlockBlobStageBlockOptions(id, BinaryData.fromBytes(bytes))
                        .setContentMd5(md5(bytes, 0, bytes.length));
                inContainer(location(), place, () -> target.stageBlockWithResponse(put, null, Context.NONE));
                staged.add(id);
            }

            @Override
            protected void putWhole(byte[] content) throws IOException {
                AzureBlobStorage.this.write(location(), content); // one Put Blob
            }

            @Override
            protected void publishParts() throws IOException {
                try {
                    target.commitBlockListWithResponse(new BlockBlobCommitBlockListOptions(staged), null, Context.NONE);
                } catch (RuntimeException e) {
                    throw failure("write", location(), e);
                }
            }

            @Override
            protected void abortParts() {
                // Nothing was committed, so nothing is visible; Blob Storage drops uncommitted blocks.
                staged.clear();
            }
        };
    }

    private static IOException readFailure(URI location, BlobStorageException e) {
        if (e.getStatusCode() == 404) {
            NoSuchObjectException missing = new NoSuchObjectException(location);
            missing.initCause(e);
            return missing;
        }
        return failure("read", location, e);
    }

    @Override
    public boolean exists(URI location) throws IOException {
        Place place = place(location, true);
        try {
            return blob(place).exists();
        } catch (RuntimeException e) {
            throw failure("check", location, e);
        }
    }

    @Override
    public boolean delete(URI location) throws IOException {
        Place place = place(location, true);
        try {
            return blob(place).deleteIfExists();
        } catch (BlobStorageException e) {
            if (BlobErrorCode.CONTAINER_NOT_FOUND.equals(e.getErrorCode())) {
                return false;
            }
            throw failure("delete", location, e);
        } catch (RuntimeException e) {
            throw failure("delete", location, e);
        }
    }

    @Override
    public List<URI> list(URI prefix) throws IOException {
        Place place = place(prefix, false);
        BlobContainerClient container = service.getBlobContainerClient(place.container());
        ListBlobsOptions options = new ListBlobsOptions();
        if (!place.blob().isEmpty()) {
            options.setPrefix(place.blob());
        }
        List<String> names = new ArrayList<>();
        try {
            for (BlobItem item : container.listBlobs(options, null)) {
                names.add(item.getName());
            }
        } catch (BlobStorageException e) {
            if (BlobErrorCode.CONTAINER_NOT_FOUND.equals(e.getErrorCode())) {
                return List.of();
            }
            throw failure("list", prefix, e);
        } catch (RuntimeException e) {
            throw failure("list", prefix, e);
        }
        names.sort(Comparator.naturalOrder());
        List<URI> found = new ArrayList<>(names.size());
        for (String name : names) {
            found.add(location(root(prefix), name));
        }
        return found;
    }

    /** The location of a blob, in ASCII: characters outside it are percent-encoded as UTF-8. */
    private static URI location(String root, String blob) {
        try {
            return URI.create(root + new URI(null, null, "/" + blob, null).toASCIIString());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("blob name " + blob + " under " + root + " makes no URI", e);
        }
    }

    /** An SDK failure as an IOException that names the location and the cause; the SDK's exception is kept. */
    private static IOException failure(String action, URI location, RuntimeException e) {
        if (e instanceof BlobStorageException storage) {
            String hint = storage.getStatusCode() == 403
                    ? "; check the storage's credentials in its catalog storage section or credentials.yml: the"
                    + " account key or connection string (copied whole, for this account), the SAS token (not expired,"
                    + " with the permissions this needs, for this account), or the identity's role on the account"
                    : "";
            return new IOException("cannot " + action + " " + location + ": Blob Storage answered HTTP "
                    + storage.getStatusCode() + " " + storage.getErrorCode() + hint, e);
        }
        Throwable cause = e instanceof UncheckedIOException unchecked ? unchecked.getCause() : e;
        return new IOException("cannot " + action + " " + location + ": " + cause, e);
    }

    private static byte[] md5(byte[] content, int offset, int length) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(content, offset, length);
            return md5.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
    }

    /**
     * Closes the HTTP client and then its executor, so no thread of this storage outlives the call:
     * requests under way get {@link #CLOSE_WAIT} to end, then are aborted. The JDK client's own
     * {@code close()} waits for them with no limit, and a request whose caller was cancelled, and
     * whose server never answers, would keep it (and a dev server retiring a generation) waiting
     * for ever.
     */
    @Override
    public void close() {
        boolean interrupted = false;
        try {
            http.shutdown();
            try {
                if (!http.awaitTermination(CLOSE_WAIT)) {
                    http.shutdownNow();
                    http.awaitTermination(CLOSE_WAIT);
                }
            } catch (InterruptedException stop) {
                interrupted = true;
                http.shutdownNow();
            }
        } finally {
            httpExecutor.shutdown();
            try {
                if (!httpExecutor.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    httpExecutor.shutdownNow();
                }
            } catch (InterruptedException stop) {
                interrupted = true;
                httpExecutor.shutdownNow();
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "AzureBlobStorage[" + service.getAccountUrl() + "]";
    }

    /**
     * The JDK's HttpClient.Builder, remembering the client it builds: the SDK's builder takes a
     * builder, not a client, and keeps the client to itself, yet only its owner can close it.
     */
    private static final class OwnedHttpClientBuilder implements HttpClient.Builder {

        private final HttpClient.Builder delegate;
        private HttpClient built;

        OwnedHttpClientBuilder(HttpClient.Builder delegate) {
            this.delegate = delegate;
        }

        HttpClient built() {
            if (built == null) {
                throw new IllegalStateException("the Azure SDK built no JDK HttpClient");
            }
            return built;
        }

        @Override
        public HttpClient build() {
            if (built != null) {
                throw new IllegalStateException("the Azure SDK built a second JDK HttpClient, which nothing would close");
            }
            built = delegate.build();
            return built;
        }

        @Override
        public HttpClient.Builder cookieHandler(CookieHandler cookieHandler) {
            delegate.cookieHandler(cookieHandler);
            return this;
        }

        @Override
        public HttpClient.Builder connectTimeout(Duration duration) {
            delegate.connectTimeout(duration);
            return this;
        }

        @Override
        public HttpClient.Builder sslContext(SSLContext sslContext) {
            delegate.sslContext(sslContext);
            return this;
        }

        @Override
        public HttpClient.Builder sslParameters(SSLParameters sslParameters) {
            delegate.sslParameters(sslParameters);
            return this;
        }

        @Override
        public HttpClient.Builder executor(Executor executor) {
            delegate.executor(executor);
            return this;
        }

        @Override
        public HttpClient.Builder followRedirects(HttpClient.Redirect policy) {
            delegate.followRedirects(policy);
            return this;
        }

        @Override
        public HttpClient.Builder version(HttpClient.Version version) {
            delegate.version(version);
            return this;
        }

        @Override
        public HttpClient.Builder priority(int priority) {
            delegate.priority(priority);
            return this;
        }

        @Override
        public HttpClient.Builder proxy(ProxySelector proxySelector) {
            delegate.proxy(proxySelector);
            return this;
        }

        @Override
        public HttpClient.Builder authenticator(Authenticator authenticator) {
            delegate.authenticator(authenticator);
            return this;
        }

        @Override
        public HttpClient.Builder localAddress(InetAddress localAddress) {
            delegate.localAddress(localAddress);
            return this;
        }
    }
}
