package io.loomflow.store.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.Engine;
import io.loomflow.Event.DatasetAccess.Access;
import io.loomflow.Flow;
import io.loomflow.Handle;
import io.loomflow.RunContext;
import io.loomflow.State;
import io.loomflow.Task;
import io.loomflow.store.DatasetAccessRecord;
import io.loomflow.store.Page;
import io.loomflow.store.PageQuery;
import io.loomflow.store.Prune;
import io.loomflow.store.RunRecord;
import io.loomflow.store.RunRecorder;
import io.loomflow.store.RunStore;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RunStore} keeps of a run's lineage: the datasets its runs read and wrote, as
 * plain tasks record them with {@code RunContext.recordDatasetAccess}, read back by root (the whole
 * tree, in order, page by page) and by node (a run and its children), and deleted when the root is
 * pruned. Each store's test extends this class and opens a store against its real database; the
 * history is written by a real engine through a {@link RunRecorder}.
 */
public abstract class LineageContract {

    /** A dataset name that is markup, as a user may give one. */
    public static final String HOSTILE = "<img src=x onerror=alert(1)>";

    /** Opens an empty store; the test closes it. */
    protected abstract RunStore openStore() throws Exception;

    /**
     * How many dataset accesses the store holds, whatever their runs: read from its tables, to see
     * that pruning deleted them.
     */
    protected abstract long accessesKept(RunStore store) throws Exception;

    private static final int PARTS = 250;

    private final Task<String, String> load = Task.named("load raw", (String version) -> {
        RunContext.current().recordDatasetAccess(Access.READ, "raw", version, "file:///data/raw.csv");
        return version;
    });
    private final Task<String, String> save = Task.named("save clean", (String version) -> {
        RunContext.current().recordDatasetAccess(Access.WRITE, "clean", "2026-12-04T10.00.00.000Z",
                "s3://bucket/clean/" + version + ".parquet");
        return version;
    });
    private final Flow<String, String> clean = Flow.named("clean", (String version) -> save.call(load.call(version)));
    private final Task<Integer, Integer> part = Task.named("load part", (Integer i) -> {
        RunContext.current().recordDatasetAccess(Access.READ, "part", null, "memory://part/" + i);
        return i;
    });
    private final Flow<Integer, String> etl = Flow.named("etl", (Integer parts) -> {
        RunContext.current().recordDatasetAccess(Access.READ, HOSTILE, null, "file:///data/<b>x</b>.csv");
        String made = clean.call("v1");
        part.map(IntStream.range(0, parts).boxed()).join();
        return made;
    });

    private RunStore store;
    private RunRecorder recorder;
    private Engine engine;

    @BeforeEach
    void open() throws Exception {
        store = openStore();
        recorder = RunRecorder.to(store);
        engine = Engine.builder().listener(recorder).build();
    }

    @AfterEach
    void close() {
        engine.close(); // closes the recorder, which closes the store
    }

    private RunRecord record(int parts) throws InterruptedException {
        Handle<String> handle = engine.submit(etl, parts);
        handle.join();
        recorder.flush();
        return store.run(handle.runId()).orElseThrow();
    }

    private List<DatasetAccessRecord> all(UUID runId, int limit) {
        List<DatasetAccessRecord> seen = new ArrayList<>();
        PageQuery query = PageQuery.first(limit);
        while (true) {
            Page<DatasetAccessRecord> page = store.lineage(runId, query);
            assertThat(page.entries()).hasSizeLessThanOrEqualTo(limit);
            seen.addAll(page.entries());
            if (!page.hasNext()) {
                return seen;
            }
            query = query.withAfter(page.next());
        }
    }

    @Test
    void aRootsLineageIsEveryAccessOfItsTreeInOrderWithTheRunAndTheNodeThatMadeIt() throws Exception {
        RunRecord root = record(3);
        RunRecord node = store.children(root.id()).stream().filter(run -> run.name().equals("clean")).findFirst()
                .orElseThrow();

        List<DatasetAccessRecord> lineage = store.lineage(root.id(), PageQuery.first(100)).entries();

        assertThat(lineage).hasSize(6);
        assertThat(lineage).extracting(DatasetAccessRecord::sequence).isSorted().doesNotHaveDuplicates();
        DatasetAccessRecord hostile = lineage.getFirst();
        assertThat(hostile.runId()).isEqualTo(root.id());
        assertThat(hostile.runName()).isEqualTo("etl");
        assertThat(hostile.parentId()).isNull();
        assertThat(hostile.parentName()).isNull();
        assertThat(hostile.dataset()).isEqualTo(HOSTILE);
        assertThat(hostile.version()).isNull();
        assertThat(hostile.location()).isEqualTo("file:///data/<b>x</b>.csv");
        assertThat(hostile.access()).isEqualTo(Access.READ);

        DatasetAccessRecord read = lineage.get(1);
        assertThat(read.runName()).isEqualTo("load raw");
        assertThat(read.parentId()).isEqualTo(node.id());
        assertThat(read.parentName()).isEqualTo("clean");
        assertThat(read.access()).isEqualTo(Access.READ);
        assertThat(read.dataset()).isEqualTo("raw");
        assertThat(read.version()).isEqualTo("v1");
        assertThat(read.location()).isEqualTo("file:///data/raw.csv");
        assertThat(store.run(read.runId()).orElseThrow().parentId()).isEqualTo(node.id());

        DatasetAccessRecord write = lineage.get(2);
        assertThat(write.runName()).isEqualTo("save clean");
        assertThat(write.parentName()).isEqualTo("clean");
        assertThat(write.access()).isEqualTo(Access.WRITE);
        assertThat(write.dataset()).isEqualTo("clean");
        assertThat(write.version()).isEqualTo("2026-12-04T10.00.00.000Z");
        assertThat(write.location()).isEqualTo("s3://bucket/clean/v1.parquet");
        assertThat(write.at()).isAfterOrEqualTo(read.at());

        // the map's items: their parent is the root
        assertThat(lineage.subList(3, 6)).allSatisfy(access -> {
            assertThat(access.runName()).isEqualTo("load part");
            assertThat(access.parentId()).isEqualTo(root.id());
            assertThat(access.parentName()).isEqualTo("etl");
            assertThat(access.version()).isNull();
        });
        assertThat(lineage.subList(3, 6)).extracting(DatasetAccessRecord::location)
                .containsExactlyInAnyOrder("memory://part/0", "memory://part/1", "memory://part/2");
    }

    @Test
    void aNodesLineageIsWhatItAndItsChildrenReadAndWrote() throws Exception {
        RunRecord root = record(2);
        RunRecord node = store.children(root.id()).stream().filter(run -> run.name().equals("clean")).findFirst()
                .orElseThrow();
        RunRecord loading = store.children(node.id()).stream().filter(run -> run.name().equals("load raw"))
                .findFirst().orElseThrow();

        assertThat(store.lineage(node.id(), PageQuery.first(100)).entries()).extracting(DatasetAccessRecord::dataset)
                .containsExactly("raw", "clean");
        assertThat(store.lineage(loading.id(), PageQuery.first(100)).entries())
                .extracting(DatasetAccessRecord::dataset).containsExactly("raw");
        assertThat(store.lineage(UUID.randomUUID(), PageQuery.first(100)).entries()).isEmpty();
    }

    @Test
    void aLargeTreesLineageIsReadPageByPageInOrderWithoutGapsOrRepeats() throws Exception {
        RunRecord root = record(PARTS);

        List<DatasetAccessRecord> paged = all(root.id(), 7);

        assertThat(paged).hasSize(PARTS + 3);
        assertThat(paged).extracting(DatasetAccessRecord::sequence).isSorted().doesNotHaveDuplicates();
        assertThat(paged).filteredOn(access -> access.dataset().equals("part"))
                .extracting(DatasetAccessRecord::location).hasSize(PARTS).doesNotHaveDuplicates();
        assertThat(paged).isEqualTo(store.lineage(root.id(), PageQuery.first(PageQuery.MOST)).entries());
    }

    @Test
    void aBadQueryIsRefusedWithWhatToPass() throws Exception {
        RunRecord root = record(1);

        assertThatThrownBy(() -> store.lineage(root.id(), PageQuery.first(10).withAfter("12.0.abc")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the page cursor '12.0.abc' is not one this history made");
        assertThatThrownBy(() -> store.lineage(root.id(), PageQuery.first(10).withState(State.Kind.FAILED)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a run's lineage has no states to filter by; got state Failed");
    }

    @Test
    void pruningARootDeletesItsLineageAndKeepsTheOthers() throws Exception {
        RunRecord oldest = record(20);
        RunRecord newest = record(1);
        assertThat(accessesKept(store)).isEqualTo(20 + 3 + 1 + 3);

        assertThat(store.prune(Prune.keepNewest(1)).roots()).isEqualTo(1);

        assertThat(store.lineage(oldest.id(), PageQuery.first(100)).entries()).isEmpty();
        assertThat(accessesKept(store)).isEqualTo(1 + 3);
        assertThat(store.lineage(newest.id(), PageQuery.first(100)).entries()).hasSize(4);
    }
}
