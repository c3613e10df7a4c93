package io.loomflow.spi;

import io.loomflow.RunInfo;

/**
 * Named concurrency limits that several engines share, typically one engine in each of several
 * worker processes: a limit of 3 admits three runs at once across all of them, not three in each.
 *
 * <p>Given to {@code Engine.builder().sharedLimits(limits)}. A limit is shared when
 * {@link #permits(String)} gives it a size; every other limit stays the engine's own, on the same
 * in-process path as an engine without shared limits. The engine asks {@code permits} once per
 * name and keeps the answer for its life, so the set of shared names and their sizes must not
 * change while an engine uses them. The shared size is the limit's size in this engine: it wins
 * over a size declared by a flow or task ({@code withLimit(name, n)}), and an engine that also
 * defines the name with {@code Engine.builder().limit(name, n)} of another size fails the run
 * with a message naming both sizes.
 *
 * <p><b>Token protocol.</b> Every {@link Permit} that {@link #acquire} returns is released exactly
 * once by the engine: when the run ends (completed, failed, cancelled, crashed) and before each
 * retry's back-off (it acquires again after). Re-entrancy along a lineage is the engine's: a run
 * whose ancestor holds a permit of a limit runs under that permit and does not call
 * {@code acquire} for it, so nested runs under a limit of one cannot deadlock.
 *
 * <p><b>Cancellation.</b> {@link #acquire} waits interruptibly: the engine interrupts the run's
 * thread when the run is cancelled, and {@code acquire} must then throw
 * {@link InterruptedException} <em>without</em> a permit held, giving back one it may have taken
 * at that moment.
 *
 * <p><b>Crashes.</b> A permit whose process died is never released by the engine; implementations
 * make it come back by itself (for example as a slot row with a lease that the holder's heartbeat
 * extends), so that no permit is lost to a crashed process.
 *
 * <p><b>Thread-safety and nulls.</b> Implementations must be thread-safe: the engine calls them
 * from many run threads at once, on the run's own thread. No argument is {@code null} and no
 * method returns {@code null}. {@link Permit#release()} should not throw; the engine logs what it
 * throws and goes on.
 */
public interface SharedLimits {

    /**
     * The size of a shared limit.
     *
     * @param limitName a limit's name
     * @return how many runs across all sharing engines may hold it at once (1 or more), or 0 when
     *     this object does not share that limit and it stays the engine's own
     */
    int permits(String limitName);

    /**
     * Waits for a permit of a shared limit and takes it.
     *
     * @param limitName the name of a limit that {@link #permits} gives a size
     * @param run the run that will hold the permit, for the holder's record
     * @param beforeWaiting run once, on the calling thread, before waiting when no permit is free
     *     now, so that the engine shows the run as pending on the limit; not run when a permit is
     *     taken at once
     * @return the permit, to be released exactly once
     * @throws InterruptedException if the thread is interrupted while waiting; no permit is then held
     * @throws RuntimeException if the limit cannot be used (its store is gone for good, the name is
     *     not shared); the engine fails the run with it
     */
    Permit acquire(String limitName, RunInfo run, Runnable beforeWaiting) throws InterruptedException;

    /**
     * A permit of a shared limit, held by one run until {@link #release()}.
     *
     * <p>Thread-safety: released once, from any thread. Lifecycle: acquired by
     * {@link SharedLimits#acquire}, then released exactly once.
     */
    interface Permit {

        /** Gives the permit back, so that a waiting run anywhere may take it. */
        void release();
    }
}
