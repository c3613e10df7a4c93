package io.loomflow.server;

import io.loomflow.Flow;
import io.loomflow.data.Catalog;
import io.loomflow.data.Node;
import io.loomflow.data.Pipeline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real pipeline over a file catalog in a folder of its own, as Pipeline.toFlow makes it: companies.csv
 * (read) is cleaned into clean_companies (csv, saved), counted by country in memory with a parameter,
 * and reported as report (json, saved): 3 nodes, 5 datasets, 7 edges. report is not written before a
 * run. With a gate, node count waits for it to open, so a test can watch the run in the middle.
 */
final class TestPipeline {

    static final String NAME = "companies-pipeline";

    private TestPipeline() {
    }

    static Flow<?, ?> flow(Path folder) {
        return flow(folder, null);
    }

    static Flow<?, ?> flow(Path folder, java.util.concurrent.CountDownLatch gate) {
        try {
            Files.createDirectories(folder.resolve("raw"));
            StringBuilder csv = new StringBuilder("id,name,country,rating\n");
            for (int i = 1; i <= 30; i++) {
                csv.append(i).append(",Company ").append(i).append(',').append(i % 3 == 0 ? "FR" : "DE").append(',')
                        .append(i % 5 == 0 ? "" : String.valueOf(i * 3)).append('\n');
            }
            csv.append("31,").append("x".repeat(500)).append(",DE,1\n"); // a cell longer than a preview shows
            Files.writeString(folder.resolve("raw/companies.csv"), csv);
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
        Catalog catalog = Catalog.builder().storage("file", Map.of("root", folder.toString()))
                .add("companies", "csv", URI.create("file:raw/companies.csv"))
                .add("clean_companies", "csv", URI.create("file:clean/companies.csv"))
                .add("report", "json", URI.create("file:out/report.json"))
                .build();
        Pipeline pipeline = Pipeline.of(
                Node.of("clean", "companies", "clean_companies", (List<Map<String, String>> rows) ->
                        rows.stream().filter(row -> !row.get("rating").isBlank()).toList()),
                Node.of("count", List.of("clean_companies", "params:country"), List.of("counts"), inputs -> {
                    if (gate != null && !gate.await(60, java.util.concurrent.TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the test never opened the gate");
                    }
                    List<Map<String, String>> rows = inputs.get("clean_companies");
                    String country = inputs.get("params:country");
                    Map<String, Object> counts = new LinkedHashMap<>();
                    counts.put("all", rows.size());
                    counts.put(country, rows.stream().filter(row -> row.get("country").equals(country)).count());
                    return counts;
                }),
                Node.of("report", "counts", "report", (Map<String, Object> counts) -> Map.of("counts", counts)));
        return pipeline.toFlow(NAME, catalog, Map.of("country", "FR"));
    }
}
