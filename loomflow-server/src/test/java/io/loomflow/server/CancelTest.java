package io.loomflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Engine;
import io.loomflow.Event;
import io.loomflow.Flow;
import io.loomflow.Handle;
import io.loomflow.State;
import io.loomflow.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/runs/{id}/cancel} answers 202 at once, while the engine is still stopping the run's
 * tree (issue 14: it answered after 10.2 s), and a later read shows the run Cancelled.
 */
class CancelTest {

    /** The parameters of {@code wide}: how many children. */
    public record Wide(int children) {
    }

    static final Task<Integer, Integer> CHILD = Task.named("child", (Integer i) -> i);

    static final Flow<Wide, Integer> WIDE = Flow.named("wide", Wide.class, wide -> {
        List<Handle<Integer>> children = new ArrayList<>();
        for (int i = 0; i < wide.children(); i++) {
            children.add(CHILD.submit(i));
        }
        return children.stream().mapToInt(Handle::join).sum();
    });

    @Test
    void cancelAnswersAtOnceWhileTheEngineIsStillStoppingTheTree() throws Exception {
        // The children's threads wait to start, so the cancel ends them itself, on its own thread, and
        // tells the listeners there; this listener holds that thread, as a tree of many runs would.
        CountDownLatch childrenMayStart = new CountDownLatch(1);
        CountDownLatch cancelMayGoOn = new CountDownLatch(1);
        CountDownLatch cancelling = new CountDownLatch(1);
        AtomicInteger threads = new AtomicInteger();
        Engine engine = Engine.builder().name("held")
                .threadFactory(body -> Thread.ofVirtual().unstarted(threads.getAndIncrement() == 0 ? body : () -> {
                    awaitQuietly(childrenMayStart);
                    body.run();
                }))
                .listener(event -> {
                    if (event instanceof Event.StateChange change && !change.run().isRoot()
                            && change.state() instanceof State.Cancelled) {
                        cancelling.countDown();
                        awaitQuietly(cancelMayGoOn);
                    }
                })
                .build();
        try (LoomflowServer server = LoomflowServer.builder().flow(WIDE).engine(engine).port(0).build().start()) {
            Http http = new Http(server.uri());
            String id = http.post("/api/flows/wide/runs", "{\"children\":3}").json().path("id").asText();
            org.awaitility.Awaitility.await().until(() -> threads.get() == 4); // the root and its three children

            Http.Response cancel = http.post("/api/runs/" + id + "/cancel", "");
            assertThat(cancel.status()).isEqualTo(202);
            assertThat(cancel.json().path("cancelled").asBoolean()).isTrue();
            assertThat(cancelling.await(10, TimeUnit.SECONDS)).as("the engine is stopping the tree").isTrue();

            cancelMayGoOn.countDown();
            childrenMayStart.countDown();
            assertThat(http.awaitEnd(id).path("state").asText()).isEqualTo("Cancelled");
            assertThat(http.post("/api/runs/" + id + "/cancel", "").status()).isEqualTo(409);
        } finally {
            cancelMayGoOn.countDown();
            childrenMayStart.countDown();
            engine.close();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
