package io.loomflow.schedules;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.store.RunRecorder;
import io.loomflow.store.RunStore;
import java.time.Duration;
import java.time.Instant;

/**
 * A scheduler in a JVM of its own, as {@link SchedulerSigkillTest} starts and kills it: schedule
 * {@code each-second} (flow {@code tick}, every second from {@link #ANCHOR}, each missed slot
 * caught up) on the system clock, runs on an engine recording to the run history in the same
 * database. Arguments: the database URL and the scheduler's name. Prints {@code ready} once it ticks.
 */
public final class SchedulerProgram {

    /** The first slot of the schedule; the slots before the schedule was first registered never fire. */
    static final Instant ANCHOR = Instant.parse("2026-01-01T00:00:00Z");
    /** The lease of a claim. */
    static final Duration LEASE = Duration.ofSeconds(2);

    private SchedulerProgram() {
    }

    static Schedule schedule() {
        return Schedule.every("each-second", "tick", Duration.ofSeconds(1), ANCHOR).withCatchUp(CatchUp.each(100_000))
                .withMaxActive(1000);
    }

    /** The flow's parameters: none. */
    public record Tick() {
    }

    static final Flow<Tick, String> TICK = Flow.named("tick", Tick.class, tick -> "tock");

    /**
     * Runs until killed.
     *
     * @param args the URL and the name
     * @throws InterruptedException never, in practice: it is killed
     */
    public static void main(String[] args) throws InterruptedException {
        String url = args[0];
        RunStore history = RunStore.open(url);
        Engine engine = Engine.builder().listener(RunRecorder.to(history)).build();
        Scheduler scheduler = Scheduler.builder().database(url).schedules(schedule()).engine(engine, TICK)
                .name(args[1]).recoverAfter(LEASE).tickEvery(Duration.ofMillis(200)).build().start();
        System.out.println("ready " + scheduler);
        System.out.flush();
        Thread.currentThread().join(); // until killed
    }
}
