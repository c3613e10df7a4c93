package io.loomflow.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.Engine;
import io.loomflow.Event;
import io.loomflow.Event.DatasetAccess.Access;
import io.loomflow.EventListener;
import io.loomflow.Flow;
import io.loomflow.ManualTimeSource;
import io.loomflow.RunInfo;
import io.loomflow.Task;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Every load and save of the data layer inside a run is recorded in that run's lineage, with its version. */
class DatasetLineageTest {

    private static final String VERSION = "2026-12-04T10.00.00.000Z";
    private static final String OLD = "2026-12-01T00.00.00.000Z";

    /** The accesses and the runs that made them, from the engine's event stream. */
    private static final class Lineage implements EventListener {
        final ConcurrentLinkedQueue<Event.DatasetAccess> accesses = new ConcurrentLinkedQueue<>();
        final Map<UUID, RunInfo> runs = new ConcurrentHashMap<>();

        @Override
        public void onEvent(Event event) {
            runs.putIfAbsent(event.run().id(), event.run());
            if (event instanceof Event.DatasetAccess access) {
                accesses.add(access);
            }
        }

        /** One access as text: the run's name, its parent's name, and the access. */
        List<String> seen() {
            return accesses.stream().map(access -> {
                RunInfo parent = access.run().parentId() == null ? null : runs.get(access.run().parentId());
                return access.run().name() + " (in " + (parent == null ? "-" : parent.name()) + "): " + access.access()
                        + " " + access.dataset() + " " + access.version() + " " + access.location();
            }).sorted().toList();
        }
    }

    private final Catalog catalog = Catalog.builder()
            // user information in a location is never recorded
            .add("companies", URI.create("mem://reader:s3cret@t/raw/companies.csv"), Format.csv()).versioned("companies")
            .add("trips", URI.create("mem://t/raw/trips.csv"), Format.csvStream())
            .addPartitioned("orders", URI.create("mem://t/raw/orders/"), Format.text(), ".txt", false)
            .add("clean", URI.create("mem://t/out/clean.json"), Format.json(Object.class)).versioned("clean")
            .add("long_trips", URI.create("mem://t/out/long_trips.csv"), Format.csvStream())
            .addPartitioned("parts", URI.create("mem://t/out/parts/"), Format.text(), ".txt", false)
            .build();

    private final Pipeline pipeline = Pipeline.of(Node.of("clean", List.of("companies", "trips", "orders"),
            List.of("clean", "long_trips", "parts"), inputs -> {
                List<Map<String, String>> companies = inputs.get("companies");
                Stream<Map<String, String>> trips = inputs.get("trips");
                Partitions<String> orders = inputs.get("orders");
                Map<String, String> all = orders.loadAll();
                return Map.of("clean", companies, "long_trips", trips.filter(trip -> Integer.parseInt(trip.get("km")) > 1),
                        "parts", Map.of("x", String.join("+", all.values())));
            }));

    private void seed(Engine engine) {
        engine.run(Task.named("seed", (Integer i) -> {
            catalog.dataset("companies").withSaveVersion(OLD).save(List.of(Map.of("name", "Acme")));
            catalog.dataset("trips").save(Stream.of(Map.of("km", "1"), Map.of("km", "5")));
            catalog.partitioned("orders").save(Map.of("a", "A", "b", "B"));
            return i;
        }), 0);
    }

    @Test
    void aPipelineRunRecordsEachReadAndWriteInTheLoadOrSaveRunUnderItsNode() {
        Lineage lineage = new Lineage();
        try (Engine engine = Engine.builder().clock(ManualTimeSource.startingAt(Instant.parse("2026-12-04T10:00:00Z")))
                .listener(lineage).build()) {
            seed(engine);
            engine.run(pipeline.toFlow("lineage", catalog), PipelineRun.all());
        } // closing the engine delivers every event to its listeners
        assertThat(lineage.seen()).containsExactly(
                "load companies (in clean): READ companies " + OLD + " mem://t/raw/companies.csv/" + OLD
                        + "/companies.csv",
                "load orders/a (in clean): READ orders null mem://t/raw/orders/a.txt",
                "load orders/b (in clean): READ orders null mem://t/raw/orders/b.txt",
                "load trips (in clean): READ trips null mem://t/raw/trips.csv",
                "save clean (in clean): WRITE clean " + VERSION + " mem://t/out/clean.json/" + VERSION + "/clean.json",
                "save long_trips (in clean): WRITE long_trips null mem://t/out/long_trips.csv",
                "save orders/a (in seed): WRITE orders null mem://t/raw/orders/a.txt",
                "save orders/b (in seed): WRITE orders null mem://t/raw/orders/b.txt",
                "save parts/x (in save parts): WRITE parts null mem://t/out/parts/x.txt",
                "seed (in -): WRITE companies " + OLD + " mem://t/raw/companies.csv/" + OLD + "/companies.csv",
                "seed (in -): WRITE trips null mem://t/raw/trips.csv");
        // The history records a run's input: a load's or save's is the dataset's name (a partition's id), never the data.
        assertThat(lineage.runs.values()).filteredOn(run -> run.name().startsWith("save ") || run.name().startsWith("load "))
                .isNotEmpty()
                .allSatisfy(run -> assertThat(run.input()).as(run.name()).isIn(
                        run.name().substring(5), run.name().substring(run.name().lastIndexOf('/') + 1)));
    }

    @Test
    void aStreamIsRecordedWhenOpenedAndAFailedSaveRecordsNothing() {
        Lineage lineage = new Lineage();
        UUID[] reader = new UUID[1];
        try (Engine engine = Engine.builder().listener(lineage).build()) {
            seed(engine);
            lineage.accesses.clear();
            Flow<Integer, Integer> flow = Flow.named("partly", (Integer i) -> {
                reader[0] = io.loomflow.RunContext.current().info().id();
                try (Stream<Map<String, String>> trips = catalog.dataset("trips", Format.csvStream()).load()) {
                    // opened, not consumed: the read is recorded all the same
                    assertThat(trips).isNotNull();
                }
                return i;
            });
            engine.run(flow, 0);
            assertThatThrownBy(() -> engine.run(Task.named("again", (Integer i) -> {
                catalog.dataset("companies").withSaveVersion(OLD).save(List.of(Map.of("name", "Other")));
                return i;
            }), 0)).isInstanceOf(DatasetException.class).hasMessageContaining("already has version " + OLD);
            assertThatThrownBy(() -> engine.run(Task.named("broken", (Integer i) -> {
                catalog.dataset("long_trips").save(Stream.of(Map.of("km", "1")).map(row -> {
                    throw new IllegalStateException("the source broke");
                }));
                return i;
            }), 0)).hasMessage("the source broke");
            assertThatThrownBy(() -> engine.run(Task.named("absent", (Integer i) ->
                    catalog.dataset("clean").load()), 0)).isInstanceOf(DatasetNotFoundException.class);
        }
        assertThat(lineage.accesses).singleElement().satisfies(access -> {
            assertThat(access.run().id()).isEqualTo(reader[0]);
            assertThat(access.access()).isEqualTo(Access.READ);
            assertThat(access.dataset()).isEqualTo("trips");
            assertThat(access.version()).isNull();
            assertThat(access.location()).isEqualTo("mem://t/raw/trips.csv");
        });
    }

    @Test
    void outsideARunNothingIsRecordedAndNothingFails() {
        Lineage lineage = new Lineage();
        try (Engine engine = Engine.builder().listener(lineage).build()) {
            seed(engine);
            lineage.accesses.clear();
            @Nullable Object rows = catalog.dataset("companies").load(engine);
            assertThat(rows).isEqualTo(List.of(Map.of("name", "Acme")));
        }
        assertThat(lineage.accesses).isEmpty();
    }
}
