package io.loomflow.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The children of one attempt of one run, and the rules that make runs structured: every child is
 * awaited before its parent ends, cancelling the scope cancels every child (including those added
 * later), and a failing child may cancel its siblings.
 *
 * <p>All of Loomflow's structured-concurrency logic lives here, on final JDK APIs only, so that it
 * can move to the JDK's {@code StructuredTaskScope} once that API is final. See README.md beside
 * this file. Thread-safe.
 *
 * @param <R> the type of the reason given with a cancellation
 */
public final class StructuredScope<R> {

    /**
     * A child of a scope: a run, or a group of runs started by one map.
     *
     * @param <R> the type of the reason given with a cancellation
     */
    public interface Child<R> {
        /**
         * Asks the child to stop. Must not block for long and must be safe to call more than once.
         *
         * @param reason why
         */
        void cancel(R reason);

        /**
         * Tells whether the parent has seen this child's failure (joined it, or asked its outcome).
         *
         * @return {@code true} if the failure reached the parent's code
         */
        boolean failureObserved();
    }

    /**
     * A child's failure as the scope recorded it.
     *
     * @param child the child that failed
     * @param error what it failed with
     * @param <R> the type of the reason given with a cancellation
     */
    public record Failure<R>(Child<R> child, Throwable error) {
    }

    private final boolean cancelSiblingsOnFailure;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private final Set<Child<R>> active = Collections.newSetFromMap(new IdentityHashMap<>());
    private final List<Failure<R>> failures = new ArrayList<>();
    private R cancelledWith;
    private boolean joined;

    /**
     * Creates an empty scope.
     *
     * @param cancelSiblingsOnFailure whether a failing child cancels the siblings active at that moment
     */
    public StructuredScope(boolean cancelSiblingsOnFailure) {
        this.cancelSiblingsOnFailure = cancelSiblingsOnFailure;
    }

    /**
     * Adds a child that has started or is about to start. If the scope was cancelled, the child is
     * cancelled at once with the same reason.
     *
     * @param child the child
     * @throws IllegalStateException if the scope was already joined
     */
    public void add(Child<R> child) {
        R reason;
        lock.lock();
        try {
            if (joined) {
                throw new IllegalStateException("this run has already ended; start children only from the code of a"
                        + " run that is still executing");
            }
            active.add(child);
            reason = cancelledWith;
        } finally {
            lock.unlock();
        }
        if (reason != null) {
            child.cancel(reason);
        }
    }

    /**
     * Records that a child failed; under the fail-fast rule, cancels the siblings active now.
     * Children added later are not affected.
     *
     * @param child the child that failed
     * @param error what it failed with
     * @param siblingReason the reason to give the siblings it cancels
     */
    public void failed(Child<R> child, Throwable error, R siblingReason) {
        List<Child<R>> siblings;
        lock.lock();
        try {
            failures.add(new Failure<>(child, error));
            if (!cancelSiblingsOnFailure) {
                return;
            }
            siblings = new ArrayList<>(active);
        } finally {
            lock.unlock();
        }
        for (Child<R> sibling : siblings) {
            if (sibling != child) {
                sibling.cancel(siblingReason);
            }
        }
    }

    /**
     * Records that a child has ended; wakes {@link #join()} when it was the last.
     *
     * @param child the child
     */
    public void ended(Child<R> child) {
        lock.lock();
        try {
            if (active.remove(child) && active.isEmpty()) {
                idle.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Cancels every active child, and every child added from now on.
     *
     * @param reason why; the first reason given is kept
     */
    public void cancel(R reason) {
        List<Child<R>> children;
        lock.lock();
        try {
            if (cancelledWith == null) {
                cancelledWith = reason;
            }
            children = new ArrayList<>(active);
        } finally {
            lock.unlock();
        }
        for (Child<R> child : children) {
            child.cancel(reason);
        }
    }

    /**
     * Waits until every child has ended, then closes the scope to new children. Not interruptible:
     * a parent never ends before its children; to end sooner, {@link #cancel(Object) cancel} first.
     * The thread's interrupt status is kept.
     */
    public void join() {
        lock.lock();
        try {
            while (!active.isEmpty()) {
                idle.awaitUninterruptibly();
            }
            joined = true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The failures of children whose failure the parent never observed, in the order they happened.
     * Call after {@link #join()}.
     *
     * @return the unobserved failures, possibly empty
     */
    public List<Failure<R>> unobservedFailures() {
        lock.lock();
        try {
            List<Failure<R>> unobserved = new ArrayList<>();
            for (Failure<R> failure : failures) {
                if (!failure.child().failureObserved()) {
                    unobserved.add(failure);
                }
            }
            return unobserved;
        } finally {
            lock.unlock();
        }
    }
}
