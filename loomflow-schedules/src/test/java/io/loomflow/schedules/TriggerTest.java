package io.loomflow.schedules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.ManualTimeSource;
import io.loomflow.data.Catalog;
import io.loomflow.data.Format;
import io.loomflow.store.RunRecorder;
import io.loomflow.store.RunStore;
import io.loomflow.store.contract.Postgres;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Triggers on a run's end and on new data: each source fires once, on H2 and on PostgreSQL, across runners. */
class TriggerTest {

    @RegisterExtension
    static final Postgres POSTGRES = new Postgres();

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");

    record Region(String region, boolean fail) {
    }

    record Count(int count) {
    }

    record Load(String upstream, String region, int count) {
    }

    record Data(List<String> keys) {
    }

    private final Queue<Load> loads = new ConcurrentLinkedQueue<>();
    private final Queue<Data> datas = new ConcurrentLinkedQueue<>();
    private final Flow<Region, Count> extract = Flow.named("extract", Region.class, params -> {
        if (params.fail()) {
            throw new IllegalStateException("extract failed on purpose");
        }
        return new Count(params.region().length());
    });
    private final Flow<Load, String> load = Flow.named("load", Load.class, params -> {
        loads.add(params);
        return params.upstream();
    });
    private final Flow<Data, Integer> refresh = Flow.named("refresh", Data.class, params -> {
        datas.add(params);
        return params.keys().size();
    });

    @TempDir
    Path directory;

    private static void awaitSize(Queue<?> queue, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (queue.size() < expected && System.nanoTime() < deadline) {
            Thread.sleep(5); // polling the count with a deadline, not waiting for time to pass
        }
        assertThat(queue).hasSize(expected);
    }

    @SuppressWarnings("unchecked")
    private static Trigger afterExtract() {
        return Trigger.onRunEnd("after-extract", "extract", "load").withRunParameters(run -> Map.of(
                "upstream", run.id().toString(),
                "region", ((Map<String, Object>) run.parameters()).get("region"),
                "count", ((Map<String, Object>) run.result()).get("count")));
    }

    private static List<String> fireStates(String url, String trigger) throws Exception {
        try (Connection connection = url.startsWith("jdbc:h2:") ? DriverManager.getConnection(url, "sa", "")
                : DriverManager.getConnection(url); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT state FROM lf_trigger_fire WHERE trigger_name = '"
                     + trigger + "' ORDER BY source")) {
            List<String> states = new ArrayList<>();
            while (rows.next()) {
                states.add(rows.getString(1));
            }
            return states;
        }
    }

    @Test
    void aRunEndFiresOnceFromTheEventsWithTheSourceRunsIdParametersAndResult() throws Exception {
        String url = "jdbc:h2:file:" + directory.resolve("history") + ";AUTO_SERVER=TRUE";
        ManualTimeSource clock = ManualTimeSource.startingAt(T0);
        try (Engine engine = Engine.builder().clock(clock).listener(RunRecorder.to(RunStore.open(url))).build();
             TriggerRunner runner = TriggerRunner.builder().database(url).triggers(afterExtract())
                     .engine(engine, extract, load).clock(clock).build()) {
            java.util.UUID source = engine.submit(extract, new Region("emea", false)).runId();
            awaitSize(loads, 1);
            assertThat(loads.peek()).isEqualTo(new Load(source.toString(), "emea", 4));
            assertThatThrownBy(() -> engine.run(extract, new Region("apac", true))).hasMessageContaining("on purpose");
            clock.advance(Duration.ofSeconds(1));
            assertThat(runner.tick()).isEmpty(); // the history holds the run, claimed already; the failed one does not fire
            assertThat(loads).hasSize(1);
        }
        assertThat(fireStates(url, "after-extract")).containsExactly("started");
    }

    @Test
    void runnersRestartedAfterTheirProcessDiedFireWhatTheyMissedOnceOnPostgres() throws Exception {
        ManualTimeSource clock = ManualTimeSource.startingAt(T0);
        Trigger onFailure = Trigger.onRunEnd("on-failure", "extract", "load").whenStates("Failed", "crashed")
                .withParameters(Map.of("region", "alert", "count", 0))
                .withRunParameters(run -> Map.of("upstream", run.id().toString()));
        try (Engine engine = Engine.builder().clock(clock).build();
             TriggerRunner dead = TriggerRunner.builder().database(POSTGRES.url()).triggers(afterExtract(), onFailure)
                     .engine(engine, extract, load).clock(clock).name("dead").build()) {
            assertThat(dead.tick()).isEmpty();
        } // the runner's process is gone: what ends now, nobody sees end
        clock.advance(Duration.ofMinutes(1));
        int completed = 30;
        try (Engine elsewhere = Engine.builder().clock(clock).listener(RunRecorder.to(RunStore.open(POSTGRES.url())))
                .build()) {
            for (int i = 0; i < completed; i++) {
                elsewhere.run(extract, new Region("r" + i, false));
                clock.advance(Duration.ofMillis(10));
            }
            assertThatThrownBy(() -> elsewhere.run(extract, new Region("x", true))).hasMessageContaining("on purpose");
        } // closing the engine writes its history
        clock.advance(Duration.ofMinutes(1));
        List<String> fired = new ArrayList<>();
        try (Engine engine = Engine.builder().clock(clock).build();
             TriggerRunner a = TriggerRunner.builder().database(POSTGRES.url()).triggers(afterExtract(), onFailure)
                     .engine(engine, extract, load).clock(clock).name("a").build();
             TriggerRunner b = TriggerRunner.builder().database(POSTGRES.url()).triggers(afterExtract(), onFailure)
                     .engine(engine, extract, load).clock(clock).name("b").build();
             ExecutorService pool = Executors.newFixedThreadPool(2)) {
            for (Future<Map<String, List<String>>> tick : pool.invokeAll(
                    List.<Callable<Map<String, List<String>>>>of(a::tick, b::tick))) {
                tick.get().forEach((trigger, sources) -> sources.forEach(s -> fired.add(trigger + "@" + s)));
            }
            awaitSize(loads, completed + 1);
            assertThat(fired).hasSize(completed + 1).doesNotHaveDuplicates();
            assertThat(loads.stream().filter(l -> l.region().equals("alert"))).hasSize(1);
            assertThat(a.tick()).isEmpty(); // a later tick fires nothing again
            assertThat(b.tick()).isEmpty();

            // both runners listen to one engine: a run's end fires once from the events
            int more = 20;
            for (int i = 0; i < more; i++) {
                engine.run(extract, new Region("s" + i, false));
            }
            awaitSize(loads, completed + 1 + more);
        }
        assertThat(fireStates(POSTGRES.url(), "after-extract")).hasSize(completed + 20).containsOnly("started");
    }

    private Catalog catalog() {
        return Catalog.builder().storage("file", Map.of("root", directory.toString()))
                .add("model", URI.create("file:model.json"), Format.text()).versioned("model")
                .addPartitioned("drops", URI.create("file:drops/"), Format.text(), ".csv", false)
                .add("plain", URI.create("file:plain.txt"), Format.text()).build();
    }

    private void version(String version) throws Exception {
        Path file = directory.resolve("model.json").resolve(version).resolve("model.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{}");
    }

    private void partition(String id) throws Exception {
        Path file = directory.resolve("drops").resolve(id + ".csv");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "a");
    }

    private static List<Trigger> dataTriggers() {
        return List.of(
                Trigger.onNewVersion("new-model", "model", "refresh").withPollEvery(Duration.ofMinutes(5))
                        .withDataParameters(data -> Map.of("keys", data.keys())),
                Trigger.onNewPartitions("new-drops", "drops", "refresh").withPollEvery(Duration.ofMinutes(5))
                        .withDataParameters(data -> Map.of("keys", data.keys())));
    }

    /** A runner of {@link #dataTriggers()} on the catalog's datasets. */
    private TriggerRunner dataRunner(String url, Engine engine, ManualTimeSource clock) {
        return TriggerRunner.builder().database(url).triggers(dataTriggers().toArray(Trigger[]::new))
                .engine(engine, refresh).catalog(catalog()).clock(clock).build();
    }

    @Test
    void newVersionsFireOnceEachAndNewPartitionsOnceABatchPolledEveryNWithTheCheckpointInTheStore() throws Exception {
        String url = "jdbc:h2:file:" + directory.resolve("history") + ";AUTO_SERVER=TRUE";
        ManualTimeSource clock = ManualTimeSource.startingAt(T0);
        version("2026-05-01T00.00.00.000Z");
        partition("001");
        try (Engine engine = Engine.builder().clock(clock).build();
             TriggerRunner runner = dataRunner(url, engine, clock)) {
            assertThat(runner.tick()).isEmpty(); // what was there when the trigger was made does not fire it
            version("2026-06-01T00.00.00.000Z");
            version("2026-06-01T00.01.00.000Z");
            partition("002");
            partition("003");
            clock.advance(Duration.ofMinutes(4));
            assertThat(runner.tick()).isEmpty(); // not polled before its 5 minutes
            clock.advance(Duration.ofMinutes(1));
            assertThat(runner.tick()).containsEntry("new-model",
                    List.of("2026-06-01T00.00.00.000Z", "2026-06-01T00.01.00.000Z"))
                    .containsEntry("new-drops", List.of("003"));
            awaitSize(datas, 3);
            assertThat(datas).containsExactlyInAnyOrder(new Data(List.of("2026-06-01T00.00.00.000Z")),
                    new Data(List.of("2026-06-01T00.01.00.000Z")), new Data(List.of("002", "003")));
            clock.advance(Duration.ofMinutes(5));
            assertThat(runner.tick()).isEmpty();
        }
        // a new runner (a restarted process) keeps the checkpoint from the store
        partition("004");
        try (Engine engine = Engine.builder().clock(clock).build();
             TriggerRunner runner = dataRunner(url, engine, clock)) {
            assertThat(runner.tick()).isEqualTo(Map.of("new-drops", List.of("004")));
            awaitSize(datas, 4);
        }
    }

    @Test
    void twoRunnersOnPostgresFireNewDataOnce() throws Exception {
        ManualTimeSource clock = ManualTimeSource.startingAt(T0);
        List<String> fired = new ArrayList<>();
        try (Engine first = Engine.builder().clock(clock).build(); Engine second = Engine.builder().clock(clock).build();
             TriggerRunner a = TriggerRunner.builder().database(POSTGRES.url()).triggers(dataTriggers().toArray(Trigger[]::new))
                     .engine(first, refresh).catalog(catalog()).clock(clock).name("a").build();
             TriggerRunner b = TriggerRunner.builder().database(POSTGRES.url()).triggers(dataTriggers().toArray(Trigger[]::new))
                     .engine(second, refresh).catalog(catalog()).clock(clock).name("b").build();
             ExecutorService pool = Executors.newFixedThreadPool(2)) {
            int rounds = 20;
            for (int round = 0; round < rounds; round++) {
                version(String.format("2026-06-01T00.%02d.00.000Z", round));
                partition(String.format("p%03d", round));
                clock.advance(Duration.ofMinutes(5));
                for (Future<Map<String, List<String>>> tick : pool.invokeAll(
                        List.<Callable<Map<String, List<String>>>>of(a::tick, b::tick))) {
                    tick.get().forEach((trigger, sources) -> sources.forEach(s -> fired.add(trigger + "@" + s)));
                }
            }
            awaitSize(datas, rounds * 2);
            assertThat(fired).hasSize(rounds * 2).doesNotHaveDuplicates();
        }
    }

    @Test
    void runsThatEndedBeforeTheTriggerWasFirstRegisteredDoNotFireIt() throws Exception {
        String url = "jdbc:h2:file:" + directory.resolve("since") + ";AUTO_SERVER=TRUE";
        ManualTimeSource clock = ManualTimeSource.startingAt(T0);
        try (Engine elsewhere = Engine.builder().clock(clock).listener(RunRecorder.to(RunStore.open(url))).build()) {
            elsewhere.run(extract, new Region("before", false)); // within the overlap (5 minutes) of the registration
        }
        clock.advance(Duration.ofMinutes(1));
        try (Engine engine = Engine.builder().clock(clock).build();
             TriggerRunner runner = TriggerRunner.builder().database(url).triggers(afterExtract())
                     .engine(engine, extract, load).clock(clock).build()) {
            clock.advance(Duration.ofSeconds(1));
            assertThat(runner.tick()).isEmpty();
            java.util.UUID after;
            try (Engine elsewhere = Engine.builder().clock(clock).listener(RunRecorder.to(RunStore.open(url))).build()) {
                var handle = elsewhere.submit(extract, new Region("after", false));
                handle.join();
                after = handle.runId();
            }
            clock.advance(Duration.ofSeconds(1));
            assertThat(runner.tick()).isEqualTo(Map.of("after-extract", List.of(after.toString())));
            awaitSize(loads, 1);
            assertThat(loads.peek().region()).isEqualTo("after");
        }
        assertThat(fireStates(url, "after-extract")).containsExactly("started");
    }

    @Test
    void aTickClaimsOnlyTheRunsItHasNotFiredYetOnPostgres() throws Exception {
        ManualTimeSource clock = ManualTimeSource.startingAt(T0);
        // a flow of its own: the other tests on this schema watch extract from T0 on
        Flow<Region, Count> measure = Flow.named("measure", Region.class, params -> new Count(params.region().length()));
        Trigger trigger = Trigger.onRunEnd("counted", "measure", "load").withParameters(Map.of("region", "x",
                "count", 0)).withRunParameters(run -> Map.of("upstream", run.id().toString()));
        try (Engine engine = Engine.builder().clock(clock).build();
             TriggerRunner runner = TriggerRunner.builder().database(POSTGRES.url()).triggers(trigger)
                     .engine(engine, measure, load).clock(clock).name("counted").build();
             Connection connection = POSTGRES.connect(); Statement statement = connection.createStatement()) {
            // every row the runner tries to insert, kept or refused by the primary key, draws a number
            statement.execute("CREATE SEQUENCE fire_inserts");
            statement.execute("CREATE FUNCTION count_fire_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " PERFORM nextval('fire_inserts'); RETURN NEW; END $$");
            statement.execute("CREATE TRIGGER count_fire_inserts BEFORE INSERT ON lf_trigger_fire FOR EACH ROW"
                    + " EXECUTE FUNCTION count_fire_insert()");
            try {
                clock.advance(Duration.ofSeconds(1));
                int runs = 5;
                try (Engine elsewhere = Engine.builder().clock(clock)
                        .listener(RunRecorder.to(RunStore.open(POSTGRES.url()))).build()) {
                    for (int i = 0; i < runs; i++) {
                        elsewhere.run(measure, new Region("c" + i, false));
                    }
                }
                clock.advance(Duration.ofSeconds(1));
                assertThat(runner.tick().get("counted")).hasSize(runs);
                for (int i = 0; i < 3; i++) { // the runs stay within the overlap (5 minutes) of the checkpoint
                    clock.advance(Duration.ofSeconds(30));
                    assertThat(runner.tick()).isEmpty();
                }
                try (ResultSet drawn = statement.executeQuery("SELECT CASE WHEN is_called THEN last_value ELSE 0 END"
                        + " FROM fire_inserts")) {
                    drawn.next();
                    assertThat(drawn.getLong(1)).as("inserts tried into lf_trigger_fire").isEqualTo(runs);
                }
                awaitSize(loads, runs);
            } finally {
                statement.execute("DROP TRIGGER count_fire_inserts ON lf_trigger_fire");
                statement.execute("DROP FUNCTION count_fire_insert()");
                statement.execute("DROP SEQUENCE fire_inserts");
            }
        }
    }

    @Test
    void aTriggerWhosePollFailsIsLoggedAndTheOthersStillFire() throws Exception {
        String url = "jdbc:h2:file:" + directory.resolve("isolated") + ";AUTO_SERVER=TRUE";
        ManualTimeSource clock = ManualTimeSource.startingAt(T0);
        version("2026-05-01T00.00.00.000Z");
        partition("001");
        try (Engine engine = Engine.builder().clock(clock).build();
             TriggerRunner runner = dataRunner(url, engine, clock)) {
            // new-model, the first trigger, cannot list its dataset: its folder is now a link to itself
            Path model = directory.resolve("model.json");
            try (var files = Files.walk(model)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
            Files.createSymbolicLink(model, model.getFileName());
            assertThatThrownBy(() -> catalog().dataset("model").versions(engine)).hasMessageContaining("model.json");
            partition("002");
            clock.advance(Duration.ofMinutes(5));
            assertThat(runner.tick()).isEqualTo(Map.of("new-drops", List.of("002")));
            awaitSize(datas, 1);
            // repaired, it fires at its next poll
            Files.delete(model);
            version("2026-06-01T00.00.00.000Z");
            clock.advance(Duration.ofMinutes(5));
            assertThat(runner.tick()).isEqualTo(Map.of("new-model", List.of("2026-06-01T00.00.00.000Z")));
            awaitSize(datas, 2);
        }
    }

    @Test
    void badTriggersAreRefusedNamingTheValueAndStartNoRun() throws Exception {
        String url = "jdbc:h2:file:" + directory.resolve("refused") + ";AUTO_SERVER=TRUE";
        try (Engine engine = Engine.builder().build()) {
            assertThatThrownBy(() -> TriggerRunner.builder().database(url)
                    .triggers(Trigger.onRunEnd("t", "extarct", "load")).engine(engine, extract, load).build())
                    .isInstanceOf(TriggerException.class).hasMessageContaining("watches flow 'extarct'")
                    .hasMessageContaining("did you mean extract?");
            assertThatThrownBy(() -> TriggerRunner.builder().database(url)
                    .triggers(Trigger.onRunEnd("t", "extract", "laod")).engine(engine, extract, load).build())
                    .isInstanceOf(TriggerException.class).hasMessageContaining("starts flow 'laod'");
            assertThatThrownBy(() -> Trigger.onRunEnd("t", "extract", "load").whenStates("Finished"))
                    .isInstanceOf(TriggerException.class).hasMessageContaining("'Finished' is not a state")
                    .hasMessageContaining("Completed, Cached, Failed, Cancelled, Crashed");
            assertThatThrownBy(() -> Trigger.onRunEnd("t", "extract", "load").whenStates("Running"))
                    .isInstanceOf(TriggerException.class).hasMessageContaining("a run does not end in Running");
            assertThatThrownBy(() -> TriggerRunner.builder().database(url)
                    .triggers(Trigger.onRunEnd("again", "extract", "extract")).engine(engine, extract).build())
                    .isInstanceOf(TriggerException.class)
                    .hasMessageStartingWith("trigger again starts flow 'extract' when a run of 'extract' ends")
                    .hasMessageContaining("start another flow");
            assertThatThrownBy(() -> Trigger.onNewVersion("t", "model", "refresh").withPollEvery(Duration.ofDays(1_000_000)))
                    .isInstanceOf(TriggerException.class).hasMessageContaining("pollEvery must be between PT1S and PT8784H")
                    .hasMessageContaining("not PT24000000H").hasMessageContaining("Duration.ofMinutes(1)");
            assertThatThrownBy(() -> Trigger.onNewVersion("t", "model", "refresh").withPollEvery(Duration.ofMillis(999)))
                    .isInstanceOf(TriggerException.class).hasMessageContaining("not PT0.999S");
            assertThat(Trigger.onNewVersion("t", "model", "refresh").withPollEvery(Duration.ofDays(366)).pollEvery())
                    .isEqualTo(Trigger.MAX_POLL);
            assertThatThrownBy(() -> Trigger.onRunEnd("t", "extract", "load").withParameters(Map.of("day",
                    new java.util.Date(0)))).isInstanceOf(TriggerException.class)
                    .hasMessageStartingWith("trigger t: parameter day is a java.util.Date, not a JSON value");
            assertThatThrownBy(() -> TriggerRunner.builder().database(url)
                    .triggers(Trigger.onRunEnd("t", "extract", "load").withParameters(Map.of("regoin", "x")))
                    .engine(engine, extract, load).build())
                    .isInstanceOf(TriggerException.class).hasMessageContaining("do not fit flow load");
            assertThatThrownBy(() -> TriggerRunner.builder().database(url)
                    .triggers(Trigger.onNewVersion("t", "modle", "refresh")).engine(engine, refresh).catalog(catalog())
                    .build()).isInstanceOf(TriggerException.class).hasMessageContaining("dataset 'modle'")
                    .hasMessageContaining("did you mean model?");
            assertThatThrownBy(() -> TriggerRunner.builder().database(url)
                    .triggers(Trigger.onNewVersion("t", "plain", "refresh")).engine(engine, refresh).catalog(catalog())
                    .build()).isInstanceOf(TriggerException.class).hasMessageContaining("'plain', which is not versioned");
            assertThatThrownBy(() -> TriggerRunner.builder().database(url)
                    .triggers(Trigger.onNewPartitions("t", "model", "refresh")).engine(engine, refresh)
                    .catalog(catalog()).build()).isInstanceOf(TriggerException.class)
                    .hasMessageContaining("'model', which is not partitioned");

            // parameters a function makes that do not fit: the fire is kept as refused, no run starts
            ManualTimeSource clock = ManualTimeSource.startingAt(T0);
            try (Engine watched = Engine.builder().clock(clock).build();
                 TriggerRunner runner = TriggerRunner.builder().database(url).clock(clock)
                         .triggers(Trigger.onRunEnd("misfit", "extract", "load")
                                 .withRunParameters(run -> Map.of("upstream", run.id().toString(), "count", "many")))
                         .engine(watched, extract, load).build()) {
                watched.run(extract, new Region("emea", false));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (fireStates(url, "misfit").equals(List.of()) || fireStates(url, "misfit").equals(List.of("claimed"))) {
                    assertThat(System.nanoTime()).isLessThan(deadline);
                    Thread.sleep(5); // polling the table with a deadline
                }
                assertThat(fireStates(url, "misfit")).containsExactly("refused");
            }
            assertThat(loads).isEmpty();
        }
    }
}
