package io.loomflow.store.internal;

import java.time.Instant;
import java.util.UUID;

/**
 * The cursors of pages, as every store writes and reads them, so that a bad cursor gets the same
 * clear error from each: a position among a run's children (when created, and the id that breaks
 * ties), among a map's items (an index) or in a run's lineage (a sequence).
 */
public final class Cursors {

    private Cursors() {
    }

    /** A position among a run's children. */
    public record Position(Instant createdAt, UUID id) {
    }

    /** The cursor after a child created at a time, with an id. */
    public static String after(Instant createdAt, UUID id) {
        return createdAt.getEpochSecond() + "." + createdAt.getNano() + "." + id;
    }

    /** The cursor after an item's index. */
    public static String afterIndex(int index) {
        return Integer.toString(index);
    }

    /** Reads a cursor of {@link #after(Instant, UUID)}. */
    public static Position position(String cursor) {
        String[] parts = cursor.split("\\.", 3);
        try {
            if (parts.length == 3) {
                long seconds = Long.parseLong(parts[0]);
                int nanos = Integer.parseInt(parts[1]);
                if (nanos >= 0 && nanos < 1_000_000_000) {
                    return new Position(Instant.ofEpochSecond(seconds, nanos), UUID.fromString(parts[2]));
                }
            }
        } catch (RuntimeException notOurs) {
            throw refused(cursor);
        }
        throw refused(cursor);
    }

    /** Reads a cursor of {@link #afterIndex(int)}. */
    public static int index(String cursor) {
        try {
            int index = Integer.parseInt(cursor);
            if (index >= 0) {
                return index;
            }
        } catch (NumberFormatException notOurs) {
            throw refused(cursor);
        }
        throw refused(cursor);
    }

    /** The cursor after a lineage entry's sequence. */
    public static String afterSequence(long sequence) {
        return "s" + sequence;
    }

    /**
     * Where a page of a run's lineage starts: the sequence of the entry before it, or -1 for the
     * first page.
     *
     * @throws IllegalArgumentException if the query names a state, which a lineage entry has not,
     *     or its cursor is not one of {@link #afterSequence(long)}
     */
    public static long lineageAfter(io.loomflow.store.PageQuery query) {
        if (query.state() != null) {
            throw new IllegalArgumentException("a run's lineage has no states to filter by; got state "
                    + query.state().label() + ": pass a query without one");
        }
        String cursor = query.after();
        if (cursor == null) {
            return -1;
        }
        try {
            if (cursor.startsWith("s")) {
                long sequence = Long.parseLong(cursor.substring(1));
                if (sequence >= 0) {
                    return sequence;
                }
            }
        } catch (NumberFormatException notOurs) {
            throw refused(cursor);
        }
        throw refused(cursor);
    }

    private static IllegalArgumentException refused(String cursor) {
        String shown = cursor.length() > 80 ? cursor.substring(0, 80) + "..." : cursor;
        return new IllegalArgumentException("the page cursor '" + shown + "' is not one this history made; pass the"
                + " next cursor of the page before, or none for the first page");
    }
}
