package io.loomflow.examples.s2;

import io.loomflow.Flow;
import io.loomflow.data.Catalog;
import io.loomflow.data.Node;
import io.loomflow.data.Parameters;
import io.loomflow.data.Pipeline;
import io.loomflow.data.PipelineRun;
import io.loomflow.data.Storages;
import io.loomflow.data.spi.StorageOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Scenario S2: a data pipeline whose datasets are loaded and saved concurrently, with the same
 * results from {@code main}, JShell, a thread, another flow or many callers at once.
 *
 * <p>The spaceflights pipeline: CSV files of companies and shuttles are cleaned, joined into a model
 * input table, and summarised in a JSON report. The data's locations are in {@code conf/catalog.yml}
 * ({@code file:} under {@code data/}); pointing the catalog at {@code az://} or {@code s3://}
 * moves the data without touching this code. Run it from the {@code examples} folder: {@code
 * ./mvnw -q -pl examples exec:exec -Dexample=io.loomflow.examples.s2.Spaceflights}.
 */
public final class Spaceflights {

    private Spaceflights() {
    }

    /** The pipeline's nodes; each row is a column-to-value map, as {@code csv} datasets hold them. */
    public static Pipeline pipeline() {
        Node preprocessCompanies = Node.of("preprocess_companies", "companies", "preprocessed_companies",
                (List<Map<String, String>> companies) -> companies.stream().map(company -> {
                    Map<String, String> row = new LinkedHashMap<>(company);
                    row.put("company_rating", percent(company.get("company_rating")));
                    row.put("iata_approved", String.valueOf("t".equals(company.get("iata_approved"))));
                    return row;
                }).toList());
        Node preprocessShuttles = Node.of("preprocess_shuttles", "shuttles", "preprocessed_shuttles",
                (List<Map<String, String>> shuttles) -> shuttles.stream().map(shuttle -> {
                    Map<String, String> row = new LinkedHashMap<>(shuttle);
                    row.put("price", shuttle.get("price").replace("$", "").replace(",", ""));
                    return row;
                }).toList());
        Node modelInput = Node.of("create_model_input_table", List.of("preprocessed_shuttles", "preprocessed_companies"),
                List.of("model_input_table"), inputs -> joinWithCompanies(inputs.get("preprocessed_shuttles"),
                        inputs.get("preprocessed_companies")));
        Node report = Node.of("report", List.of("model_input_table", "params:report.currency", "params:report.min_rating"),
                List.of("shuttle_report"), inputs -> report(inputs.get("model_input_table"),
                        inputs.get("params:report.currency"), ((Number) inputs.get("params:report.min_rating")).doubleValue()));
        return Pipeline.of(preprocessCompanies, preprocessShuttles, modelInput, report);
    }

    /** The pipeline as a flow over the catalog and parameters in {@code conf}. */
    public static Flow<PipelineRun, Map<String, Object>> flow(Path conf) {
        return pipeline().toFlow("spaceflights", Catalog.load(conf.resolve("catalog.yml")),
                Parameters.load(conf.resolve("parameters.yml")));
    }

    /**
     * The parameters of {@link #commandLineFlow()}.
     *
     * @param project the folder that holds {@code conf/} and {@code data/}, such as {@code examples}
     */
    public record Params(String project) {
    }

    /**
     * The pipeline as a flow for the {@code loomflow} command: {@code loomflow run spaceflights
     * --param project=examples}. The catalog is read when the flow runs, and its {@code file:}
     * datasets are found under the project's {@code data} folder, wherever the command runs.
     */
    public static Flow<Params, Map<String, Object>> commandLineFlow() {
        Flow<Params, Map<String, Object>> flow = Flow.named("spaceflights", Params.class, (Params p) -> {
            Path project = Path.of(p.project());
            return pipeline().toFlow("spaceflights-pipeline", projectCatalog(project),
                    Parameters.load(project.resolve("conf/parameters.yml"))).call(PipelineRun.all());
        });
        // The picture (the web UI, loomflow graph): the pipeline over the project this flow is usually run on,
        // the examples folder from the clone's root or the working directory itself, whose datasets it previews.
        for (Path project : List.of(Path.of("examples"), Path.of(""))) {
            if (Files.isRegularFile(project.resolve("conf/catalog.yml"))) {
                return flow.withGraph(pipeline().graph(projectCatalog(project)));
            }
        }
        return flow;
    }

    /** The catalog of a project folder, its {@code file:} datasets under the project's {@code data} folder. */
    private static Catalog projectCatalog(Path project) {
        return Catalog.load(project.resolve("conf/catalog.yml")).withStorage("file",
                Storages.resource(StorageOptions.none("file").with("root", project.resolve("data").toString())));
    }

    private static String percent(String text) {
        return text == null || text.isBlank() ? "" : String.valueOf(Double.parseDouble(text.replace("%", "")) / 100);
    }

    private static List<Map<String, String>> joinWithCompanies(List<Map<String, String>> shuttles,
                                                               List<Map<String, String>> companies) {
        Map<String, Map<String, String>> byId = new LinkedHashMap<>();
        companies.forEach(company -> byId.put(company.get("id"), company));
        List<Map<String, String>> table = new ArrayList<>();
        for (Map<String, String> shuttle : shuttles) {
            Map<String, String> company = byId.get(shuttle.get("company_id"));
            if (company == null || company.get("company_rating").isBlank()) {
                continue; // rows without a rated company are of no use to the model
            }
            Map<String, String> row = new LinkedHashMap<>();
            row.put("shuttle_id", shuttle.get("id"));
            row.put("shuttle_type", shuttle.get("shuttle_type"));
            row.put("engine_type", shuttle.get("engine_type"));
            row.put("passenger_capacity", shuttle.get("passenger_capacity"));
            row.put("price", shuttle.get("price"));
            row.put("company_rating", company.get("company_rating"));
            row.put("iata_approved", company.get("iata_approved"));
            table.add(row);
        }
        return table;
    }

    private static Map<String, Object> report(List<Map<String, String>> table, String currency, double minRating) {
        Map<String, List<Double>> prices = new TreeMap<>();
        int wellRated = 0;
        for (Map<String, String> row : table) {
            prices.computeIfAbsent(row.get("shuttle_type"), type -> new ArrayList<>()).add(Double.parseDouble(row.get("price")));
            if (Double.parseDouble(row.get("company_rating")) >= minRating) {
                wellRated++;
            }
        }
        Map<String, Object> byType = new LinkedHashMap<>();
        prices.forEach((type, list) -> {
            Map<String, Object> summary = new LinkedHashMap<>(); // ordered, so the JSON file is the same every run
            summary.put("count", list.size());
            summary.put("mean_price", Math.round(list.stream().mapToDouble(d -> d).average().orElse(0) * 100) / 100.0);
            byType.put(type, summary);
        });
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("currency", currency);
        report.put("shuttles", table.size());
        report.put("well_rated_shuttles", wellRated);
        report.put("by_type", byType);
        return report;
    }

    /**
     * Runs the whole pipeline with the catalog in {@code conf/} (or the folder given) and prints
     * where the report was written.
     *
     * @param args {@code [conf folder]}
     */
    public static void main(String[] args) {
        Path conf = Path.of(args.length > 0 ? args[0] : "conf");
        flow(conf).run(PipelineRun.all());
        Catalog catalog = Catalog.load(conf.resolve("catalog.yml"));
        System.out.println("spaceflights: " + catalog.names().size() + " datasets; report at "
                + catalog.dataset("shuttle_report").location());
        System.out.println(Flow.named("read-report", (Integer i) -> catalog.dataset("shuttle_report").load()).run(0));
    }
}
