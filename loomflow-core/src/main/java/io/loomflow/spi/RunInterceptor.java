package io.loomflow.spi;

import io.loomflow.RunInfo;
import org.jspecify.annotations.Nullable;

/**
 * Wraps where each run executes, so that context a library keeps per thread (a tracing span, a
 * logging context) follows the run: captured where the run is started, and current on the run's
 * own thread while its code executes, and only then.
 *
 * <p>Registered with {@code Engine.builder().runInterceptor(interceptor)}; an engine without one
 * pays a single null check per run. For each run the engine calls {@link #capture} once, on the
 * thread that starts it, just before the run's first event ({@code Scheduled}); then, on the
 * thread that executes the run, {@link #execute} once, around all of the run's attempts (its
 * retries included). A run cancelled before it starts is captured but never executed; its final
 * event still reaches the engine's listeners.
 *
 * <p><b>Threads.</b> A root run is captured on the caller's thread (where {@code flow.run} or
 * {@code runAsync} was called); a child run on its parent's thread, or for an item of a map on the
 * thread of the map that starts it. {@link #execute} is called on the run's thread, which
 * afterwards may execute other runs (a map's items): anything it makes current must be undone
 * before it returns.
 *
 * <p><b>Failures.</b> An interceptor must not fail a run, and the engine makes sure it cannot: an
 * exception thrown by {@link #capture} is logged (once per engine) and the run goes on with
 * {@code null} captured; one thrown by {@link #execute} before it called {@code run.run()} is
 * logged the same way and the run executes without it; one thrown after is logged and ignored. An
 * interceptor that calls {@code run.run()} more than once runs it once only; one that returns
 * without calling it has the engine run it after it, without the interceptor.
 *
 * <p><b>Thread-safety.</b> Implementations must be thread-safe: the engine calls them from many
 * threads at once.
 */
public interface RunInterceptor {

    /**
     * Takes what the run is to carry from where it was started, on the thread that starts it.
     *
     * @param run the run's identity (its id, parent, root, name and kind)
     * @return anything, handed back to {@link #execute} for this run; may be {@code null}
     */
    @Nullable Object capture(RunInfo run);

    /**
     * Executes the run on its own thread: sets up what the run needs current, calls
     * {@code run.run()} exactly once, and undoes what it set up, in a {@code finally}.
     * {@code run.run()} never throws: the run's errors end the run, they are not thrown here.
     *
     * @param info the run's identity
     * @param captured what {@link #capture} returned for this run
     * @param run the run's execution: all of its attempts, until it has ended
     */
    void execute(RunInfo info, @Nullable Object captured, Runnable run);
}
