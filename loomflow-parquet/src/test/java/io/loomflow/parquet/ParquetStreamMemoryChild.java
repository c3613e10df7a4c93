package io.loomflow.parquet;

import io.loomflow.data.Catalog;
import io.loomflow.data.Format;
import io.loomflow.data.Node;
import io.loomflow.data.Pipeline;
import io.loomflow.data.PipelineRun;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The program {@link ParquetStreamMemoryTest} runs in a JVM with a small heap: a pipeline of one
 * node under a root folder that turns {@code in.csv} into {@code readings.parquet} ({@code write}),
 * or {@code readings.parquet} into {@code out.csv}, as streams ({@code read}) or as whole lists
 * ({@code whole}). Prints {@code converted} when it succeeds.
 */
public final class ParquetStreamMemoryChild {

    /** A row: random tokens, so that the Parquet file is hardly smaller than the CSV. */
    public record Reading(long id, double value, String token) {
    }

    private ParquetStreamMemoryChild() {
    }

    /**
     * Runs the conversion.
     *
     * @param args {@code write}, {@code read} or {@code whole}, then the root folder
     */
    public static void main(String[] args) {
        String mode = args[0];
        boolean whole = mode.equals("whole");
        ParquetFormat<Reading> parquet = ParquetFormat.of(Reading.class);
        Catalog catalog = Catalog.builder().storage("file", Map.of("root", args[1]))
                .add("in", URI.create("file:in.csv"), Format.csvStream(Reading.class))
                .add("readings", URI.create("file:readings.parquet"), whole ? parquet : parquet.stream())
                .add("out", URI.create("file:out.csv"), whole ? Format.csv(Reading.class) : Format.csvStream(Reading.class))
                .build();
        Node convert = switch (mode) {
            case "write" -> Node.of("convert", "in", "readings", (Stream<Reading> rows) -> rows);
            case "read" -> Node.of("convert", "readings", "out", (Stream<Reading> rows) -> rows);
            default -> Node.of("convert", "readings", "out", (List<Reading> rows) -> rows);
        };
        Pipeline.of(convert).toFlow("convert", catalog).run(PipelineRun.all());
        System.out.println("converted");
    }
}
