package io.loomflow.store;

import java.util.Locale;
import java.util.UUID;

/**
 * The start of a run id, as a person types it: what {@link RunStore#runsByIdPrefix}
 * matches. Its ids are those from {@link #lowest()} to {@link #highest()}, which, as UUIDs compare
 * in PostgreSQL and H2 (byte by byte, unsigned), is one range of an index on ids.
 *
 * @param text the prefix as {@link UUID#toString()} writes ids: lower case, hyphens in their places
 * @param lowest the first id that starts with it
 * @param highest the last id that starts with it
 */
public record RunIdPrefix(String text, UUID lowest, UUID highest) {

    /** Where {@link UUID#toString()} puts its hyphens. */
    private static final int[] HYPHENS = {8, 13, 18, 23};

    /**
     * Reads a prefix: hexadecimal digits in any case, 1 to 32 of them, with the hyphens of an id's
     * text in their places or none at all.
     *
     * @param given the prefix
     * @return the prefix read
     * @throws IllegalArgumentException if it is empty, too long, or has a character an id's text has not there
     */
    public static RunIdPrefix of(String given) {
        String lower = given.toLowerCase(Locale.ROOT);
        String digits = lower.indexOf('-') < 0 ? lower : withoutHyphens(lower, given);
        if (digits.isEmpty() || digits.length() > 32 || !digits.chars().allMatch(RunIdPrefix::isHexDigit)) {
            throw new IllegalArgumentException("'" + given + "' is not the start of a run id: give 1 to 32 hexadecimal"
                    + " digits, with or without the hyphens, such as 0194f3c2 or 0194f3c2-7b1e");
        }
        StringBuilder text = new StringBuilder(digits);
        for (int hyphen : HYPHENS) {
            if (text.length() > hyphen) {
                text.insert(hyphen, '-');
            }
        }
        return new RunIdPrefix(text.toString(), uuid(digits + "0".repeat(32 - digits.length())),
                uuid(digits + "f".repeat(32 - digits.length())));
    }

    /** The digits of a prefix with hyphens, which must be where an id's text has them. */
    private static String withoutHyphens(String lower, String given) {
        for (int i = 0; i < lower.length(); i++) {
            int at = i;
            boolean hyphenHere = java.util.Arrays.stream(HYPHENS).anyMatch(place -> place == at);
            if ((lower.charAt(i) == '-') != hyphenHere) {
                throw new IllegalArgumentException("'" + given + "' is not the start of a run id: an id's hyphens come"
                        + " after its 8th, 12th, 16th and 20th digits, as in 0194f3c2-7b1e-7c4d-9a8b-2f6e1d0c3b5a");
            }
        }
        return lower.replace("-", "");
    }

    private static boolean isHexDigit(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    }

    private static UUID uuid(String hex) {
        return new UUID(Long.parseUnsignedLong(hex.substring(0, 16), 16), Long.parseUnsignedLong(hex.substring(16), 16));
    }

    /**
     * Tells whether an id starts with this prefix.
     *
     * @param id a run id
     * @return {@code true} if it does
     */
    public boolean matches(UUID id) {
        return id.toString().startsWith(text);
    }
}
