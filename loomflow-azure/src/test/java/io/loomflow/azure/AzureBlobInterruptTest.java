package io.loomflow.azure;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.data.Storages;
import io.loomflow.data.spi.Storage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Hooks;

/**
 * A thread blocked in a storage call can be interrupted (a run cancelled, an engine closing after
 * its grace period): the call ends at once, and the request it cancels is not reported as an error
 * nobody handled (Reactor's "Operator called default onErrorDropped", logged at ERROR with a stack
 * trace). The server here accepts the request and never answers, so the call is surely under way.
 */
class AzureBlobInterruptTest {

    /**
     * Closing while a request is under way (a cancelled run's read that the server never answers, as
     * when dev mode retires a generation) returns within the close wait, having aborted the request:
     * the JDK client's close alone waits for it for ever (seen as a dev server's retiring generation
     * that never finished closing).
     */
    @Test
    void closeReturnsWithinItsWaitWhileARequestIsStillUnderWay() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Storage storage = Storages.provider("az").open(AzureBlob.withConnectionString(
                    "DefaultEndpointsProtocol=http;AccountName=" + AzuriteServer.ACCOUNT + ";AccountKey=" + AzuriteServer.KEY
                            + ";BlobEndpoint=http://127.0.0.1:" + silent.getLocalPort() + "/" + AzuriteServer.ACCOUNT + ";"));
            CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return silent.accept();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            CompletableFuture<Throwable> failure = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    storage.read(URI.create("az://silent/object.bin"));
                    failure.complete(null);
                } catch (Throwable e) {
                    failure.complete(e);
                }
            });
            try (Socket connection = accepted.get(30, TimeUnit.SECONDS)) {
                CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> {
                    try {
                        storage.close();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, runnable -> Thread.ofVirtual().start(runnable));

                closed.get(30, TimeUnit.SECONDS); // the close wait is 5 s; it waits at most twice
                // The read itself ends later, when the SDK's own response timeout gives up on it.
            }
        }
    }

    @Test
    void aReadInterruptedMidRequestEndsAndLeavesNoDroppedError() throws Exception {
        List<Throwable> dropped = new CopyOnWriteArrayList<>();
        Hooks.onErrorDropped(dropped::add); // where Reactor sends an error that nobody handles; reset below
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             Storage storage = Storages.provider("az").open(AzureBlob.withConnectionString(
                     "DefaultEndpointsProtocol=http;AccountName=" + AzuriteServer.ACCOUNT + ";AccountKey=" + AzuriteServer.KEY
                             + ";BlobEndpoint=http://127.0.0.1:" + silent.getLocalPort() + "/" + AzuriteServer.ACCOUNT + ";"))) {
            CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return silent.accept();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            CompletableFuture<Throwable> failure = new CompletableFuture<>();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    storage.read(URI.create("az://silent/object.bin"));
                    failure.complete(null);
                } catch (Throwable e) {
                    failure.complete(e);
                }
            });
            Socket connection = accepted.get(30, TimeUnit.SECONDS);
            try {
                // The request has reached the socket once its first byte is there (with a deadline).
                connection.setSoTimeout(30_000);
                assertThat(connection.getInputStream().read()).as("the request's first byte").isNotNegative();
                reader.interrupt();
                Throwable thrown = failure.get(10, TimeUnit.SECONDS);
                assertThat(thrown).as("the interrupted read failed").isNotNull();
                assertThat(reader.join(java.time.Duration.ofSeconds(10))).isTrue();
            } finally {
                connection.close();
            }
        } finally {
            Hooks.resetOnErrorDropped();
        }
        assertThat(dropped).as("errors Reactor had nobody to hand to").isEmpty();
    }
}
