package io.loomflow.cli.internal;

/**
 * Makes text from a run safe to print on a terminal: every character a terminal could take as a
 * command, rather than show, is replaced by its visible escape, {@code \u001b} for ESC.
 *
 * <p>Escaped: the C0 controls (ESC, BEL, backspace, carriage return, tab and the rest, and the
 * line feed too in {@link #line}), DEL, the C1 controls (U+0080 to U+009F, which some terminals
 * take as ESC sequences: U+009B is CSI), and the bidirectional embeddings, overrides and isolates
 * (U+202A to U+202E, U+2066 to U+2069), which reorder what is shown. So a flow name, parameter,
 * result, error or log line, which a run started over HTTP can set, cannot clear the screen, move
 * the cursor, set the window title or clipboard, or disguise what it says. A backslash is left as
 * it is: the escape of a character and the same six characters given as text look alike, which
 * hides nothing. Every print of data from a run or a store goes through here.
 */
final class TerminalText {

    private TerminalText() {
    }

    /**
     * Text for one line: line feeds are escaped too, so the text cannot start a line of its own.
     *
     * @param text the text, or {@code null}
     * @return the text with every control escaped; {@code "null"} for {@code null}
     */
    static String line(String text) {
        return escape(text, false);
    }

    /**
     * Text that may span lines: line feeds are kept, every other control is escaped.
     *
     * @param text the text, or {@code null}
     * @return the text with every control but the line feed escaped; {@code "null"} for {@code null}
     */
    static String lines(String text) {
        return escape(text, true);
    }

    private static String escape(String text, boolean keepLineFeeds) {
        if (text == null) {
            return "null";
        }
        int first = 0;
        while (first < text.length() && !escaped(text.charAt(first), keepLineFeeds)) {
            first++;
        }
        if (first == text.length()) {
            return text;
        }
        StringBuilder safe = new StringBuilder(text.length() + 16).append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (escaped(c, keepLineFeeds)) {
                safe.append(String.format("\\u%04x", (int) c));
            } else {
                safe.append(c);
            }
        }
        return safe.toString();
    }

    private static boolean escaped(char c, boolean keepLineFeeds) {
        return c < 0x20 ? !(keepLineFeeds && c == '\n')
                : c >= 0x7f && c <= 0x9f || c >= 0x202a && c <= 0x202e || c >= 0x2066 && c <= 0x2069;
    }
}
