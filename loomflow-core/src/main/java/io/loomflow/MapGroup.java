package io.loomflow;

import io.loomflow.internal.Exceptions;
import io.loomflow.internal.StructuredScope;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The runs of one map: a fixed number of worker threads take the inputs in order and execute one
 * item run at a time each, so that an item waiting its turn costs only its slot in two arrays.
 *
 * <p>With a limit, there are as many workers as the limit has permits (each item still takes a
 * permit, shared fairly with the engine's other runs); without one, one worker per item. To its
 * parent's scope the whole map is one child, which ends when its last item has settled. The items
 * are the children of a scope of their own, which applies the fail-fast rule (the first failing item
 * cancels the rest, unless the parent collects all failures).
 *
 * <p>When that scope is cancelled (or, for a map outside any run, the engine refuses new root
 * runs), the items no worker has taken yet are settled in one step: they never become runs (no
 * run id, no events), and share one {@link Outcome.Cancelled}. The map then ends as soon as the
 * items that did start have settled, however many inputs were left. A worker that took its item
 * at the very moment of the cancel may still make it a run, which the cancelled scope then
 * cancels at once: at most one such item per worker.
 */
final class MapGroup implements MapHandle<Object>, StructuredScope.Child<Cancellation> {

    private final EngineImpl engine;
    private final RunNode parent;
    private final RunSpec spec;
    private final StructuredScope<Cancellation> parentScope;
    private final Object[] inputs;
    private final UUID id;
    private final ItemHistory history;
    /** In a durable run: the map's checkpoint key, to which each item adds its index; else null. */
    private final String checkpointKey;
    private final Outcome<?>[] outcomes;
    private final StructuredScope<Cancellation> items;
    /** The index the next worker takes; never above the number of inputs. */
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger settled = new AtomicInteger();
    private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile boolean observed;
    /** The outcome shared by every item that never started, once the items are cancelled; else null. */
    private final AtomicReference<Outcome<?>> neverStarted = new AtomicReference<>();

    MapGroup(EngineImpl engine, RunNode parent, RunSpec spec, StructuredScope<Cancellation> parentScope,
             Object[] inputs, UUID id, ItemHistory history, String checkpointKey) {
        this.engine = engine;
        this.checkpointKey = checkpointKey;
        this.id = id;
        this.history = history;
        this.parent = parent;
        this.spec = spec;
        this.parentScope = parentScope;
        this.inputs = inputs;
        this.outcomes = new Outcome<?>[inputs.length];
        boolean failFast = parent == null || parent.spec().failurePolicy() == FailurePolicy.CANCEL_SIBLINGS;
        this.items = new StructuredScope<>(engine.threads(),
                failFast ? StructuredScope.OnFailure.CANCEL_SCOPE : StructuredScope.OnFailure.COLLECT_ALL,
                why -> settleNeverStarted(why.reason()));
    }

    /** How the item at {@code index} tells listeners that it belongs to this map. */
    RunInfo.MapItem item(int index) {
        return new RunInfo.MapItem(id, index, inputs.length, history);
    }

    /** In a durable run, the map's checkpoint key; else null. */
    String checkpointKey() {
        return checkpointKey;
    }

    /** The scope whose children are this map's item runs. */
    StructuredScope<Cancellation> items() {
        return items;
    }

    void start(int concurrency) {
        if (inputs.length == 0) {
            end();
            return;
        }
        int workers = Math.min(inputs.length, concurrency);
        Runnable work = workers == inputs.length ? this::workOnce : this::work;
        // A worker is useless once every input has been taken (or settled by a cancel meanwhile).
        for (int started = 0; started < workers && next.get() < inputs.length; started++) {
            try {
                items.forkWorker(work);
            } catch (RuntimeException | Error threadRefused) {
                // Settles the items no worker took, at once, even when no worker started at all.
                items.cancel(Cancellation.requested("no thread could be started for it: " + threadRefused));
                return;
            }
        }
    }

    private void work() {
        int index;
        while ((index = take()) >= 0) {
            runItem(index);
            Thread.interrupted(); // an interrupt meant for the item just ended must not reach the next one
        }
    }

    /**
     * The worker of a map with a thread per item: one item, then the thread ends. No loop, on
     * purpose: when a million of these are cancelled at once, each would return into a loop whose
     * exit the JIT had never seen taken (no item had ended yet) and deoptimise its own frame; that
     * was about half the time of cancelling a million running items.
     */
    private void workOnce() {
        int index = take();
        if (index >= 0) {
            runItem(index);
        }
    }

    /** Takes the next input's index for a worker; -1 when none is left. */
    private int take() {
        int index;
        do {
            index = next.get();
            if (index >= inputs.length) {
                return -1;
            }
        } while (!next.compareAndSet(index, index + 1));
        return index;
    }

    private void runItem(int index) {
        Outcome<?> cancelled = neverStarted.get();
        if (cancelled != null) { // taken just before the cancel settled the rest: it never starts either
            settle(index, cancelled);
            return;
        }
        RunNode item;
        try {
            item = engine.newItem(parent, spec, inputs[index], this, index);
        } catch (EngineClosedException refused) {
            // A map outside any run, on an engine that closes: none of the items left will start.
            settleNeverStarted(refused.getMessage());
            settle(index, neverStarted.get());
            return;
        }
        item.executeBound();
    }

    /**
     * Settles in one step every item no worker has taken: no run, no id, no events; they all share
     * one cancelled outcome. Items already taken keep going (their runs are cancelled through the
     * scope). The first call decides the reason; later calls find nothing left to take.
     */
    private void settleNeverStarted(String reason) {
        neverStarted.compareAndSet(null, new Outcome.Cancelled<>(reason));
        int from = next.getAndSet(inputs.length);
        if (from < inputs.length) {
            Arrays.fill(outcomes, from, inputs.length, neverStarted.get());
            settle(inputs.length - from);
        }
    }

    /**
     * Called by an item's run when it ends, on whichever thread ends it: usually the worker, but a
     * run abandoned at shutdown is ended by the engine while its worker never comes back. The map
     * ends when every item has settled, not when its workers have.
     */
    void itemEnded(int index, RunNode item) {
        Outcome<Object> outcome = item.outcomeNow();
        if (outcome instanceof Outcome.Failure<Object> failure) {
            itemFailed(item, failure.error());
        }
        settle(index, outcome);
    }

    private void settle(int index, Outcome<?> outcome) {
        outcomes[index] = outcome;
        settle(1);
    }

    /** Counts items whose outcome is in place; the map ends with the last. */
    private void settle(int count) {
        if (settled.addAndGet(count) == outcomes.length) {
            end();
        }
    }

    /** The item's own failure has already reached the items' scope (RunNode.finish); this is the map's. */
    private void itemFailed(RunNode item, Throwable error) {
        if (firstFailure.compareAndSet(null, error) && parentScope != null) {
            parentScope.failed(this, error, Cancellation.siblingFailed(item.describe(), error));
        }
    }

    private void end() {
        ended.countDown();
        if (parentScope != null) {
            parentScope.ended(this);
        }
    }

    @Override
    public void cancel(Cancellation why) {
        items.cancel(why);
    }

    @Override
    public boolean failureObserved() {
        return observed;
    }

    @Override
    public int size() {
        return inputs.length;
    }

    @Override
    public List<Object> join() {
        awaitEnd();
        observed = true;
        Throwable failure = firstFailure.get();
        if (failure != null) {
            throw Exceptions.rethrow(failure);
        }
        Object[] values = new Object[outcomes.length];
        for (int i = 0; i < outcomes.length; i++) {
            switch (outcomes[i]) {
                case Outcome.Success<?> success -> values[i] = success.value();
                case Outcome.Failure<?> itemFailure -> throw Exceptions.rethrow(itemFailure.error());
                case Outcome.Cancelled<?> cancelled -> throw new RunCancelledException("map of " + spec.describe()
                        + " was cancelled (item " + i + " of " + outcomes.length + "): " + cancelled.reason());
            }
        }
        return Collections.unmodifiableList(Arrays.asList(values));
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public List<Outcome<Object>> outcomes() {
        awaitEnd();
        observed = true;
        return (List) Collections.unmodifiableList(Arrays.asList(outcomes.clone()));
    }

    @Override
    public boolean isDone() {
        return ended.getCount() == 0;
    }

    @Override
    public boolean cancel() {
        boolean done = isDone();
        return items.cancel(Cancellation.requested("its map was cancelled on request")) && !done;
    }

    private void awaitEnd() {
        engine.blockingCheck().beforeJoin(this, spec);
        engine.checkJoinFromHere("the map of " + spec.describe());
        try {
            if (RunNode.currentOrNull() != null) {
                ended.await();
            } else {
                StaticInitializerDeadlock.await(StaticInitializerDeadlock.of(ended), awaited(), engine);
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new RunCancelledException("stopped waiting for the map of " + spec.describe()
                    + ": the waiting thread was interrupted (its own run is being cancelled, or it was"
                    + " interrupted directly)");
        }
    }

    /** The items of this map, and the runs below them, as a wait from outside of any run sees them. */
    private StaticInitializerDeadlock.Awaited awaited() {
        return new StaticInitializerDeadlock.Awaited() {
            @Override
            public String describe() {
                return "the map of " + spec.describe();
            }

            @Override
            public boolean isTopOf(RunNode run) {
                return run.group() == MapGroup.this;
            }

            @Override
            public void stop(Cancellation why) {
                items.cancel(why);
            }

            @Override
            public void warn(String message) {
                Loggers.engine().log(System.Logger.Level.WARNING, message);
            }
        };
    }

    @Override
    public String toString() {
        return "Map[" + spec.name() + ", " + inputs.length + " items]";
    }
}
