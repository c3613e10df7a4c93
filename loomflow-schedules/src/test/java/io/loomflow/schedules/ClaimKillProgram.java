package io.loomflow.schedules;

import io.loomflow.Engine;
import io.loomflow.Event;
import io.loomflow.RunInfo;
import io.loomflow.State;
import io.loomflow.spi.RunInterceptor;
import io.loomflow.store.RunRecorder;
import io.loomflow.store.RunStore;
import io.loomflow.workers.WorkQueue;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;

/**
 * A scheduler in a JVM of its own, as {@link ClaimKillTest} starts it and kills it inside the window
 * between a slot's claim and its run's start: schedule {@link SchedulerProgram#schedule()} on the
 * system clock, with the program's own engine parts stopping it at a known point of its first
 * slot's launch. Arguments: the database URL, the scheduler's name and a mode:
 * <ul>
 *   <li>{@code before-start}: the engine's run interceptor, asked to capture the first run (on the
 *       scheduler's thread, inside the launch, before the run's first state change), prints
 *       {@code blocked RUN_ID} and blocks forever: the slot is claimed, nothing of its run exists
 *       outside this process;</li>
 *   <li>{@code after-record}: a listener after the engine's run recorder, told the first run is
 *       Scheduled (on the scheduler's thread, inside the launch), prints {@code blocked RUN_ID} and
 *       blocks forever: the recorder writes the run to the history, the slot stays claimed;</li>
 *   <li>{@code queue}: the runs are queued on a {@link WorkQueue} of the same database; the test
 *       stops this process with locks of its own in the database.</li>
 * </ul>
 * Prints {@code ready} once it ticks.
 */
public final class ClaimKillProgram {

    private ClaimKillProgram() {
    }

    /** Blocks the calling thread until the process is killed. */
    private static void blockForever(RunInfo run) {
        System.out.println("blocked " + run.id());
        System.out.flush();
        CountDownLatch never = new CountDownLatch(1);
        while (true) {
            try {
                never.await();
            } catch (InterruptedException ignored) {
                // nothing ends this wait but the kill
            }
        }
    }

    /** Blocks the launch of the flow's first run in its capture, before the engine publishes anything of it. */
    private record BlockBeforeStart() implements RunInterceptor {

        @Override
        public @Nullable Object capture(RunInfo run) {
            blockForever(run);
            return null;
        }

        @Override
        public void execute(RunInfo info, @Nullable Object captured, Runnable run) {
            run.run();
        }
    }

    /**
     * Runs until killed.
     *
     * @param args the URL, the name and the mode
     * @throws InterruptedException never, in practice: it is killed
     */
    public static void main(String[] args) throws InterruptedException {
        String url = args[0];
        Scheduler.Builder builder = Scheduler.builder().database(url).schedules(SchedulerProgram.schedule()).name(args[1])
                .recoverAfter(SchedulerProgram.LEASE).tickEvery(Duration.ofMillis(200));
        switch (args[2]) {
            case "before-start" -> builder.engine(Engine.builder().runInterceptor(new BlockBeforeStart())
                    .listener(RunRecorder.to(RunStore.open(url))).build(), SchedulerProgram.TICK);
            case "after-record" -> builder.engine(Engine.builder().listener(RunRecorder.to(RunStore.open(url)))
                    .listener(event -> {
                        if (event instanceof Event.StateChange change && change.state() instanceof State.Scheduled
                                && change.run().parentId() == null) {
                            blockForever(change.run());
                        }
                    }).build(), SchedulerProgram.TICK);
            case "queue" -> builder.workQueue(WorkQueue.connect(url), SchedulerProgram.TICK);
            default -> throw new IllegalArgumentException("mode '" + args[2] + "' is not one of before-start,"
                    + " after-record, queue");
        }
        Scheduler scheduler = builder.build().start();
        System.out.println("ready " + scheduler);
        System.out.flush();
        Thread.currentThread().join(); // until killed
    }
}
