package io.loomflow.snippets;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.BlockingNotAllowedException;
import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.spi.FlowProvider;
import io.loomflow.spi.NonBlockingThreadDetector;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The examples in the javadoc of {@link FlowProvider} and {@link NonBlockingThreadDetector}, run. */
class SpiSnippets {

    @Test
    void aProviderOffersItsFlows() {
        FlowProvider provider = new MyFlows();
        assertThat(provider.flows()).extracting(Flow::name).containsExactly("report", "hello");
    }

    @Test
    void theDetectedThreadIsRefusedABlockingRunAndMayStartOneAsynchronously() throws Exception {
        Flow<String, String> echo = Flow.named("echo", (String s) -> s);
        CompletableFuture<Engine> built = new CompletableFuture<>();
        CompletableFuture<Exception> refused = new CompletableFuture<>();
        CompletableFuture<String> started = new CompletableFuture<>();
        Thread uiThread = Thread.ofPlatform().name("ui").unstarted(() -> {
            Engine onUi = built.join();
            try {
                onUi.run(echo, "blocking");
                refused.completeExceptionally(new AssertionError("the UI thread was allowed to block"));
            } catch (BlockingNotAllowedException expected) {
                refused.complete(expected);
            }
            onUi.runAsync(echo, "not blocking").whenComplete((value, error) -> started.complete(value));
        });
        // @start region="detector"
        Engine engine = Engine.builder()
                .nonBlockingThreadDetector(NonBlockingThreadDetector.of("the UI thread",
                        () -> Thread.currentThread() == uiThread))
                .build();
        // @end
        try (engine) {
            built.complete(engine);
            uiThread.start();
            assertThat(refused.get(30, TimeUnit.SECONDS)).hasMessageContaining("the UI thread");
            assertThat(started.get(30, TimeUnit.SECONDS)).isEqualTo("not blocking");
            assertThat(uiThread.join(Duration.ofSeconds(30))).isTrue();
        }
    }
}
