package io.loomflow.store;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One page of a longer list: its entries, in the list's order, and where the next page starts.
 * Immutable.
 *
 * @param entries the entries of this page, at most the query's limit
 * @param next the cursor to pass to {@link PageQuery#withAfter} for the next page; {@code null} when
 *     this is the last page
 * @param <T> the type of the entries
 */
public record Page<T>(List<T> entries, @Nullable String next) {

    /** Copies the entries. */
    public Page {
        entries = List.copyOf(entries);
    }

    /**
     * Tells whether there is a page after this one.
     *
     * @return {@code true} if {@link #next()} is set
     */
    public boolean hasNext() {
        return next != null;
    }
}
