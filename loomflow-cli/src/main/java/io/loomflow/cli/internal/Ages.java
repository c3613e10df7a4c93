package io.loomflow.cli.internal;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Ages as {@code prune --older-than} takes them: a whole number and a unit, {@code 30d}, {@code 12h}. */
final class Ages {

    private static final Pattern AGE = Pattern.compile("(\\d{1,9})([smhdw])");
    private static final String EXAMPLE = "pass a whole number and a unit s, m, h, d or w, such as 30d or 12h";

    private Ages() {
    }

    /**
     * The age in {@code text}: a whole number of seconds ({@code s}), minutes ({@code m}), hours
     * ({@code h}), days ({@code d}) or weeks ({@code w}).
     *
     * @param option the option's name, for the message
     * @param text what was given
     * @throws CliException if it is no such age
     */
    static Duration parse(String option, String text) {
        if (text == null || text.isBlank()) {
            throw CliException.badInput(option + " needs an age; " + EXAMPLE + " ('" + option + " 30d')");
        }
        Matcher age = AGE.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!age.matches()) {
            String problem = text.strip().startsWith("-") ? "is negative" : "is not an age";
            throw CliException.badInput(option + " '" + TerminalText.line(text) + "' " + problem + "; " + EXAMPLE);
        }
        long count = Long.parseLong(age.group(1));
        return switch (age.group(2)) {
            case "s" -> Duration.ofSeconds(count);
            case "m" -> Duration.ofMinutes(count);
            case "h" -> Duration.ofHours(count);
            case "d" -> Duration.ofDays(count);
            default -> Duration.ofDays(count * 7);
        };
    }

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

    /**
     * A duration as the worker's options take it: a whole number and a unit {@code ms}, {@code s},
     * {@code m} or {@code h} ({@code 30s}, {@code 500ms}, {@code 2m}).
     *
     * @param option the option's name, for the message
     * @param text what was given
     * @throws CliException if it is no such duration
     */
    static Duration duration(String option, String text) {
        String example = "pass a whole number and a unit ms, s, m or h, such as " + option + " 30s";
        Matcher duration = DURATION.matcher(text == null ? "" : text.strip().toLowerCase(Locale.ROOT));
        if (!duration.matches()) {
            throw CliException.badInput(option + " '" + TerminalText.line(String.valueOf(text)) + "' is not a duration; "
                    + example);
        }
        long count = Long.parseLong(duration.group(1));
        return switch (duration.group(2)) {
            case "ms" -> Duration.ofMillis(count);
            case "s" -> Duration.ofSeconds(count);
            case "m" -> Duration.ofMinutes(count);
            default -> Duration.ofHours(count);
        };
    }
}
