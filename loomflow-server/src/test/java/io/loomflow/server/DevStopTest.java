package io.loomflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.State;
import io.loomflow.store.RunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping a dev server right after a reload, with runs in flight on the generation just replaced
 * and on the one serving, takes one grace period, not one per generation: every generation closes
 * at once. Time bounds here are behaviour (the grace period is the contract), not speed.
 */
class DevStopTest {

    private static final Duration GRACE = Duration.ofSeconds(2);

    @TempDir
    Path directory;

    @Test
    void stoppingRightAfterAReloadTakesOneGracePeriodNotOnePerGeneration() throws Exception {
        Path sources = Files.createDirectories(directory.resolve("flows"));
        Path history = directory.resolve("history");
        save(sources, 1);
        LoomflowServer server = LoomflowServer.builder().dev(sources).port(0).reloadGrace(GRACE)
                .store(RunStore.embedded(history)).build().start();
        Http http = new Http(server.uri());
        UUID onReplaced;
        UUID onServing;
        Duration took;
        try {
            onReplaced = start(http);
            save(sources, 2);
            long deadline = System.nanoTime() + Duration.ofSeconds(50).toNanos();
            while (http.get("/api/dev").json().path("generation").asLong() < 2) {
                assertThat(System.nanoTime()).as("generation 2 within 50 s").isLessThan(deadline);
                Thread.sleep(20);
            }
            onServing = start(http);
            awaitRunning(http, List.of(onReplaced, onServing));
        } finally {
            long stopping = System.nanoTime();
            server.stop();
            took = Duration.ofNanos(System.nanoTime() - stopping);
        }
        assertThat(took).as("stop() with runs outlasting the grace on two generations")
                .isLessThan(GRACE.plusSeconds(1));
        try (RunStore store = RunStore.embedded(history)) {
            for (UUID id : List.of(onReplaced, onServing)) {
                assertThat(store.run(id)).as("run %s", id).hasValueSatisfying(run ->
                        assertThat(run.state()).as("%s", run).isEqualTo(State.Kind.CANCELLED));
            }
        }
    }

    private static UUID start(Http http) {
        Http.Response started = http.post("/api/flows/nap/runs", "{\"millis\":60000}");
        assertThat(started.status()).as(started.text()).isEqualTo(202);
        return UUID.fromString(started.json().path("id").asText());
    }

    private static void awaitRunning(Http http, List<UUID> ids) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (UUID id : ids) {
            while (!http.get("/api/runs/" + id).json().path("state").asText().equals("Running")) {
                assertThat(System.nanoTime()).as("run %s running within 30 s", id).isLessThan(deadline);
                Thread.sleep(20);
            }
        }
    }

    private void save(Path sources, int version) throws Exception {
        Path saving = directory.resolve("Nap.java.saving");
        Files.writeString(saving, """
                import io.loomflow.Flow;

                public final class Nap {
                    static final String VERSION = "v%d";

                    public record Length(long millis) {
                    }

                    public static final Flow<Length, String> NAP = Flow.named("nap", Length.class, (Length length) -> {
                        Thread.sleep(length.millis());
                        return VERSION;
                    });
                }
                """.formatted(version));
        Files.move(saving, sources.resolve("Nap.java"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }
}
