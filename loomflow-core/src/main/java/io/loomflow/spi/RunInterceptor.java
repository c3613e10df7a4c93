package io.loomflow.spi;

import io.loomflow.RunInfo;
import io.loomflow.State;
import io.loomflow.TimeSource;
import org.jspecify.annotations.Nullable;

/**
 * Wraps where each run executes, so that context a library keeps per thread (a tracing span, a
 * logging context) follows the run: captured where the run is started, and current on the run's
 * own thread while its code executes, and only then. It is also told each run's state changes,
 * with what it captured for that run, so that it can keep per-run state without an
 * {@link io.loomflow.EventListener} and without looking the run up.
 *
 * <p>Registered with {@code Engine.builder().runInterceptor(interceptor)}; an engine takes any
 * number, and one without any pays a null check per run and per state change. For each run the
 * engine calls, for each interceptor:
 * <ul>
 *   <li>{@link #capture} (a root run) or {@link #captureChild} (a run started by another run, which
 *       is handed what the interceptor captured for that parent) once, on the thread that starts
 *       the run, just before the run's first state change ({@code Scheduled});</li>
 *   <li>{@link #onStateChange} on each state change of the run, from {@code Scheduled} to its final
 *       state, in order, with what it captured for the run;</li>
 *   <li>{@link #execute} once, on the thread that executes the run, around all of the run's attempts
 *       (its retries included).</li>
 * </ul>
 * A run cancelled before it starts is captured and told its state changes, but never executed.
 *
 * <p><b>Several interceptors</b> nest in the order they were added to the builder: the first added
 * is the outermost. They capture in that order, are told each state change in that order (before
 * the engine's {@link io.loomflow.EventListener}s), and the first one's {@link #execute} calls
 * the second's from its {@code run.run()}, and so on, the innermost around the run itself. Each
 * interceptor is handed only what it captured itself.
 *
 * <p><b>Threads.</b> A root run is captured on the caller's thread (where {@code flow.run} or
 * {@code runAsync} was called); a child run on its parent's thread, or for an item of a map on the
 * thread of the map that starts it. {@link #execute} is called on the run's thread, which
 * afterwards may execute other runs (a map's items): anything it makes current must be undone
 * before it returns. {@link #onStateChange} is called on the thread that moves the run (its own,
 * its parent's, or the thread that cancels it), while the engine holds the run's lock: a run's
 * state changes reach it one at a time and in order, and it must return promptly.
 *
 * <p><b>Failures.</b> An interceptor must not fail a run, and the engine makes sure it cannot; this
 * holds for each interceptor separately, so a broken one does not affect the others. An exception
 * thrown by {@link #capture} or {@link #captureChild} is logged (once per interceptor and engine)
 * and the run goes on with {@code null} captured for that interceptor; one thrown by
 * {@link #onStateChange} is logged the same way and ignored; one thrown by {@link #execute}
 * before it called {@code run.run()} is logged the same way and the run (with the interceptors
 * inside this one) executes without it; one thrown after is logged and ignored. An interceptor that
 * calls {@code run.run()} more than once runs it once only; one that returns without calling it
 * has the engine run it after it, without that interceptor.
 *
 * <p><b>Thread-safety.</b> Implementations must be thread-safe: the engine calls them from many
 * threads at once.
 */
public interface RunInterceptor {

    /**
     * Takes what a root run is to carry from where it was started, on the thread that starts it.
     *
     * @param run the run's identity (its id, parent, root, name and kind)
     * @return anything, handed back to {@link #onStateChange} and {@link #execute} for this run, and
     *         to {@link #captureChild} for its children; may be {@code null}
     */
    @Nullable Object capture(RunInfo run);

    /**
     * Takes what a child run (a subflow, a task, an item of a map) is to carry, on the thread that
     * starts it, given what this interceptor captured for its parent (for a map's item, the run that
     * called {@code map}). By default, {@link #capture capture(run)}.
     *
     * @param run the run's identity
     * @param parentCaptured what this interceptor captured for the run's parent; {@code null} if
     *        it captured {@code null} or its capture threw
     * @return anything, handed back as {@link #capture}'s is; may be {@code null}
     */
    default @Nullable Object captureChild(RunInfo run, @Nullable Object parentCaptured) {
        return capture(run);
    }

    /**
     * Told that a run moved to {@code state}, with what this interceptor captured for it. Called
     * under the run's lock, in the order of the run's states; must return promptly. By default,
     * does nothing.
     *
     * <p>No {@link io.loomflow.Event} is made for this call, and the time is not read: an
     * interceptor that needs when the change happened reads {@code clock.now()}, the engine's
     * clock (the one its events are stamped with).
     *
     * @param run the run's identity
     * @param captured what {@link #capture} or {@link #captureChild} returned for this run
     * @param state the run's new state
     * @param clock the engine's clock
     */
    default void onStateChange(RunInfo run, @Nullable Object captured, State state, TimeSource clock) {
    }

    /**
     * Executes the run on its own thread: sets up what the run needs current, calls
     * {@code run.run()} exactly once, and undoes what it set up, in a {@code finally}.
     * {@code run.run()} never throws: the run's errors end the run, they are not thrown here.
     *
     * @param info the run's identity
     * @param captured what {@link #capture} or {@link #captureChild} returned for this run
     * @param run the run's execution: the interceptors inside this one, and all of the run's
     *        attempts, until it has ended
     */
    void execute(RunInfo info, @Nullable Object captured, Runnable run);
}
