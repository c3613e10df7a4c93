package io.loomflow.examples.shutdown;

import io.loomflow.Engine;
import io.loomflow.Event;
import io.loomflow.Flow;
import io.loomflow.State;
import io.loomflow.Task;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;

/**
 * A program for the process-level shutdown tests: runs a flow with 1,000 tasks in flight on the
 * default engine, prints {@code ready} once all of them are running, and prints one line per run
 * that reaches a final state ({@code final <name> <state>}). What happens next depends on the mode:
 * <ul>
 *   <li>{@code wait}: main waits for the flow (the test sends SIGTERM);
 *   <li>{@code return}: main returns with the flow still in flight;
 *   <li>{@code exit}: the first task calls {@code System.exit(0)} once all tasks run.
 * </ul>
 * Arguments: the mode, and how long each task sleeps (ISO-8601, such as {@code PT1S}).
 */
public final class InFlightProgram {

    static final int TASKS = 1000;

    private InFlightProgram() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Duration taskTime = Duration.parse(args[1]);
        CountDownLatch allRunning = new CountDownLatch(TASKS);
        Engine.defaultEngine().subscribe(event -> {
            if (event instanceof Event.StateChange change) {
                if (change.state() instanceof State.Running && change.run().name().equals("sleep")) {
                    allRunning.countDown();
                }
                if (change.state().isFinal()) {
                    System.out.println("final " + change.run().name() + " " + change.state().label());
                }
            }
        });
        Task<Integer, Integer> sleep = Task.named("sleep", (Integer i) -> {
            if (mode.equals("exit") && i == 0) {
                allRunning.await();
                System.exit(0);
            }
            Thread.sleep(taskTime);
            return i;
        });
        Flow<Integer, Integer> inFlight = Flow.named("in-flight", (Integer n) ->
                sleep.map(IntStream.range(0, n).boxed()).join().size());
        CompletableFuture<Integer> result = inFlight.runAsync(TASKS);
        allRunning.await();
        System.out.println("ready");
        if (mode.equals("return")) {
            return;
        }
        try {
            System.out.println("result " + result.join());
        } catch (java.util.concurrent.CompletionException stopped) {
            System.out.println("main: " + stopped.getCause().getMessage()); // the program's own report
        }
    }
}
