package io.loomflow.parquet.internal;

import io.loomflow.data.Format;
import io.loomflow.data.spi.FormatProvider;
import io.loomflow.parquet.Compression;
import io.loomflow.parquet.ParquetFormat;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The catalog's {@code type: parquet}: options {@code record} (the fully qualified name of a record
 * class, loaded with the thread's context class loader; rows as maps without it), {@code
 * compression} (snappy, gzip, zstd, lz4_raw or uncompressed) and {@code stream} ({@code true}: rows
 * as a lazy stream, {@code ParquetFormat.stream()}).
 */
public final class ParquetFormatProvider implements FormatProvider {

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public ParquetFormatProvider() {
    }

    @Override
    public String type() {
        return "parquet";
    }

    @Override
    public Format<?> format(Map<String, String> options) {
        Compression compression = Compression.SNAPPY;
        Class<? extends Record> record = null;
        boolean stream = false;
        for (Map.Entry<String, String> option : options.entrySet()) {
            switch (option.getKey()) {
                case "compression" -> compression = compression(option.getValue());
                case "record" -> record = record(option.getValue());
                case "stream" -> stream = stream(option.getValue());
                default -> throw new IllegalArgumentException("unknown option '" + option.getKey() + "' for type parquet;"
                        + " parquet takes the options record, compression and stream");
            }
        }
        ParquetFormat<?> format = (record == null ? ParquetFormat.maps() : ParquetFormat.of(record))
                .withCompression(compression);
        return stream ? format.stream() : format;
    }

    private static boolean stream(String value) {
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException("option stream was '" + value + "'; give true (rows as a stream, read and"
                    + " written a row group at a time) or false");
        }
        return Boolean.parseBoolean(value);
    }

    private static Compression compression(String name) {
        try {
            return Compression.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            throw new IllegalArgumentException("option compression was '" + name + "'; give one of " + Arrays.stream(
                    Compression.values()).map(c -> c.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
        }
    }

    private static Class<? extends Record> record(String name) {
        Class<? extends Record> recordType = FormatProvider.recordClass(name);
        ParquetFormat.of(recordType); // a component without a column is reported here, with the catalog's position
        return recordType;
    }
}
