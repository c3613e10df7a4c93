package io.loomflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dev mode tells of a new generation, to the reload listener and in {@code GET /api/dev}, only once
 * it serves: whoever hears of it and asks the server finds its flows.
 */
class DevReloadReportTest {

    @TempDir
    Path directory;

    @Test
    void whoeverHearsOfANewGenerationFindsItServing() throws Exception {
        Path sources = Files.createDirectories(directory.resolve("flows"));
        save(sources, 1);
        AtomicReference<URI> address = new AtomicReference<>();
        CompletableFuture<JsonNode> heard = new CompletableFuture<>();
        LoomflowServer server = LoomflowServer.builder().dev(sources).port(0).onReload(reload -> {
            if (reload.swapped() && reload.generation() == 2) {
                try {
                    heard.complete(new Http(address.get()).get("/api/dev").json());
                } catch (RuntimeException | AssertionError failed) {
                    heard.completeExceptionally(failed);
                }
            }
        }).build().start();
        try {
            address.set(server.uri());
            save(sources, 2);
            JsonNode dev = heard.get(50, TimeUnit.SECONDS);
            assertThat(dev.path("generation").asLong()).as("%s", dev).isEqualTo(2);
            assertThat(dev.path("flows").findValuesAsText("name")).as("%s", dev).containsExactly("greet-2");
        } finally {
            server.stop();
        }
    }

    private void save(Path sources, int version) throws Exception {
        Path saving = directory.resolve("Greet.java.saving");
        Files.writeString(saving, """
                import io.loomflow.Flow;

                public final class Greet {
                    public static final Flow<String, String> GREET = Flow.named("greet-%d", (String name) -> "Hello, " + name);
                }
                """.formatted(version));
        Files.move(saving, sources.resolve("Greet.java"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }
}
