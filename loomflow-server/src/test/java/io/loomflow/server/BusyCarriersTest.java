package io.loomflow.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.loomflow.Flow;
import io.loomflow.Task;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The API answers while runs keep every carrier thread of the virtual-thread scheduler busy, as a run
 * of many tasks does: a request never waits for a carrier (issue 14: the health check took 1.7 s).
 * Here the tasks spin without blocking, so no request handled on a virtual thread would ever run.
 */
class BusyCarriersTest {

    /** The parameters of {@code spin}: how many tasks. */
    public record Spin(int tasks) {
    }

    static final CountDownLatch GATE = new CountDownLatch(1);
    static final AtomicInteger SPINNING = new AtomicInteger();
    static volatile boolean released;

    /** Spins until released or cancelled, never blocking, so it keeps its carrier. */
    static final Task<Integer, Integer> SPINNER = Task.named("spinner", (Integer i) -> {
        SPINNING.incrementAndGet();
        while (!released && !Thread.currentThread().isInterrupted()) {
            Thread.onSpinWait();
        }
        return i;
    });

    static final Flow<Spin, Integer> SPIN = Flow.named("spin", Spin.class, spin -> {
        GATE.await();
        return SPINNER.map(IntStream.range(0, spin.tasks()).boxed().toList()).join().size();
    });

    @Test
    void theApiAnswersWhileRunsKeepEveryCarrierThreadBusy() {
        int carriers = Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
                Runtime.getRuntime().availableProcessors());
        try (LoomflowServer server = LoomflowServer.builder().flow(SPIN).port(0).build().start()) {
            Http http = new Http(server.uri());
            String id = http.post("/api/flows/spin/runs", "{\"tasks\":" + 2 * carriers + "}").json().path("id").asText();
            try {
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> http.get("/api/runs/" + id).json().path("state").asText().equals("Running"));
                GATE.countDown();
                await().atMost(Duration.ofSeconds(20)).until(() -> SPINNING.get() >= carriers);

                // every carrier spins now: each of these answers only if it does not need one
                assertThat(http.get("/api/health").status()).isEqualTo(200);
                assertThat(http.get("/api/runs/" + id).json().path("state").asText()).isEqualTo("Running");
                assertThat(http.post("/api/runs/" + id + "/cancel", "").status()).isEqualTo(202);

                // the cancel interrupts the spinning tasks, which give their carriers back
                assertThat(http.awaitEnd(id).path("state").asText()).isEqualTo("Cancelled");
            } finally {
                released = true; // before the server stops, which needs carriers
                GATE.countDown();
            }
        }
    }
}
