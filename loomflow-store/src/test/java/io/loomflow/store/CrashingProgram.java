package io.loomflow.store;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.RunContext;
import io.loomflow.Task;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Run by {@link CrashRecoveryTest} in a child JVM that the test kills with SIGKILL: records one
 * finished run, then one that is stuck Running, flushes both, prints {@code ready} and waits.
 */
public final class CrashingProgram {

    private CrashingProgram() {
    }

    /**
     * Runs the program.
     *
     * @param args the store's directory
     * @throws Exception never, in practice
     */
    public static void main(String[] args) throws Exception {
        RunRecorder recorder = RunRecorder.to(RunStore.embedded(Path.of(args[0])));
        Engine engine = Engine.builder().listener(recorder).build();
        engine.run(Flow.named("finished", (Integer n) -> n + 1), 41);
        CountDownLatch running = new CountDownLatch(1);
        Task<String, String> stuck = Task.named("stuck", (String s) -> {
            RunContext.current().log().info("about to hang on %s", s);
            running.countDown();
            new CountDownLatch(1).await();
            return s;
        });
        engine.runAsync(Flow.named("hangs", (String s) -> stuck.call(s)), "forever");
        running.await();
        recorder.flush();
        System.out.println("ready");
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
