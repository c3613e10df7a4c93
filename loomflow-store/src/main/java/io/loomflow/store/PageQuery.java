package io.loomflow.store;

import io.loomflow.State;
import org.jspecify.annotations.Nullable;

/**
 * Which page of a run's children or of a map's items to read: at most {@code limit} entries, of one
 * state or of any, after the position a previous page ended at. Immutable; the {@code with*} methods
 * return changed copies.
 *
 * <p>Pages are read by position, not by offset: {@link Page#next()} is a cursor that the next query
 * passes to {@link #withAfter}, so that reading page after page of a million items costs the same
 * for the last page as for the first, and entries recorded while a reader pages are neither
 * skipped nor repeated.
 *
 * @param state the kind of state to match, or {@code null} for any; to turn words a person typed
 *     into a kind, use {@link State.Kind#parse(String)}
 * @param limit the most entries to return, from 1 to {@value #MOST}
 * @param after the cursor of the page before ({@link Page#next()}), or {@code null} for the first page
 */
public record PageQuery(State.@Nullable Kind state, int limit, @Nullable String after) {

    /** The most entries one page may hold. */
    public static final int MOST = 1000;

    /** Checks the limit and the cursor. */
    public PageQuery {
        if (limit < 1 || limit > MOST) {
            throw new IllegalArgumentException("a page's limit was " + limit + "; pass a number from 1 to " + MOST);
        }
        if (after != null && after.isBlank()) {
            throw new IllegalArgumentException("a page's cursor was blank; pass the next cursor of the page before,"
                    + " or none for the first page");
        }
    }

    /**
     * The first page of entries in any state.
     *
     * @param limit the most entries to return, from 1 to {@value #MOST}
     * @return the query
     */
    public static PageQuery first(int limit) {
        return new PageQuery(null, limit, null);
    }

    /**
     * Returns a copy that matches one state.
     *
     * @param kind the kind of state, or {@code null} for any
     * @return the changed copy
     */
    public PageQuery withState(State.@Nullable Kind kind) {
        return new PageQuery(kind, limit, after);
    }

    /**
     * Returns a copy that returns at most {@code most} entries.
     *
     * @param most from 1 to {@value #MOST}
     * @return the changed copy
     */
    public PageQuery withLimit(int most) {
        return new PageQuery(state, most, after);
    }

    /**
     * Returns a copy that reads the page after the one whose {@link Page#next()} is given.
     *
     * @param cursor a cursor returned by the store for the same run or map and the same state, or
     *     {@code null} for the first page
     * @return the changed copy
     */
    public PageQuery withAfter(@Nullable String cursor) {
        return new PageQuery(state, limit, cursor);
    }
}
