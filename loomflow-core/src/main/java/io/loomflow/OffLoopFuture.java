package io.loomflow;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A future whose stages never run on a thread that must not block (an event loop, as the engine's
 * {@link BlockingCheck} knows them).
 *
 * <p>{@code CompletableFuture} runs a stage on the thread that completes the future, or, when the
 * future is complete already, on the thread that attaches the stage: a loop that attaches
 * {@code thenApply} to the future of a run that has just ended would run the stage itself. Here every
 * stage given no executor goes through {@link BlockingCheck#stages()}, which runs it on that same
 * thread unless the thread must not block, and on a new virtual thread then. The futures of the
 * stages are of this class too, so the rule holds along a chain. Stages given an executor, and async
 * stages given none (the common pool), run where {@code CompletableFuture} says. Thread-safe.
 *
 * @param <T> the result type
 */
class OffLoopFuture<T> extends CompletableFuture<T> {

    private final BlockingCheck check;

    OffLoopFuture(BlockingCheck check) {
        this.check = check;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new OffLoopFuture<>(check);
    }

    @Override
    public <U> CompletableFuture<U> thenApply(Function<? super T, ? extends U> fn) {
        return thenApplyAsync(fn, check.stages());
    }

    @Override
    public CompletableFuture<Void> thenAccept(Consumer<? super T> action) {
        return thenAcceptAsync(action, check.stages());
    }

    @Override
    public CompletableFuture<Void> thenRun(Runnable action) {
        return thenRunAsync(action, check.stages());
    }

    @Override
    public <U, V> CompletableFuture<V> thenCombine(CompletionStage<? extends U> other,
                                                   BiFunction<? super T, ? super U, ? extends V> fn) {
        return thenCombineAsync(other, fn, check.stages());
    }

    @Override
    public <U> CompletableFuture<Void> thenAcceptBoth(CompletionStage<? extends U> other,
                                                      BiConsumer<? super T, ? super U> action) {
        return thenAcceptBothAsync(other, action, check.stages());
    }

    @Override
    public CompletableFuture<Void> runAfterBoth(CompletionStage<?> other, Runnable action) {
        return runAfterBothAsync(other, action, check.stages());
    }

    @Override
    public <U> CompletableFuture<U> applyToEither(CompletionStage<? extends T> other, Function<? super T, U> fn) {
        return applyToEitherAsync(other, fn, check.stages());
    }

    @Override
    public CompletableFuture<Void> acceptEither(CompletionStage<? extends T> other, Consumer<? super T> action) {
        return acceptEitherAsync(other, action, check.stages());
    }

    @Override
    public CompletableFuture<Void> runAfterEither(CompletionStage<?> other, Runnable action) {
        return runAfterEitherAsync(other, action, check.stages());
    }

    @Override
    public <U> CompletableFuture<U> thenCompose(Function<? super T, ? extends CompletionStage<U>> fn) {
        return thenComposeAsync(fn, check.stages());
    }

    @Override
    public <U> CompletableFuture<U> handle(BiFunction<? super T, Throwable, ? extends U> fn) {
        return handleAsync(fn, check.stages());
    }

    @Override
    public CompletableFuture<T> whenComplete(BiConsumer<? super T, ? super Throwable> action) {
        return whenCompleteAsync(action, check.stages());
    }

    @Override
    public CompletableFuture<T> exceptionally(Function<Throwable, ? extends T> fn) {
        return exceptionallyAsync(fn, check.stages());
    }

    @Override
    public CompletableFuture<T> exceptionallyCompose(Function<Throwable, ? extends CompletionStage<T>> fn) {
        return exceptionallyComposeAsync(fn, check.stages());
    }
}
