package io.loomflow;

import org.jspecify.annotations.Nullable;

/**
 * The body of a flow or task: a function from one input to one result that may throw any
 * exception, checked or not.
 *
 * <p>Whatever the body throws reaches the caller of {@code run}, {@code call} or {@code join}
 * unchanged: the same object, with its type, message and cause.
 *
 * @param <I> the input type
 * @param <R> the result type
 */
@FunctionalInterface
public interface CheckedFunction<I extends @Nullable Object, R extends @Nullable Object> {

    /**
     * Computes the result for one input.
     *
     * @param input the input, as the caller passed it
     * @return the result
     * @throws Exception anything the computation throws; it is passed on unchanged
     */
    R apply(I input) throws Exception;
}
