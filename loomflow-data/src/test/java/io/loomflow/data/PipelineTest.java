package io.loomflow.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.Engine;
import io.loomflow.Event;
import io.loomflow.EventListener;
import io.loomflow.Flow;
import io.loomflow.ParameterModel;
import io.loomflow.Resource;
import io.loomflow.State;
import io.loomflow.data.spi.ForwardingStorage;
import io.loomflow.data.spi.NoSuchObjectException;
import io.loomflow.data.spi.Storage;
import io.loomflow.data.spi.StorageOptions;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Pipelines: validated when built, run as flows, concurrent where they can be, resumable. */
class PipelineTest {

    /** The node runs that completed, by name, from the event stream. */
    private static final class CompletedNodes implements EventListener {
        final ConcurrentLinkedQueue<String> names = new ConcurrentLinkedQueue<>();

        @Override
        public void onEvent(Event event) {
            if (event instanceof Event.StateChange change && change.state() instanceof State.Completed
                    && !change.run().name().startsWith("load ") && !change.run().name().startsWith("save ")
                    && change.run().parentId() != null) {
                names.add(change.run().name());
            }
        }
    }

    private final Catalog catalog = Catalog.builder()
            .add("companies", "csv", URI.create("mem://t/raw/companies.csv"))
            .add("shuttles", "csv", URI.create("mem://t/raw/shuttles.csv"))
            .add("model_input", "csv", URI.create("mem://t/primary/model_input.csv"))
            .build();

    private final Node cleanCompanies = Node.of("clean_companies", "companies", "clean_companies",
            (List<Map<String, String>> rows) -> rows.stream().filter(row -> !row.get("name").isBlank()).toList());
    private final Node cleanShuttles = Node.of("clean_shuttles", "shuttles", "clean_shuttles",
            (List<Map<String, String>> rows) -> rows);
    private final Node join = Node.of("join", List.of("clean_companies", "clean_shuttles"), List.of("model_input"),
            inputs -> {
                List<Map<String, String>> companies = inputs.get("clean_companies");
                List<Map<String, String>> shuttles = inputs.get("clean_shuttles");
                List<Map<String, String>> joined = new ArrayList<>();
                for (Map<String, String> shuttle : shuttles) {
                    companies.stream().filter(c -> c.get("id").equals(shuttle.get("company_id"))).findFirst()
                            .ifPresent(c -> joined.add(Map.of("shuttle", shuttle.get("id"), "company", c.get("name"))));
                }
                joined.sort(java.util.Comparator.comparing(row -> row.get("shuttle")));
                return joined;
            });
    private final Node report = Node.of("report", List.of("model_input", "params:title"), List.of("summary"),
            inputs -> inputs.get("params:title") + ": " + ((List<?>) inputs.get("model_input")).size() + " shuttles");
    private final Pipeline pipeline = Pipeline.of(report, join, cleanShuttles, cleanCompanies);

    private void seed(Engine engine) {
        engine.run(Flow.named("seed", (Integer i) -> {
            catalog.dataset("companies").save(List.of(Map.of("id", "1", "name", "Acme"), Map.of("id", "2", "name", " "),
                    Map.of("id", "3", "name", "Globex")));
            catalog.dataset("shuttles").save(List.of(Map.of("id", "s2", "company_id", "3"),
                    Map.of("id", "s1", "company_id", "1"), Map.of("id", "s3", "company_id", "2")));
            return i;
        }), 0);
    }

    @Test
    void aPipelineRunsAsAFlowSavingCatalogOutputsAndReturningTheRest() {
        Flow<PipelineRun, Map<String, Object>> flow = pipeline.toFlow("companies", catalog, Map.of("title", "Report"));
        try (Engine engine = Engine.builder().build()) {
            seed(engine);
            Map<String, Object> result = engine.run(flow, PipelineRun.all());
            assertThat(result).containsOnlyKeys("clean_companies", "clean_shuttles", "summary");
            assertThat(result.get("summary")).isEqualTo("Report: 2 shuttles");
            Object saved = engine.run(Flow.named("read", (Integer i) -> catalog.dataset("model_input").load()), 0);
            assertThat(saved).isEqualTo(List.of(Map.of("shuttle", "s1", "company", "Acme"),
                    Map.of("shuttle", "s2", "company", "Globex")));
        }
        // Declared as report, join, clean_shuttles, clean_companies: kept in that order, producers first.
        assertThat(Node.names(pipeline.nodes())).containsExactly("clean_shuttles", "clean_companies", "join", "report");
    }

    @Test
    void aPipelinesFlowTakesItsRunAsParametersThatTheCommandLineCanGiveAndRunsEveryNodeWithoutThem() {
        Flow<PipelineRun, Map<String, Object>> flow = pipeline.toFlow("companies", catalog, Map.of("title", "Report"));
        @SuppressWarnings("unchecked")
        ParameterModel<PipelineRun> model = (ParameterModel<PipelineRun>) ParameterModel.of(flow);

        assertThat(model.bindText(List.of())).isEqualTo(PipelineRun.all());
        assertThat(model.bindText(List.of("toNodes=clean_companies,join", "onlyMissing=true")))
                .isEqualTo(PipelineRun.all().withToNodes("clean_companies", "join").withOnlyMissing());
        try (Engine engine = Engine.builder().build()) {
            seed(engine);
            assertThat(engine.run(flow, null)).as("no parameters: every node")
                    .containsOnlyKeys("clean_companies", "clean_shuttles", "summary");
        }
    }

    @Test
    void eachLoadAndSaveRunIsNamedAfterItsDatasetUnderTheNodeThatNeedsIt() {
        Flow<PipelineRun, Map<String, Object>> flow = pipeline.toFlow("companies", catalog, Map.of("title", "T"));
        Map<java.util.UUID, String> names = new ConcurrentHashMap<>();
        Map<String, java.util.UUID> parents = new ConcurrentHashMap<>();
        EventListener runs = event -> {
            names.put(event.run().id(), event.run().name());
            if (event.run().parentId() != null) {
                parents.put(event.run().name(), event.run().parentId());
            }
        };
        try (Engine engine = Engine.builder().listener(runs).build()) {
            seed(engine);
            engine.run(flow, PipelineRun.all());
        }
        assertThat(parents).containsKeys("load companies", "load shuttles", "save model_input")
                .doesNotContainKeys("load", "save");
        assertThat(names.get(parents.get("load companies"))).isEqualTo("clean_companies");
        assertThat(names.get(parents.get("load shuttles"))).isEqualTo("clean_shuttles");
        assertThat(names.get(parents.get("save model_input"))).isEqualTo("join");
    }

    @Test
    void theSamePipelineGivesTheSameOutputsFromAThreadAnotherFlowAndTwentyCallersAtOnce() throws Exception {
        Flow<PipelineRun, Map<String, Object>> flow = pipeline.toFlow("companies", catalog, Map.of("title", "T"));
        try (Engine engine = Engine.builder().build()) {
            seed(engine);
            Map<String, Object> reference = engine.run(flow, PipelineRun.all());
            CompletableFuture<Map<String, Object>> fromThread = new CompletableFuture<>();
            Thread.ofPlatform().start(() -> fromThread.complete(engine.run(flow, PipelineRun.all())));
            assertThat(fromThread.get(30, TimeUnit.SECONDS)).isEqualTo(reference);
            Flow<Integer, Map<String, Object>> outer = Flow.named("outer", (Integer i) -> flow.run(PipelineRun.all()));
            assertThat(engine.run(outer, 0)).isEqualTo(reference);
            List<CompletableFuture<Map<String, Object>>> many = IntStream.range(0, 20)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> engine.run(flow, PipelineRun.all()),
                            command -> Thread.ofVirtual().start(command))).toList();
            for (CompletableFuture<Map<String, Object>> one : many) {
                assertThat(one.get(30, TimeUnit.SECONDS)).isEqualTo(reference);
            }
        }
    }

    /** A storage that lets a read through only when {@code parties} reads are waiting at once. */
    private static Resource<Storage> barrierStorage(int parties) {
        return Resource.named("barrier", () -> new ForwardingStorage(Storages.provider("mem").open(StorageOptions.none("mem"))) {
            private final CyclicBarrier barrier = new CyclicBarrier(parties);

            @Override
            public byte[] read(URI location) throws IOException {
                try {
                    barrier.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException | BrokenBarrierException | TimeoutException notConcurrent) {
                    throw new IOException("reads were not concurrent: " + notConcurrent, notConcurrent);
                }
                return super.read(location);
            }
        });
    }

    @Test
    void aNodesInputsAreLoadedConcurrently() {
        Resource<Storage> storage = barrierStorage(8);
        List<Dataset<String>> parts = IntStream.range(0, 8).mapToObj(i -> Dataset.of("part" + i,
                URI.create("mem://t/part" + i), Format.text(), storage)).toList();
        Catalog.Builder builder = Catalog.builder();
        parts.forEach(part -> builder.add(part.name(), "text", part.location()));
        Catalog barrierCatalog = builder.build().withStorage("mem", storage);
        Node concat = Node.of("concat", parts.stream().map(Dataset::name).toList(), List.of("all"),
                inputs -> String.join("", parts.stream().map(p -> (String) inputs.get(p.name())).toList()));
        try (Engine engine = Engine.builder().build()) {
            engine.run(Flow.named("seed", (Integer i) -> {
                parts.forEach(part -> part.save(part.name().substring(4)));
                return i;
            }), 0);
            Map<String, Object> result = engine.run(Pipeline.of(concat).toFlow("concat", barrierCatalog), PipelineRun.all());
            assertThat(result).containsEntry("all", "01234567");
        }
    }

    @Test
    void datasetIoTakesPermitsOfTheEnginesDatasetIoLimit() throws IOException {
        java.util.concurrent.atomic.AtomicInteger now = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
        Storage memory = Storages.provider("mem").open(StorageOptions.none("mem"));
        Resource<Storage> counting = Resource.named("counting", () -> new ForwardingStorage(memory) {
            @Override
            public byte[] read(URI location) throws IOException {
                most.accumulateAndGet(now.incrementAndGet(), Math::max);
                try {
                    Thread.sleep(20);
                    return super.read(location);
                } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException();
                } finally {
                    now.decrementAndGet();
                }
            }

            @Override
            public void close() {
                // the memory storage outlives the engine: the test seeds and reads it
            }
        });
        Catalog.Builder builder = Catalog.builder();
        List<String> names = IntStream.range(0, 12).mapToObj(i -> "in" + i).toList();
        names.forEach(name -> builder.add(name, "text", URI.create("mem://t/" + name)));
        Catalog limited = builder.build().withStorage("mem", counting);
        Node all = Node.of("all", names, List.of("joined"), inputs -> names.stream().map(n -> (String) inputs.get(n)).toList());
        try (Engine engine = Engine.builder().limit(Pipeline.IO_LIMIT, 3).build()) {
            engine.run(Flow.named("seed", (Integer i) -> {
                names.forEach(name -> limited.dataset(name, Format.text()).save(name));
                return i;
            }), 0);
            assertThat(engine.run(Pipeline.of(all).toFlow("limited", limited), PipelineRun.all()).get("joined"))
                    .isEqualTo(names);
        }
        assertThat(most).hasValue(3);
    }

    /** A company row as a record. */
    public record Company(String id, String name) {
    }

    @Test
    void nodesGetRecordsWhenTheCatalogGivesADatasetARecordFormat() {
        Catalog typed = Catalog.builder()
                .add("companies", URI.create("mem://t/companies.csv"), Format.csv(Company.class))
                .add("names", "json", URI.create("mem://t/names.json"))
                .build();
        Node names = Node.of("names", "companies", "names", (List<Company> companies) ->
                companies.stream().map(Company::name).toList());
        try (Engine engine = Engine.builder().build()) {
            engine.run(Flow.named("seed", (Integer i) -> {
                typed.dataset("companies", Format.csv(Company.class)).save(List.of(new Company("1", "Acme")));
                return i;
            }), 0);
            engine.run(Pipeline.of(names).toFlow("names", typed), PipelineRun.all());
            assertThat(engine.run(Flow.named("read", (Integer i) -> typed.dataset("names").load()), 0))
                    .isEqualTo(List.of("Acme"));
            // A YAML catalog's csv dataset gets its record format in code the same way.
            Catalog retyped = catalog.withFormat("companies", Format.csv(Company.class));
            seed(engine);
            Object rows = engine.run(Flow.named("read", (Integer i) -> retyped.dataset("companies").load()), 0);
            assertThat(rows).isEqualTo(List.of(new Company("1", "Acme"), new Company("2", " "), new Company("3", "Globex")));
            assertThatThrownBy(() -> catalog.withFormat("companies", Format.text()))
                    .hasMessageContaining("dataset 'companies' is of type csv in the catalog, but a text format was given");
        }
    }

    @Test
    void independentNodesRunAtTheSameTime() {
        CountDownLatch bothRunning = new CountDownLatch(2);
        NodeFunction meet = inputs -> {
            bothRunning.countDown();
            if (!bothRunning.await(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the other node never ran at the same time");
            }
            return "met";
        };
        Pipeline parallel = Pipeline.of(Node.of("left", List.of(), List.of("l"), meet),
                Node.of("right", List.of(), List.of("r"), meet));
        try (Engine engine = Engine.builder().build()) {
            assertThat(engine.run(parallel.toFlow("parallel", catalog), PipelineRun.all()))
                    .isEqualTo(Map.of("l", "met", "r", "met"));
        }
    }

    @Test
    void subsetsRunFromToAndOnlyWhatIsMissing() {
        Flow<PipelineRun, Map<String, Object>> flow = pipeline.toFlow("companies", catalog, Map.of("title", "T"));
        CompletedNodes ran = new CompletedNodes();
        try (Engine engine = Engine.builder().listener(ran).build()) {
            seed(engine);
            engine.run(flow, PipelineRun.all().withToNodes("clean_shuttles"));
            assertThat(ran.names).containsExactly("clean_shuttles");
            ran.names.clear();

            // model_input is not saved yet: only the nodes that lead to it, and what follows, run.
            engine.run(flow, PipelineRun.all().withOnlyMissing());
            assertThat(ran.names).containsExactlyInAnyOrder("clean_companies", "clean_shuttles", "join", "report");
            ran.names.clear();

            // Now it is saved: nothing is missing, so nothing runs (report's output is in memory only).
            assertThat(engine.run(flow, PipelineRun.all().withOnlyMissing())).isEmpty();
            assertThat(ran.names).isEmpty();

            // From report on: it reads the saved model_input from the catalog, so it runs alone.
            assertThat(engine.run(flow, PipelineRun.all().withFromNodes("report"))).isEqualTo(Map.of("summary", "T: 2 shuttles"));
            assertThat(ran.names).containsExactly("report");
        }
    }

    @Test
    void aNodeWhoseInMemoryInputIsNotProducedInTheRunIsExplained() {
        Flow<PipelineRun, Map<String, Object>> flow = pipeline.toFlow("companies", catalog, Map.of("title", "T"));
        try (Engine engine = Engine.builder().build()) {
            seed(engine);
            assertThatThrownBy(() -> engine.run(flow, PipelineRun.all().withFromNodes("join")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("node 'join' reads 'clean_companies', which only node 'clean_companies' writes, in memory,"
                            + " and that node is not part of this run; include it in the run, or add 'clean_companies'"
                            + " to the catalog so that it is saved");
            assertThatThrownBy(() -> engine.run(flow, PipelineRun.all().withFromNodes("nope")))
                    .hasMessage("the pipeline has no node 'nope'; its nodes are [clean_companies, clean_shuttles, join, report]");
        }
    }

    @Test
    void aFailingNodesErrorReachesTheCallerAndItsConsumersDoNotRun() {
        IllegalStateException broken = new IllegalStateException("bad shuttle row 7");
        Node failing = Node.of("clean_shuttles", "shuttles", "clean_shuttles", (List<Map<String, String>> rows) -> {
            throw broken;
        });
        CompletedNodes ran = new CompletedNodes();
        Flow<PipelineRun, Map<String, Object>> flow = Pipeline.of(cleanCompanies, failing, join, report)
                .toFlow("companies", catalog, Map.of("title", "T"));
        try (Engine engine = Engine.builder().listener(ran).build()) {
            seed(engine);
            assertThatThrownBy(() -> engine.run(flow, PipelineRun.all())).isSameAs(broken);
            assertThat(ran.names).doesNotContain("join", "report");
            assertThat(engine.run(Flow.named("exists", (Integer i) -> catalog.dataset("model_input").exists()), 0)).isFalse();
        }
    }

    @Test
    void badPipelinesAreRefusedWhenBuiltNamingNodesAndDatasets() {
        Node a = Node.of("a", "x", "y", (Object v) -> v);
        Node b = Node.of("b", "y", "x", (Object v) -> v);
        assertThatThrownBy(() -> Pipeline.of(a, b)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the pipeline has a cycle: node 'a' writes 'y', read by node 'b' writes 'x', read by node 'a';"
                        + " a node cannot depend, through other nodes, on its own output");
        assertThatThrownBy(() -> Pipeline.of(a, Node.of("a", "q", "r", (Object v) -> v)))
                .hasMessage("the pipeline has two nodes named 'a'; give each node its own name");
        assertThatThrownBy(() -> Pipeline.of(a, Node.of("c", "q", "y", (Object v) -> v)))
                .hasMessage("nodes 'a' and 'c' both write 'y'; a dataset has one producer, so rename one of the outputs");
        assertThatThrownBy(() -> Pipeline.of(Node.of("lonely", "nowhere", "out", (Object v) -> v)).toFlow("p", catalog))
                .hasMessage("node 'lonely' reads 'nowhere', which no node writes and the catalog does not have; add"
                        + " 'nowhere' to the catalog, or a node that writes it");
        assertThatThrownBy(() -> pipeline.toFlow("p", catalog))
                .hasMessage("node 'report' reads 'params:title', but there is no parameter 'title'; the parameters are []");
        assertThatThrownBy(() -> Node.of("w", List.of(), List.of("params:x"), in -> 1))
                .hasMessageContaining("parameters are read-only");
    }

    @Test
    void aNodeWithSeveralOutputsMustReturnExactlyThem() {
        Node two = Node.of("two", List.of(), List.of("p", "q"), inputs -> Map.of("p", 1, "z", 2));
        try (Engine engine = Engine.builder().build()) {
            assertThatThrownBy(() -> engine.run(Pipeline.of(two).toFlow("two", catalog), PipelineRun.all()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("node 'two' has the outputs [p, q] and must return a Map with exactly those keys;"
                            + " it returned a Map with the keys [p, z]");
            Node good = Node.of("good", List.of(), List.of("p", "q"), inputs -> Map.of("p", 1, "q", 2));
            assertThat(engine.run(Pipeline.of(good).toFlow("good", catalog), PipelineRun.all()))
                    .isEqualTo(Map.of("p", 1, "q", 2));
        }
    }

    @Test
    void loadingAMissingCatalogInputNamesTheDataset() {
        try (Engine engine = Engine.builder().build()) {
            assertThatThrownBy(() -> engine.run(pipeline.toFlow("p", catalog, Map.of("title", "T")), PipelineRun.all()))
                    .isInstanceOf(DatasetNotFoundException.class).hasMessageStartingWith("dataset '")
                    .hasCauseInstanceOf(NoSuchObjectException.class);
        }
    }
}
