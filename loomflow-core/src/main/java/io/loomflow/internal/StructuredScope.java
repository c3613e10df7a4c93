package io.loomflow.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The children of one attempt of one run (or the items of one map), and the rules that make runs
 * structured: a child's thread is forked here, every child is awaited before its parent ends,
 * cancelling the scope cancels every child (including those added later), a failing child may
 * cancel its siblings, and a failure the parent never observed fails the parent.
 *
 * <p>All of Loomflow's structured-concurrency logic lives here, on final JDK APIs only, so that it
 * can move to the JDK's {@code StructuredTaskScope} once that API is final; the threads every scope
 * of one engine forks are tracked by that engine's {@link Threads}, nested here for the same reason.
 * See README.md beside this file. Thread-safe.
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

    /** What a child's failure does to the other children of its scope. */
    public enum OnFailure {
        /** Nothing: every child runs to its end. */
        COLLECT_ALL,
        /**
         * Cancels the siblings active at that moment; children added later are not affected, so the
         * parent may catch the error and go on (a run's children).
         */
        CANCEL_ACTIVE_SIBLINGS,
        /** Cancels the scope: every active child and every child added later (the items of a map). */
        CANCEL_SCOPE
    }

    private final Threads threads;
    private final OnFailure onFailure;
    private final Consumer<R> onCancelled;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private final Set<Child<R>> active = Collections.newSetFromMap(new IdentityHashMap<>());
    private final List<Failure<R>> failures = new ArrayList<>();
    private R cancelledWith;
    private boolean joined;

    /**
     * Creates an empty scope.
     *
     * @param threads the tracked threads that this scope's children run on
     * @param onFailure what a failing child does to its siblings
     */
    public StructuredScope(Threads threads, OnFailure onFailure) {
        this(threads, onFailure, reason -> { });
    }

    /**
     * Creates an empty scope that tells its owner when it is cancelled, so that the owner can settle
     * at once the children it has not added yet (a map's items not started).
     *
     * @param threads the tracked threads that this scope's children run on
     * @param onFailure what a failing child does to its siblings
     * @param onCancelled told once, with the first reason, when the scope is cancelled (by
     *     {@link #cancel} or by a failing child under {@link OnFailure#CANCEL_SCOPE}), before its
     *     active children are; on the cancelling thread, with no lock held
     */
    public StructuredScope(Threads threads, OnFailure onFailure, Consumer<R> onCancelled) {
        this.threads = threads;
        this.onFailure = onFailure;
        this.onCancelled = onCancelled;
    }

    /**
     * Adds a child and starts a thread that executes it. If the thread cannot start, the child stays
     * added and the error is thrown: the caller ends the child (which then reports {@link #ended}).
     *
     * @param child the child
     * @param body what its thread executes
     * @throws IllegalStateException if the scope was already joined
     */
    public void fork(Child<R> child, Runnable body) {
        add(child);
        threads.start(body);
    }

    /**
     * Starts one more thread for the children of this scope, for a child that executes on several
     * threads or a scope whose children are executed in turn by a few workers (a map).
     *
     * @param body what the thread executes
     */
    public void forkWorker(Runnable body) {
        threads.start(body);
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
        boolean cancelsScope = false;
        lock.lock();
        try {
            failures.add(new Failure<>(child, error));
            switch (onFailure) {
                case COLLECT_ALL -> {
                    return;
                }
                case CANCEL_ACTIVE_SIBLINGS -> { }
                case CANCEL_SCOPE -> {
                    if (cancelledWith != null) {
                        return; // cancelled already: every child has been, or will be when added
                    }
                    cancelledWith = siblingReason;
                    cancelsScope = true;
                }
            }
            siblings = new ArrayList<>(active);
        } finally {
            lock.unlock();
        }
        if (cancelsScope) {
            onCancelled.accept(siblingReason);
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
     * @return whether this call cancelled the scope (false if it was cancelled already, or a
     *     failing child cancelled it under {@link OnFailure#CANCEL_SCOPE})
     */
    public boolean cancel(R reason) {
        List<Child<R>> children;
        boolean first;
        lock.lock();
        try {
            first = cancelledWith == null;
            if (first) {
                cancelledWith = reason;
            }
            children = new ArrayList<>(active);
        } finally {
            lock.unlock();
        }
        if (first) {
            onCancelled.accept(reason);
        }
        for (Child<R> child : children) {
            child.cancel(reason);
        }
        return first;
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
     * Ends the parent's code with this scope: if that code failed, cancels the children still
     * active; waits for every child ({@link #join()}); then applies the rule that no failure is
     * lost: a child whose failure the parent never observed (never joined) fails the parent, or is
     * attached to the parent's own failure as a suppressed exception.
     *
     * @param bodyFailure what the parent's code threw, or null
     * @param reasonIfBodyFailed the reason given to the children cancelled because the code failed
     * @return the parent's outcome: {@code bodyFailure} (with unobserved failures suppressed), the
     *     first unobserved failure (with the others suppressed), or null when nothing failed
     */
    public Throwable join(Throwable bodyFailure, R reasonIfBodyFailed) {
        if (bodyFailure != null) {
            cancel(reasonIfBodyFailed);
        }
        join();
        Throwable outcome = bodyFailure;
        for (Failure<R> failure : unobservedFailures()) {
            if (outcome == null) {
                outcome = failure.error();
            } else {
                Exceptions.suppress(outcome, failure.error());
            }
        }
        return outcome;
    }

    /** The failures of children whose failure the parent never observed, in the order they happened. */
    private List<Failure<R>> unobservedFailures() {
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

    /**
     * Every thread one engine starts, tracked from before its start until it has terminated, so
     * that the engine's close can join each one, and forgotten then: the set holds only threads
     * whose work has not returned, so a run that has ended leaves nothing here.
     *
     * <p>A thread leaves the set when its work returns, but it is still alive for a few more
     * instructions; {@link #joinAll} must wait for those too. So it moves to a queue of leaving
     * threads, and each thread that leaves first drops the threads at the head of that queue that
     * have terminated: the queue holds the few threads still finishing, never the dead ones of runs
     * long ended. Nothing waits there, so a burst of ending threads is not serialised. Thread-safe.
     */
    public static final class Threads {

        private final String owner;
        private final ThreadFactory factory;
        private final Consumer<Throwable> onUnexpectedError;
        private final Set<Thread> working = ConcurrentHashMap.newKeySet();
        private final Queue<Thread> leaving = new ConcurrentLinkedQueue<>();

        /**
         * Creates an empty set of threads.
         *
         * @param owner how error messages name the owner, for example {@code engine 'default'}
         * @param factory makes the threads
         * @param onUnexpectedError told of an error that escaped a thread's body (a bug)
         */
        public Threads(String owner, ThreadFactory factory, Consumer<Throwable> onUnexpectedError) {
            this.owner = owner;
            this.factory = factory;
            this.onUnexpectedError = onUnexpectedError;
        }

        /**
         * Starts a tracked thread.
         *
         * @param body what it executes
         * @return the started thread
         * @throws IllegalStateException if the factory returned null; or whatever it, or starting
         *     the thread, threw
         */
        public Thread start(Runnable body) {
            Thread thread = factory.newThread(new TrackedBody(body, this));
            if (thread == null) {
                throw new IllegalStateException("the thread factory of " + owner + " returned null; give"
                        + " Engine.Builder.threadFactory a factory that always returns a thread");
            }
            working.add(thread);
            try {
                thread.start();
            } catch (RuntimeException | Error refused) {
                working.remove(thread);
                throw refused;
            }
            return thread;
        }

        /**
         * The last act of a tracked thread: leave the set for the queue, and drop the dead at its head.
         * Not private, on purpose: C2 (JDK 25) compiled the call to the private method from
         * {@link TrackedBody#run} as a trap ("unloaded"), so each of a million threads cancelled at
         * once deoptimised its own frame on the way out: most of the cancel's time in {@code MapCancel}.
         */
        void leave(Thread current) {
            Thread head;
            while ((head = leaving.peek()) != null && head.getState() == Thread.State.TERMINATED) {
                leaving.remove(head);
            }
            leaving.add(current);
            working.remove(current);
        }

        /**
         * Waits until every tracked thread has terminated, except those {@code skip} accepts (which
         * are tested again before each wait), then forgets them all.
         *
         * @param skip the threads not to wait for, such as the calling thread
         * @return whether the waiting thread was interrupted meanwhile (the caller restores it)
         */
        public boolean joinAll(java.util.function.Predicate<Thread> skip) {
            boolean interrupted = false;
            for (Thread thread : List.copyOf(working)) {
                if (!skip.test(thread)) {
                    interrupted |= join(thread);
                }
            }
            for (Thread thread : List.copyOf(leaving)) {
                if (!skip.test(thread)) {
                    interrupted |= join(thread);
                    leaving.remove(thread);
                }
            }
            return interrupted;
        }

        /**
         * Waits until a thread has terminated, even if interrupted meanwhile.
         *
         * @param thread the thread
         * @return whether the waiting thread was interrupted meanwhile (the caller restores it)
         */
        public static boolean join(Thread thread) {
            boolean interrupted = false;
            while (true) {
                try {
                    thread.join();
                    return interrupted;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
    }

    /**
     * What a tracked thread runs. It lets go of its body and its engine when done: a dead thread may
     * still be referenced (by its factory, or as the last one to leave), and must not keep a finished
     * map's inputs and results alive.
     */
    private static final class TrackedBody implements Runnable {
        private Runnable body;
        private Threads threads;

        TrackedBody(Runnable body, Threads threads) {
            this.body = body;
            this.threads = threads;
        }

        @Override
        public void run() {
            try {
                body.run();
            } catch (Throwable bug) {
                threads.onUnexpectedError.accept(bug);
            } finally {
                body = null;
                Threads owner = threads;
                threads = null; // a dead thread must not keep its engine reachable
                owner.leave(Thread.currentThread());
            }
        }
    }
}
