package io.loomflow.internal.parameters;

import java.util.ArrayList;
import java.util.List;

/**
 * The problems found while binding, each naming its field. Keeps the first {@link #KEPT} and counts
 * the rest, so that a hostile body with a hundred thousand unknown keys costs a short answer.
 */
public final class Problems {

    /** How many problems are kept; the rest are only counted. */
    public static final int KEPT = 20;

    /** One problem: the field (a dotted path such as {@code window.start} or {@code ids[2]}) and what is wrong. */
    public record Problem(String field, String problem) {
    }

    private final List<Problem> kept = new ArrayList<>();
    private int leftOut;

    public void add(String field, String problem) {
        if (kept.size() < KEPT) {
            kept.add(new Problem(field, problem));
        } else {
            leftOut++;
        }
    }

    /** The problems kept, in the order found. */
    public List<Problem> kept() {
        return List.copyOf(kept);
    }

    /** How many more were found and not kept. */
    public int leftOut() {
        return leftOut;
    }

    boolean isEmpty() {
        return kept.isEmpty();
    }

    int count() {
        return kept.size() + leftOut;
    }

    /** A value for a message: short, on one line, strings quoted with JSON's escapes (so control characters show). */
    static String show(Object value) {
        String text = switch (value) {
            case null -> "null";
            case String string -> quote(string);
            case java.util.Map<?, ?> map -> map.isEmpty() ? "an empty object" : "an object";
            case java.util.List<?> list -> list.isEmpty() ? "an empty list" : "a list";
            default -> String.valueOf(value);
        };
        return text.length() > 80 ? text.substring(0, 77) + "..." : text;
    }

    static String quote(String text) {
        StringBuilder quoted = new StringBuilder(Math.min(text.length(), 90) + 2).append('"');
        for (int i = 0; i < text.length() && quoted.length() < 90; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (c < 0x20 || c >= 0x7f && c < 0xa0 || c >= 0x202a && c <= 0x202e || c >= 0x2066 && c <= 0x2069) {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
