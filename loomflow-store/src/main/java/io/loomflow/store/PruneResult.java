package io.loomflow.store;

/**
 * What a {@link Prune} deleted. Immutable.
 *
 * @param roots how many root runs were deleted, each with its whole tree
 * @param runs how many runs were deleted in all, roots included
 * @param keptUnfinished how many roots the prune selected by its conditions but kept because they had
 *     not ended
 */
public record PruneResult(long roots, long runs, long keptUnfinished) {
}
