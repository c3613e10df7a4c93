package io.loomflow.cli.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/** How the command writes durations, times and suggestions. */
final class Text {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private Text() {
    }

    /** {@code 12 ms}, {@code 1.4 s}, {@code 2 min 3 s}, {@code 1 h 2 min}. */
    static String duration(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1000) {
            return millis + " ms";
        }
        if (millis < 60_000) {
            return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        long seconds = duration.toSeconds();
        if (seconds < 3600) {
            return seconds / 60 + " min " + seconds % 60 + " s";
        }
        return seconds / 3600 + " h " + seconds % 3600 / 60 + " min";
    }

    /** The time of day with milliseconds: {@code 14:03:07.125}. */
    static String clock(Instant at, ZoneId zone) {
        return CLOCK.format(at.atZone(zone));
    }

    /** Date and time to the second: {@code 2026-11-22 14:03:07}. */
    static String dateTime(Instant at, ZoneId zone) {
        return DATE_TIME.format(at.atZone(zone));
    }

    /** {@code s} padded with spaces to {@code width}. */
    static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    /** The candidate closest to {@code wanted}: the one "did you mean" rule of every Loomflow tool. */
    static Optional<String> closest(String wanted, Collection<String> candidates) {
        return io.loomflow.ParameterModel.closest(wanted, candidates);
    }

    /** The first line of a message, or the exception's type when it has none. */
    static String firstLine(String message) {
        if (message == null || message.isBlank()) {
            return "";
        }
        int end = message.indexOf('\n');
        return (end < 0 ? message : message.substring(0, end)).strip();
    }

    /** The stack trace of {@code error} as {@link Throwable#printStackTrace()} writes it, safe for a terminal. */
    static String stackTrace(Throwable error) {
        java.io.StringWriter trace = new java.io.StringWriter();
        error.printStackTrace(new java.io.PrintWriter(trace));
        StringBuilder safe = new StringBuilder();
        for (String line : trace.toString().split("\\R")) {
            int tabs = 0;
            while (tabs < line.length() && line.charAt(tabs) == '\t') {
                tabs++;
            }
            safe.append(line, 0, tabs).append(TerminalText.line(line.substring(tabs))).append('\n');
        }
        return safe.toString();
    }

    /** {@code java.io.IOException: disk full}, or just the type when there is no message. */
    static String error(Throwable error) {
        String message = firstLine(error.getMessage());
        return TerminalText.line(message.isEmpty() ? error.getClass().getName() : error.getClass().getName() + ": " + message);
    }
}
