package io.loomflow.cases;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.loomflow.Param.Max;
import io.loomflow.Param.Min;
import io.loomflow.Param.NotBlank;
import io.loomflow.Param.Pattern;
import io.loomflow.Param.Size;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The one table of parameter binding ({@code parameters.tsv} beside this class), shared by the tests
 * of core, the CLI and the server so that all three bind every row alike.
 */
public final class ParameterCases {

    /** Colours, for enum rows. */
    public enum Color { RED, GREEN, BLUE }

    /**
     * A parameter record with one component of each kind, and two with constraints; every one has a
     * default, so a row sets one.
     */
    public record Knobs(byte small, short medium, int count, long big, float ratio, double weight, BigInteger huge,
                        BigDecimal exact, boolean flag, char letter, Color color, UUID id, URI link, LocalDate day,
                        Duration pause, List<Integer> ids, Set<String> tags, int[] codes, Map<String, Integer> limits,
                        Optional<String> note, @Min(1) @Max(1000) int items,
                        @NotBlank @Size(max = 12) @Pattern(regexp = "[a-z][a-z0-9]*(-[a-z0-9]+)*") String slug) {

        /** The values a row does not set. */
        public static Knobs defaults() {
            return new Knobs((byte) 1, (short) 2, 3, 4L, 0.25f, 0.5, BigInteger.TEN, BigDecimal.ONE, false, 'x', Color.RED,
                    UUID.fromString("00000000-0000-4000-8000-000000000000"), URI.create("https://example.org/"),
                    LocalDate.of(2026, 1, 1), Duration.ofSeconds(5), List.of(), Set.of(), new int[0], Map.of(),
                    Optional.empty(), 10, "main");
        }
    }

    /**
     * One row.
     *
     * @param field the parameter's dotted name
     * @param json whether {@code input} is a JSON value (else text a person types)
     * @param input the input, unescaped
     * @param fits whether it binds
     * @param expected for a row that fits, the field's value as JSON text; else the problem's words
     * @param problemField for a row that does not fit, the field the problem names
     */
    public record Case(String field, boolean json, String input, boolean fits, String expected, String problemField) {

        /** The row's {@code --param} text. */
        public String pair() {
            return field + "=" + input;
        }

        /** A short name for the test report. */
        @Override
        public String toString() {
            return field + (json ? " json " : " text ") + ParameterCases.show(input) + (fits ? " = " : " ! ") + expected;
        }
    }

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .build();

    private ParameterCases() {
    }

    /** Every row of the table. */
    public static List<Case> all() {
        try (InputStream in = ParameterCases.class.getResourceAsStream("parameters.tsv")) {
            List<Case> cases = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] columns = line.split("\t", -1);
                if (columns.length != 4) {
                    throw new IllegalStateException("parameters.tsv: expected 4 tab-separated columns in: " + line);
                }
                String expected = columns[3];
                boolean fits = expected.startsWith("= ");
                String problemField = fits ? null : expected.substring(2, expected.indexOf(" | "));
                cases.add(new Case(columns[0], columns[1].equals("json"), unescape(columns[2]), fits,
                        fits ? expected.substring(2) : expected.substring(expected.indexOf(" | ") + 3), problemField));
            }
            return cases;
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
    }

    /** The rows a person can type (for the command line and the form). */
    public static List<Case> typed() {
        return all().stream().filter(c -> !c.json()).toList();
    }

    /** The JSON object a row sends to the API: a dotted field nests, a list's text is split at commas. */
    public static Map<String, Object> body(Case row, boolean isList) {
        Object value;
        if (row.json()) {
            value = parse(row.input());
        } else if (isList) {
            value = new ArrayList<>(List.of(row.input().split(",", -1)).stream().map(String::strip).toList());
        } else {
            value = row.input();
        }
        Map<String, Object> body = new LinkedHashMap<>();
        String[] parts = row.field().split("\\.");
        Map<String, Object> node = body;
        for (int i = 0; i < parts.length - 1; i++) {
            Map<String, Object> child = new LinkedHashMap<>();
            node.put(parts[i], child);
            node = child;
        }
        node.put(parts[parts.length - 1], value);
        return body;
    }

    /** A JSON text as maps, lists, strings, BigDecimal/BigInteger, booleans and null. */
    public static Object parse(String json) {
        try {
            return JSON.readValue(json, Object.class);
        } catch (IOException notJson) {
            throw new IllegalArgumentException("not JSON: " + json, notJson);
        }
    }

    /** Whether a bound value (as JSON: from ParameterModel.toJson, or printed by a tool) is the row's expected one. */
    public static boolean same(Object actual, String expectedJson) {
        return normal(actual).equals(normal(parse(expectedJson)));
    }

    private static Object normal(Object value) {
        return switch (value) {
            case Number number -> new BigDecimal(number.toString()).stripTrailingZeros();
            case List<?> list -> list.stream().map(ParameterCases::normal).toList();
            case Map<?, ?> map -> {
                Map<String, Object> normal = new LinkedHashMap<>();
                map.forEach((k, v) -> normal.put(String.valueOf(k), normal(v)));
                yield normal;
            }
            case null -> "null";
            default -> value;
        };
    }

    private static String unescape(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\' || i + 1 == text.length()) {
                out.append(c);
                continue;
            }
            char next = text.charAt(++i);
            switch (next) {
                case 't' -> out.append('\t');
                case 'n' -> out.append('\n');
                case 'u' -> {
                    out.append((char) Integer.parseInt(text.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> out.append(next);
            }
        }
        return out.toString();
    }

    static String show(String text) {
        StringBuilder shown = new StringBuilder("'");
        text.codePoints().forEach(c -> shown.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", c)
                : String.valueOf((char) c)));
        return shown.append("'").toString();
    }
}
