package io.loomflow.benchmarks;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An S3-compatible endpoint of a few lines on 127.0.0.1 (the JDK's HTTP server) that answers every
 * request after a fixed latency L, as a distant S3 would: GetObject and ListObjectsV2 (one page)
 * of one bucket whose objects are {@linkplain #put put} in memory beforehand. It lets the {@code s3:} storage, its AWS SDK and its HTTP
 * connection pool be measured where latency dominates; only for {@link PartitionedLoadHarness}. It
 * counts the most requests it held at once.
 */
final class SlowS3Endpoint implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final String bucket;
    private final Duration latency;
    private final ConcurrentSkipListMap<String, byte[]> objects = new ConcurrentSkipListMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger mostInFlight = new AtomicInteger();

    SlowS3Endpoint(String bucket, Duration latency) throws IOException {
        this.bucket = bucket;
        this.latency = latency;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The options of an {@code s3:} storage against this endpoint, plus {@code extra} ones. */
    Map<String, String> options(Map<String, String> extra) {
        Map<String, String> options = new HashMap<>(Map.of("region", "us-east-1", "endpoint",
                "http://127.0.0.1:" + server.getAddress().getPort(), "pathStyle", "true", "accessKey", "bench",
                "secretKey", "bench"));
        options.putAll(extra);
        return options;
    }

    /** Puts an object, at once (no request, no latency). */
    void put(String key, byte[] content) {
        objects.put(key, content);
    }

    /** The most requests held at once since the last call, and starts counting again. */
    int takeMostInFlight() {
        return mostInFlight.getAndSet(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                Thread.sleep(latency);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("stopped");
            } finally {
                inFlight.decrementAndGet();
            }
            String path = URLDecoder.decode(exchange.getRequestURI().getRawPath(), StandardCharsets.UTF_8);
            String key = path.startsWith("/" + bucket + "/") ? path.substring(bucket.length() + 2) : "";
            switch (exchange.getRequestMethod()) {
                case "GET" -> {
                    if (key.isEmpty()) {
                        answer(exchange, 200, list(query(exchange, "prefix")));
                    } else {
                        byte[] content = objects.get(key);
                        answer(exchange, content == null ? 404 : 200, content == null ? ("<Error><Code>NoSuchKey</Code>"
                                + "<Message>no such key</Message></Error>").getBytes(StandardCharsets.UTF_8) : content);
                    }
                }
                default -> answer(exchange, 405, new byte[0]);
            }
        }
    }

    private static String query(HttpExchange exchange, String name) {
        String query = exchange.getRequestURI().getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith(name + "=")) {
                    return URLDecoder.decode(pair.substring(name.length() + 1), StandardCharsets.UTF_8);
                }
            }
        }
        return "";
    }

    /** Every key under the prefix in one page. */
    private byte[] list(String prefix) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult"
                + " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>" + bucket + "</Name><Prefix>" + prefix
                + "</Prefix>");
        int count = 0;
        StringBuilder contents = new StringBuilder();
        for (Map.Entry<String, byte[]> object : objects.tailMap(prefix).entrySet()) {
            if (!object.getKey().startsWith(prefix)) {
                break;
            }
            count++;
            contents.append("<Contents><Key>").append(object.getKey()).append("</Key><Size>")
                    .append(object.getValue().length).append("</Size><StorageClass>STANDARD</StorageClass></Contents>");
        }
        xml.append("<KeyCount>").append(count).append("</KeyCount><MaxKeys>").append(Math.max(count, 1000))
                .append("</MaxKeys><IsTruncated>false</IsTruncated>").append(contents).append("</ListBucketResult>");
        return xml.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void answer(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/xml");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }
}
