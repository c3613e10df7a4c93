package io.loomflow.internal.parameters;

import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;

/** The closest of some names to a name given by mistake, by edit distance ignoring case. */
public final class Closest {

    private Closest() {
    }

    /**
     * The candidate closest to {@code given}, if within a third of its length (at least 2 edits);
     * ties go to the first in natural order.
     */
    public static Optional<String> to(String given, Collection<String> candidates) {
        String wanted = given.toLowerCase(Locale.ROOT);
        return candidates.stream()
                .min(Comparator.comparingInt((String candidate) -> distance(wanted, candidate.toLowerCase(Locale.ROOT)))
                        .thenComparing(Comparator.naturalOrder()))
                .filter(best -> distance(wanted, best.toLowerCase(Locale.ROOT)) <= Math.max(2, best.length() / 3));
    }

    /** The Levenshtein distance: inserts, deletes and substitutions that turn {@code a} into {@code b}. */
    static int distance(String a, String b) {
        if (a.length() > 200 || b.length() > 200) {
            return Integer.MAX_VALUE; // no typo of a name is that long, and the table would be large
        }
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
