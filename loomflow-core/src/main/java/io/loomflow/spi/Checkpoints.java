package io.loomflow.spi;

import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Where an engine keeps the checkpoints of durable runs: how each child run (task, subflow, map
 * item) of a durable root run ended, so that the root run, executed again after its process died,
 * replays the children that had ended instead of running them again.
 *
 * <p>Given to {@code Engine.builder().checkpoints(checkpoints)}; a root run started with
 * {@code RunOptions.withCheckpoints(scope)} is durable. Every checkpoint of that run is kept under
 * the <em>scope</em> (the same for every execution of the run, typically the queued run's id) and a
 * <em>key</em> the engine makes from the child's place in the run: its parent's key, its name, the
 * key of its input ({@link #inputKey(Object)}, asked of this object because core cannot serialize
 * inputs) and how many times the parent started that name with that input before; or its index for
 * a map item. The engine, not the implementation, makes the keys, so any implementation finds what
 * another wrote.
 *
 * <p><b>Order.</b> Before a child executes the engine calls {@link #load}; after the child ended
 * (with its result, or its final error after its retries) it calls {@link #save} <em>before</em> the
 * parent's code gets the result, so a child whose parent went on has its checkpoint. Cancelled and
 * crashed children are not saved, nor is the root run itself.
 *
 * <p><b>Failures.</b> Unlike a {@link ResultStore}, whose failures only cost a recomputation, a
 * checkpoint that cannot be loaded or saved would let a run go on without the guarantee it was
 * started with: when {@link #load} or {@link #save} throws (any {@link RuntimeException}), the
 * engine cancels the whole root run at once, saves nothing more for it, and ends it with
 * {@code io.loomflow.RunLostException} naming the run and the key, with the thrown exception as the
 * cause. Implementations therefore retry transient failures themselves, and throw only when this
 * process must not go on with the run (for example because another worker owns it now), or when a
 * value cannot be serialized (their message should name the value's type).
 *
 * <p><b>Thread-safety.</b> Implementations must be thread-safe: the engine calls them from many run
 * threads at once. They may block; the engine calls them on the child's own thread, before it takes
 * a limit permit. Nulls: {@link #inputKey} accepts a {@code null} input; no other argument is null.
 */
public interface Checkpoints {

    /**
     * A stable text that identifies an input: equal for equal inputs, in this process and the next,
     * and short enough to be part of a key (the same contract as {@link ResultStore#inputKey}).
     *
     * @param input a child's input
     * @return the input's key, not blank
     * @throws RuntimeException if the input cannot be represented; the engine then keys the child
     *     by its name and call order instead (deterministic only if the flow calls in a
     *     deterministic order)
     */
    String inputKey(@Nullable Object input);

    /**
     * The checkpoint saved under {@code key} in {@code scope}, if there is one.
     *
     * @param scope the durable root run's scope
     * @param key the child's key, made by the engine
     * @param loader the class loader of the child's code, to build the value's classes with
     * @return the checkpoint; empty if none was saved
     * @throws RuntimeException if it cannot be read; the engine then loses the run (see above)
     */
    Optional<Checkpoint> load(UUID scope, String key, ClassLoader loader);

    /**
     * Saves a checkpoint under {@code key} in {@code scope}. Readers see either nothing or the
     * whole checkpoint, never a part of one.
     *
     * @param scope the durable root run's scope
     * @param key the child's key, made by the engine
     * @param checkpoint how the child ended
     * @throws RuntimeException if it cannot be saved, or must not be (another process owns the run
     *     now); the engine then loses the run (see above)
     */
    void save(UUID scope, String key, Checkpoint checkpoint);
}
