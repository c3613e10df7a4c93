package io.loomflow.store;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.ItemHistory;
import io.loomflow.State;
import io.loomflow.Task;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;

/**
 * Run by {@link CrashRecoveryTest} in a child JVM that the test kills with SIGKILL: a flow maps a
 * task over 10 items, keeping {@linkplain ItemHistory#FAILURES failures only}; items 0 to 3 complete,
 * the 6 others hang Running. Once the store counts the 4 completed and the 6 running, it prints
 * {@code ready} and waits.
 */
public final class CrashingMapProgram {

    private CrashingMapProgram() {
    }

    /**
     * Runs the program.
     *
     * @param args the store's directory
     * @throws Exception never, in practice
     */
    public static void main(String[] args) throws Exception {
        RunStore store = RunStore.embedded(Path.of(args[0]));
        RunRecorder recorder = RunRecorder.to(store);
        Engine engine = Engine.builder().listener(recorder).build();
        CountDownLatch hanging = new CountDownLatch(6);
        Task<Integer, Integer> item = Task.named("item", (Integer i) -> {
            if (i >= 4) {
                hanging.countDown();
                new CountDownLatch(1).await();
            }
            return i;
        });
        engine.runAsync(Flow.named("mapping", (Integer n) -> item.map(IntStream.range(0, n).boxed()).join().size())
                .withItemHistory(ItemHistory.FAILURES), 10);
        hanging.await();
        // The Completed events of the quick items come after their bodies return: there is no event to
        // wait on here but the store's own count, polled until a deadline.
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (true) {
            recorder.flush();
            boolean counted = store.runs(RunQuery.all().withName("mapping")).stream().findFirst()
                    .flatMap(root -> store.summary(root.id())).map(summary -> summary.maps().stream().findFirst()
                            .map(map -> map.count(State.Kind.COMPLETED) == 4 && map.count(State.Kind.RUNNING) == 6)
                            .orElse(false)).orElse(false);
            if (counted || Instant.now().isAfter(deadline)) {
                break;
            }
            Thread.sleep(20);
        }
        System.out.println("ready");
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
