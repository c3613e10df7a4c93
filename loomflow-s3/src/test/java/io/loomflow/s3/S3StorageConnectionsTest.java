package io.loomflow.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.loomflow.data.Pipeline;
import io.loomflow.data.Storages;
import io.loomflow.data.spi.Storage;
import io.loomflow.data.spi.StorageOptions;
import io.loomflow.data.spi.StorageProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * How many requests an {@code s3:} storage has in flight at once: as many as its callers make, up
 * to its HTTP connection pool's size, which must not be below the engine's {@code dataset-io}
 * limit, or a pipeline's loads wait for a connection while holding their permits. An endpoint of a
 * few lines (the JDK's HTTP server) holds every request until as many as expected have arrived
 * together, or a deadline passes.
 */
class S3StorageConnectionsTest {

    private final StorageProvider provider = Storages.provider("s3");

    @Test
    void byDefaultAsManyReadsAsTheEnginesDefaultIoLimitAreInFlightTogether() throws Exception {
        assertInFlightTogether(Map.of(), Pipeline.DEFAULT_IO_PERMITS);
    }

    @Test
    void maxConnectionsLetsMoreReadsThanTheDefaultBeInFlightTogether() throws Exception {
        assertInFlightTogether(Map.of("maxConnections", "300"), 300);
    }

    @Test
    void maxConnectionsMustBeAWholeNumberAboveZero() {
        for (String bad : List.of("0", "-4", "many", "1.5")) {
            assertThatThrownBy(() -> provider.open(new StorageOptions("s3", Map.of("region", "eu-west-1",
                    "accessKey", "a", "secretKey", "b", "maxConnections", bad))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("storage 's3:' option 'maxConnections' must be a whole number above 0, not '" + bad
                            + "'; leave it out for 256");
        }
    }

    /** Starts {@code readers} reads at once and checks that all of them reach the endpoint together. */
    private void assertInFlightTogether(Map<String, String> extra, int readers) throws Exception {
        try (HoldingEndpoint endpoint = new HoldingEndpoint(readers)) {
            Map<String, String> options = new HashMap<>(Map.of("region", "us-east-1", "endpoint", endpoint.endpoint(),
                    "pathStyle", "true", "accessKey", "a", "secretKey", "b"));
            options.putAll(extra);
            try (Storage storage = provider.open(new StorageOptions("s3", options))) {
                List<Thread> threads = new ArrayList<>();
                AtomicInteger read = new AtomicInteger();
                for (int i = 0; i < readers; i++) {
                    URI location = URI.create("s3://bucket/object-" + i);
                    threads.add(Thread.ofVirtual().start(() -> {
                        try {
                            if (new String(storage.read(location), StandardCharsets.UTF_8).equals("held")) {
                                read.incrementAndGet();
                            }
                        } catch (IOException failed) {
                            throw new IllegalStateException(failed);
                        }
                    }));
                }
                boolean together = endpoint.allArrived();
                endpoint.release();
                for (Thread thread : threads) {
                    thread.join();
                }
                assertThat(together).as("all %d reads in flight at once (%d reached the endpoint together)", readers,
                        endpoint.mostInFlight()).isTrue();
                assertThat(read).hasValue(readers);
            }
        }
    }

    /** Answers every GET with {@code held}, but only once {@link #release()} is called. */
    private static final class HoldingEndpoint implements AutoCloseable {
        private final HttpServer server;
        private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        private final CountDownLatch arrived;
        private final CountDownLatch released = new CountDownLatch(1);
        private final AtomicInteger inFlight = new AtomicInteger();
        private final AtomicInteger mostInFlight = new AtomicInteger();

        HoldingEndpoint(int expected) throws IOException {
            arrived = new CountDownLatch(expected);
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
            server.setExecutor(executor);
            server.createContext("/", this::handle);
            server.start();
        }

        String endpoint() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        /** Waits until the expected number of requests are held together; false after 20 s. */
        boolean allArrived() throws InterruptedException {
            return arrived.await(20, TimeUnit.SECONDS);
        }

        void release() {
            released.countDown();
        }

        int mostInFlight() {
            return mostInFlight.get();
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                arrived.countDown();
                try {
                    released.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                inFlight.decrementAndGet();
                byte[] body = "held".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }

        @Override
        public void close() {
            released.countDown();
            server.stop(0);
            executor.close();
        }
    }
}
