package io.loomflow.schedules;

import io.loomflow.ParameterModel;
import io.loomflow.data.CatalogException;
import io.loomflow.data.Conf;
import io.loomflow.data.ConfValue;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The settings of one entry of {@code schedules.yml} or {@code triggers.yml}, read with the same
 * rules: each mistake an exception starting {@code file:line:column:}, naming the entry and the
 * value, and showing a valid one.
 *
 * @param <E> the exception a mistake is ({@link ScheduleException}, {@link TriggerException})
 */
final class ConfSettings<E extends RuntimeException> {

    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    private static final Pattern DURATION = Pattern.compile("(?:\\d+(?:ms|s|m|h|d))+");

    private final String subject;
    private final Function<String, E> exception;

    /**
     * Reads each entry of a file of a configuration folder ({@code schedules}, {@code triggers}).
     *
     * @param conf the folder
     * @param name the files' name, as {@link Conf#entries} takes it
     * @param exception makes the exception of an unreadable file's message
     * @param read reads an entry, given its name and value
     * @return what {@code read} made of each entry, in file order
     */
    static <T, E extends RuntimeException> List<T> load(Conf conf, String name, Function<String, E> exception,
                                                       BiFunction<String, ConfValue, T> read) {
        List<T> loaded = new ArrayList<>();
        try {
            for (Map.Entry<String, ConfValue> entry : conf.entries(name).entrySet()) {
                loaded.add(read.apply(entry.getKey(), entry.getValue()));
            }
        } catch (CatalogException unreadable) { // a syntax error, a reference to nothing defined
            E error = exception.apply(unreadable.getMessage());
            error.initCause(unreadable);
            throw error;
        }
        return List.copyOf(loaded);
    }

    /**
     * @param subject what messages begin with, such as {@code schedule nightly}
     * @param exception makes the exception of a message
     */
    ConfSettings(String subject, Function<String, E> exception) {
        this.subject = subject;
        this.exception = exception;
    }

    /**
     * The entry's settings by key, after checking that it is a mapping and has no key but {@code keys}.
     *
     * @param example a valid entry, for the message of one that is not a mapping
     */
    Map<String, ConfValue> settings(ConfValue entry, List<String> keys, String example) {
        if (!entry.isMapping()) {
            throw error(entry, subject + " must be a mapping of its settings, such as " + example + "; the keys are "
                    + keys);
        }
        Map<String, ConfValue> settings = entry.entries();
        for (Map.Entry<String, ConfValue> setting : settings.entrySet()) {
            if (!keys.contains(setting.getKey())) {
                throw error(setting.getValue(), subject + ": unknown key '" + setting.getKey() + "'; the keys are "
                        + keys + ParameterModel.closest(setting.getKey(), keys).map(c -> "; did you mean " + c + "?")
                        .orElse(""));
            }
        }
        return settings;
    }

    /** A single value, stripped; blank or not a scalar is a mistake. */
    String text(String key, ConfValue value, String example) {
        String text = value.text();
        if (text == null || text.isBlank()) {
            throw error(value, subject + ": " + key + " must be a single value, such as " + key + ": " + example);
        }
        return text.strip();
    }

    /** A whole number, 1 or more. */
    int positive(String key, ConfValue value, String example) {
        String text = value.text();
        try {
            int number = Integer.parseInt(text == null ? "" : text.strip());
            if (number >= 1) {
                return number;
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        throw error(value, subject + ": " + key + " must be a whole number, 1 or more, not '" + text + "'; such as "
                + example);
    }

    /**
     * {@code 30s}, {@code 5m}, {@code 1h30m}, {@code 1d}, {@code 250ms}, or ISO-8601 ({@code PT5M});
     * zero or more. A mistake's message shows the value as written.
     */
    Duration duration(String key, ConfValue value, String example) {
        String written = text(key, value, example);
        String text = written.toLowerCase(Locale.ROOT);
        if (DURATION.matcher(text).matches()) {
            Duration total = Duration.ZERO;
            Matcher part = PART.matcher(text);
            try {
                while (part.find()) {
                    long amount = Long.parseLong(part.group(1));
                    total = total.plus(switch (part.group(2)) {
                        case "ms" -> Duration.ofMillis(amount);
                        case "s" -> Duration.ofSeconds(amount);
                        case "m" -> Duration.ofMinutes(amount);
                        case "h" -> Duration.ofHours(amount);
                        default -> Duration.ofDays(amount);
                    });
                }
                return total;
            } catch (ArithmeticException | NumberFormatException tooLong) {
                throw error(value, subject + ": " + key + " '" + written + "' is too long; such as " + key + ": "
                        + example);
            }
        }
        Duration parsed;
        try {
            parsed = Duration.parse(written.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException notIso) {
            throw error(value, subject + ": " + key + " '" + written + "' is not a duration; write a number and a unit"
                    + " (ms, s, m, h, d), as " + key + ": " + example + " or 1h30m, or ISO-8601 such as PT15M");
        }
        if (parsed.isNegative()) {
            throw error(value, subject + ": " + key + " '" + written + "' must not be negative; such as " + key + ": "
                    + example);
        }
        return parsed;
    }

    /** As {@link #duration}, more than zero. */
    Duration positiveDuration(String key, ConfValue value, String example) {
        Duration duration = duration(key, value, example);
        if (duration.isZero()) {
            throw error(value, subject + ": " + key + " must be more than zero, such as " + key + ": " + example);
        }
        return duration;
    }

    /** As {@link #positiveDuration}, from {@code least} to {@code most}. */
    Duration durationWithin(String key, ConfValue value, String example, Duration least, Duration most) {
        Duration duration = positiveDuration(key, value, example);
        if (duration.compareTo(least) < 0 || duration.compareTo(most) > 0) {
            throw error(value, subject + ": " + key + " '" + text(key, value, example) + "' must be from "
                    + shown(least) + " to " + shown(most) + ", such as " + key + ": " + example);
        }
        return duration;
    }

    /** A duration as this reader writes it, in its largest whole unit: {@code 366d}, {@code 1s}. */
    private static String shown(Duration duration) {
        long millis = duration.toMillis();
        for (Map.Entry<String, Long> unit : List.of(Map.entry("d", 86_400_000L), Map.entry("h", 3_600_000L),
                Map.entry("m", 60_000L), Map.entry("s", 1_000L))) {
            if (millis % unit.getValue() == 0) {
                return millis / unit.getValue() + unit.getKey();
            }
        }
        return millis + "ms";
    }

    /** A mapping of parameter names to JSON values. */
    Map<String, ?> parameters(ConfValue parameters) {
        if (!parameters.isMapping()) {
            throw error(parameters, subject + ": parameters must be a mapping of names to values, such as"
                    + " parameters: { region: emea, days: 3 }");
        }
        Map<?, ?> values = (Map<?, ?>) parameters.value();
        return values == null ? Map.of() : castKeys(values);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ?> castKeys(Map<?, ?> values) {
        return (Map<String, ?>) values;
    }

    /** A mistake at {@code value}'s place (none if null). */
    E error(@Nullable ConfValue value, String message) {
        return exception.apply(value == null ? message : value.where() + ": " + message);
    }
}
