package io.loomflow.sql.internal;

import io.loomflow.data.Format;
import io.loomflow.data.spi.FormatProvider;
import io.loomflow.sql.SqlTable;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The catalog's {@code type: sql}: options {@code table} or {@code query} (exactly one), {@code key}
 * (comma-separated columns), {@code mode} (append, overwrite, upsert), {@code batchSize}, {@code
 * record} (a record class's full name; maps without it) and {@code stream}. A user or password is
 * refused here: it belongs in {@code credentials.yml}.
 */
public final class SqlFormatProvider implements FormatProvider {

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public SqlFormatProvider() {
    }

    @Override
    public String type() {
        return "sql";
    }

    @Override
    public Format<?> format(Map<String, String> options) {
        for (String option : options.keySet()) {
            switch (option) {
                case "table", "query", "key", "mode", "batchSize", "record", "stream" -> { }
                case "user", "password", "username" -> throw new IllegalArgumentException("option '" + option
                        + "' does not belong in the catalog; put user and password in an entry of credentials.yml"
                        + " (conf/local, kept out of git) and name it with credentials: NAME");
                default -> throw new IllegalArgumentException("unknown option '" + option + "' for type sql; sql takes"
                        + " the options table or query, key, mode, batchSize, record and stream");
            }
        }
        if (options.containsKey("table") == options.containsKey("query")) {
            throw new IllegalArgumentException("give exactly one of the options table (such as table: people) and"
                    + " query (such as query: \"SELECT id, name FROM people\")");
        }
        String stream = options.getOrDefault("stream", "false");
        if (!stream.equals("true") && !stream.equals("false")) {
            throw new IllegalArgumentException("option stream was '" + stream + "'; give true (rows as a stream) or"
                    + " false");
        }
        Class<? extends Record> record = options.containsKey("record")
                ? FormatProvider.recordClass(options.get("record")) : null;
        SqlTable<?> format = record == null
                ? (stream.equals("true") ? SqlTable.rowStream() : SqlTable.rows())
                : (stream.equals("true") ? SqlTable.stream(record) : SqlTable.of(record));
        format = options.containsKey("table") ? format.table(options.get("table")) : format.query(options.get("query"));
        if (options.containsKey("key")) {
            format = format.key(options.get("key").split("\\s*,\\s*"));
        }
        if (options.containsKey("mode")) {
            format = format.mode(mode(options.get("mode")));
        }
        if (options.containsKey("batchSize")) {
            format = format.batchSize(batchSize(options.get("batchSize")));
        }
        return format;
    }

    private static SqlTable.Mode mode(String mode) {
        try {
            return SqlTable.Mode.valueOf(mode.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            throw new IllegalArgumentException("option mode was '" + mode + "'; give append, overwrite or upsert");
        }
    }

    private static int batchSize(@Nullable String text) {
        try {
            return Integer.parseInt(String.valueOf(text));
        } catch (NumberFormatException notNumber) {
            throw new IllegalArgumentException("option batchSize was '" + text + "'; give a whole number, such as 1000");
        }
    }
}
