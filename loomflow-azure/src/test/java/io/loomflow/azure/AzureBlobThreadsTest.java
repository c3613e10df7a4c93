package io.loomflow.azure;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.data.Storages;
import io.loomflow.data.spi.Storage;
import io.loomflow.data.spi.StorageOptions;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * No thread of the SDK or its HTTP client outlives {@link Storage#close()}. The platform threads
 * the Azure SDK and its HTTP clients are known to start are named: the JDK HttpClient's
 * {@code HttpClient-<n>-SelectorManager} and {@code HttpClient-<n>-Worker-<m>}, the SDK's global
 * pool {@code azure-sdk-global-thread-pool-<n>}, Reactor's schedulers ({@code parallel-},
 * {@code boundedElastic-}, {@code single-}) and reactor-netty's {@code reactor-http-*} loops.
 * Threads that JUnit starts itself (its timeout threads) are left out of the comparison.
 */
@ExtendWith(Azurite.class)
class AzureBlobThreadsTest {

    private static final Pattern SDK_THREADS = Pattern.compile(
            "HttpClient-\\d+-.*|azure-.*|reactor-.*|parallel-\\d+|boundedElastic-.*|single-\\d+|.*[Nn]etty.*");

    private final AzuriteServer azurite;

    AzureBlobThreadsTest(AzuriteServer azurite) {
        this.azurite = azurite;
    }

    @Test
    void noThreadOfTheSdkOrItsHttpClientOutlivesClose() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        Storage storage = Storages.provider("az").open(new StorageOptions("az", Map.of(
                AzureBlob.CONNECTION_STRING, azurite.connectionString(), AzureBlob.CREATE_CONTAINERS, "true")));
        Set<String> whileOpen;
        try {
            URI location = URI.create("az://threads/some/object.bin");
            storage.write(location, new byte[256 * 1024]);
            assertThat(storage.read(location)).hasSize(256 * 1024);
            assertThat(storage.exists(location)).isTrue();
            assertThat(storage.list(URI.create("az://threads/some/"))).containsExactly(location);
            assertThat(storage.delete(location)).isTrue();
            whileOpen = started(before);
        } finally {
            storage.close();
        }
        // The check can see what it looks for: the HTTP client's selector thread ran while open.
        assertThat(whileOpen).anyMatch(name -> name.matches("HttpClient-\\d+-SelectorManager"));
        Set<String> after = started(before);
        assertThat(after).as("SDK and HTTP threads still alive after close(); all threads started since open: %s", after)
                .noneMatch(name -> SDK_THREADS.matcher(name).matches());
        assertThat(after).as("threads started since open and still alive, other than JUnit's")
                .allMatch(name -> name.startsWith("junit-"));
    }

    /** The names of the live platform threads that were not alive in {@code before}. */
    private static Set<String> started(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> !before.contains(thread) && thread.isAlive())
                .map(Thread::getName).collect(Collectors.toSet());
    }
}
