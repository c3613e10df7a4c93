package io.loomflow;

/**
 * A blocking call was refused because the calling thread must not block, such as a Netty, Vert.x
 * or Reactor event loop; see {@link io.loomflow.spi.NonBlockingThreadDetector}.
 *
 * <p>Raised at once, before any run has started, by {@code flow.run}, {@code task.call},
 * {@code engine.run} and by joining a handle that has not ended, when they are called outside of
 * any run on such a thread. The message names the call, the thread and what to do instead:
 * {@code runAsync} never blocks and is allowed on every thread. Not retryable: the same call on the
 * same thread is refused again. Immutable and thread-safe.
 */
public final class BlockingNotAllowedException extends LoomflowException {

    private static final long serialVersionUID = 1L;

    /** The name of the thread on which the call was refused. */
    private final String threadName;
    /** What kind of thread it is, as its detector described it. */
    private final String threadKind;

    /**
     * Creates the error.
     *
     * @param message what was refused, on which thread, and what to do instead
     * @param threadName the name of the thread that must not block
     * @param threadKind what kind of thread it is, such as {@code "a Netty event loop"}
     */
    public BlockingNotAllowedException(String message, String threadName, String threadKind) {
        super(message, null, false);
        this.threadName = String.valueOf(threadName);
        this.threadKind = String.valueOf(threadKind);
    }

    /**
     * The name of the thread on which the call was refused.
     *
     * @return the thread's name
     */
    public String threadName() {
        return threadName;
    }

    /**
     * What kind of thread it is, as its detector described it.
     *
     * @return for example {@code "a Vert.x event loop"}
     */
    public String threadKind() {
        return threadKind;
    }
}
