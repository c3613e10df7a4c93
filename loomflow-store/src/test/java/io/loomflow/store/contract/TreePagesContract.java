package io.loomflow.store.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.Engine;
import io.loomflow.FailurePolicy;
import io.loomflow.Flow;
import io.loomflow.Handle;
import io.loomflow.ItemHistory;
import io.loomflow.RunContext;
import io.loomflow.State;
import io.loomflow.Task;
import io.loomflow.store.ItemFailure;
import io.loomflow.store.MapSummary;
import io.loomflow.store.Page;
import io.loomflow.store.PageQuery;
import io.loomflow.store.Prune;
import io.loomflow.store.PruneResult;
import io.loomflow.store.RunQuery;
import io.loomflow.store.RunRecord;
import io.loomflow.store.RunRecorder;
import io.loomflow.store.RunStore;
import io.loomflow.store.RunSummary;
import io.loomflow.store.TreeNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RunStore} must answer about large runs without reading them whole: a run's
 * summary, its children page by page with maps as single nodes, a map's items page by page, what a
 * map that keeps failures only keeps, and pruning. Each store's test extends this class and opens a
 * store against its real database; the history is written by a real engine through a
 * {@link RunRecorder}.
 */
public abstract class TreePagesContract {

    /** Opens an empty store; the test closes it. */
    protected abstract RunStore openStore() throws Exception;

    private static final int ITEMS = 250;

    private final Task<Integer, Integer> check = Task.named("check", (Integer i) -> {
        if (i % 50 == 7) {
            throw new IllegalStateException("item " + i + " is bad");
        }
        RunContext.current().log().info("checked %d", i);
        return i;
    });
    private final Task<String, String> note = Task.named("note", (String s) -> s);

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

    private Flow<Integer, Integer> checking(ItemHistory history) {
        return Flow.named("checking", (Integer items) -> {
            note.call("before");
            int good = (int) check.map(IntStream.range(0, items).boxed()).outcomes().stream()
                    .filter(outcome -> outcome instanceof io.loomflow.Outcome.Success<?>).count();
            note.call("between");
            check.map(IntStream.range(0, 3).boxed()).outcomes();
            note.call("after");
            return good;
        }).withFailurePolicy(FailurePolicy.COLLECT_ALL).withItemHistory(history);
    }

    private RunRecord record(Flow<Integer, Integer> flow, int items) throws Exception {
        Handle<Integer> handle = engine.submit(flow, items);
        handle.join();
        recorder.flush();
        return store.run(handle.runId()).orElseThrow();
    }

    @Test
    void aRunsSummaryCountsItsChildrenWithItsMapsItemsAndSummarisesEachMap() throws Exception {
        RunRecord root = record(checking(ItemHistory.ALL), ITEMS);

        RunSummary summary = store.summary(root.id()).orElseThrow();
        assertThat(summary.run()).isEqualTo(root);
        assertThat(summary.mapCount()).isEqualTo(2);
        assertThat(summary.childCounts()).containsEntry(State.Kind.COMPLETED, (long) ITEMS - 5 + 3 + 3)
                .containsEntry(State.Kind.FAILED, 5L).doesNotContainKey(State.Kind.RUNNING);
        assertThat(summary.childTotal()).isEqualTo(ITEMS + 3 + 3);

        MapSummary big = summary.maps().getFirst();
        assertThat(big.name()).isEqualTo("check");
        assertThat(big.parentId()).isEqualTo(root.id());
        assertThat(big.size()).isEqualTo(ITEMS);
        assertThat(big.history()).isEqualTo(ItemHistory.ALL);
        assertThat(big.count(State.Kind.COMPLETED)).isEqualTo(ITEMS - 5);
        assertThat(big.count(State.Kind.FAILED)).isEqualTo(5);
        assertThat(big.ended()).isEqualTo(ITEMS);
        assertThat(big.notStarted()).isZero();
        assertThat(big.firstFailures()).extracting(ItemFailure::index).containsExactlyInAnyOrder(7, 57, 107, 157, 207);
        assertThat(big.firstFailures()).allSatisfy(failure -> {
            assertThat(failure.error().message()).isEqualTo("item " + failure.index() + " is bad");
            assertThat(store.run(failure.runId()).orElseThrow().state()).isEqualTo(State.Kind.FAILED);
        });
        assertThat(big.durations().count()).isEqualTo(ITEMS);
        assertThat(big.durations().p50()).isLessThanOrEqualTo(big.durations().p99());
        assertThat(big.durations().p99()).isLessThanOrEqualTo(big.durations().max());
        assertThat(store.map(big.id())).contains(big);
        assertThat(store.map(UUID.randomUUID())).isEmpty();
        assertThat(store.summary(UUID.randomUUID())).isEmpty();
    }

    @Test
    void childrenArePagedOldestFirstWithEachMapAsOneNode() throws Exception {
        RunRecord root = record(checking(ItemHistory.ALL), ITEMS);

        List<TreeNode> seen = new ArrayList<>();
        PageQuery query = PageQuery.first(2);
        int pages = 0;
        while (true) {
            Page<TreeNode> page = store.children(root.id(), query);
            assertThat(page.entries()).hasSizeLessThanOrEqualTo(2);
            seen.addAll(page.entries());
            pages++;
            if (!page.hasNext()) {
                break;
            }
            query = query.withAfter(page.next());
        }
        assertThat(pages).isEqualTo(3);
        assertThat(seen).extracting(TreeNode::name).containsExactly("note", "check", "note", "check", "note");
        assertThat(seen).map(node -> node.getClass().getSimpleName())
                .containsExactly("RunRecord", "MapSummary", "RunRecord", "MapSummary", "RunRecord");
        assertThat(((MapSummary) seen.get(1)).size()).isEqualTo(ITEMS);
        assertThat(((MapSummary) seen.get(3)).size()).isEqualTo(3);
        assertThat(seen).extracting(TreeNode::createdAt).isSorted();

        Page<TreeNode> failed = store.children(root.id(), PageQuery.first(10).withState(State.Kind.FAILED));
        assertThat(failed.entries()).singleElement().isInstanceOf(MapSummary.class);
        Page<TreeNode> none = store.children(UUID.randomUUID(), PageQuery.first(10));
        assertThat(none.entries()).isEmpty();
        assertThat(none.hasNext()).isFalse();
    }

    @Test
    void aMapsItemsArePagedByIndexAndFilteredByState() throws Exception {
        RunRecord root = record(checking(ItemHistory.ALL), ITEMS);
        MapSummary big = store.summary(root.id()).orElseThrow().maps().getFirst();

        List<Integer> indexes = new ArrayList<>();
        PageQuery query = PageQuery.first(100);
        Page<RunRecord> page;
        do {
            page = store.items(big.id(), query);
            page.entries().forEach(item -> {
                assertThat(item.parentId()).isEqualTo(root.id());
                assertThat(item.mapItem().mapId()).isEqualTo(big.id());
                assertThat(item.mapItem().size()).isEqualTo(ITEMS);
                indexes.add(item.mapItem().index());
            });
            query = query.withAfter(page.next());
        } while (page.hasNext());
        assertThat(indexes).containsExactlyElementsOf(IntStream.range(0, ITEMS).boxed().toList());

        Page<RunRecord> failed = store.items(big.id(), PageQuery.first(3).withState(State.Kind.FAILED));
        assertThat(failed.entries()).extracting(item -> item.mapItem().index()).containsExactly(7, 57, 107);
        Page<RunRecord> rest = store.items(big.id(), PageQuery.first(3).withState(State.Kind.FAILED)
                .withAfter(failed.next()));
        assertThat(rest.entries()).extracting(item -> item.mapItem().index()).containsExactly(157, 207);
        assertThat(rest.hasNext()).isFalse();
        assertThat(store.logs(failed.entries().getFirst().id())).isEmpty();
        RunRecord good = store.items(big.id(), PageQuery.first(1)).entries().getFirst();
        assertThat(store.logs(good.id())).singleElement().satisfies(line -> assertThat(line.message()).isEqualTo("checked 0"));
    }

    @Test
    void aMapThatKeepsFailuresOnlyCountsEveryItemAndKeepsTheFailedOnesWithTheirErrors() throws Exception {
        RunRecord root = record(checking(ItemHistory.FAILURES), ITEMS);

        MapSummary big = store.summary(root.id()).orElseThrow().maps().getFirst();
        assertThat(big.history()).isEqualTo(ItemHistory.FAILURES);
        assertThat(big.count(State.Kind.COMPLETED)).isEqualTo(ITEMS - 5);
        assertThat(big.count(State.Kind.FAILED)).isEqualTo(5);
        assertThat(big.durations().count()).isEqualTo(ITEMS);

        Page<RunRecord> kept = store.items(big.id(), PageQuery.first(PageQuery.MOST));
        assertThat(kept.entries()).extracting(item -> item.mapItem().index()).containsExactly(7, 57, 107, 157, 207);
        assertThat(kept.entries()).allSatisfy(item -> {
            assertThat(item.state()).isEqualTo(State.Kind.FAILED);
            assertThat(item.error().type()).isEqualTo(IllegalStateException.class.getName());
        });
        assertThat(store.runs(new RunQuery(null, "check", false, PageQuery.MOST))).hasSize(5);
        assertThat(store.children(root.id(), PageQuery.first(10)).entries()).hasSize(5);
    }

    @Test
    void aMapOfSubflowsThatKeepsFailuresOnlyDropsEverythingBelowTheItemsThatDidNotFail() throws Exception {
        Flow<Integer, Integer> inner = Flow.named("inner", (Integer i) -> {
            note.call("inside " + i);
            check.map(IntStream.range(0, 2).boxed()).join();
            return check.call(i == 3 ? 7 : i);
        });
        Flow<Integer, Integer> outer = Flow.named("outer", (Integer n) -> (int) inner.map(IntStream.range(0, n).boxed())
                .outcomes().stream().filter(outcome -> outcome instanceof io.loomflow.Outcome.Success<?>).count())
                .withFailurePolicy(FailurePolicy.COLLECT_ALL).withItemHistory(ItemHistory.FAILURES);

        RunRecord root = record(outer, 6);

        MapSummary map = store.summary(root.id()).orElseThrow().maps().getFirst();
        assertThat(map.count(State.Kind.COMPLETED)).isEqualTo(5);
        assertThat(map.count(State.Kind.FAILED)).isEqualTo(1);
        RunRecord failed = store.items(map.id(), PageQuery.first(10)).entries().getFirst();
        assertThat(failed.mapItem().index()).isEqualTo(3);
        assertThat(store.items(map.id(), PageQuery.first(10)).entries()).hasSize(1);
        assertThat(store.runs(new RunQuery(null, "note", false, PageQuery.MOST))).singleElement()
                .satisfies(kept -> assertThat(kept.parentId()).isEqualTo(failed.id()));
        // The failed item's own map keeps failures only too (the choice applies below): of its checks,
        // only the failed call is kept.
        assertThat(store.runs(new RunQuery(null, "check", false, PageQuery.MOST))).singleElement().satisfies(kept -> {
            assertThat(kept.parentId()).isEqualTo(failed.id());
            assertThat(kept.state()).isEqualTo(State.Kind.FAILED);
        });
        assertThat(store.summary(failed.id()).orElseThrow().mapCount()).isEqualTo(1);
    }

    @Test
    void aCursorThatTheStoreDidNotMakeIsRefusedNamingIt() throws Exception {
        RunRecord root = record(checking(ItemHistory.ALL), 3);
        MapSummary map = store.summary(root.id()).orElseThrow().maps().getFirst();

        for (String bad : List.of("x", "12.x.y", "-1", "1.2000000000." + UUID.randomUUID())) {
            assertThatThrownBy(() -> store.children(root.id(), PageQuery.first(10).withAfter(bad)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + bad + "'")
                    .hasMessageContaining("none for the first page");
        }
        assertThatThrownBy(() -> store.items(map.id(), PageQuery.first(10).withAfter("nope")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'nope'");
        assertThatThrownBy(() -> PageQuery.first(0)).hasMessageContaining("was 0");
        assertThatThrownBy(() -> PageQuery.first(PageQuery.MOST + 1)).hasMessageContaining("1 to 1000");
    }

    @Test
    void pruningDeletesWholeTreesOfEndedRootsAndKeepsTheNewestAndTheUnfinished() throws Exception {
        RunRecord oldest = record(checking(ItemHistory.ALL), 20);
        RunRecord middle = record(checking(ItemHistory.ALL), 20);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        Flow<Integer, Integer> waiting = Flow.named("waiting", (Integer x) -> {
            started.countDown();
            release.await();
            return x;
        });
        Handle<Integer> running = engine.submit(waiting, 1);
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        RunRecord newest = record(checking(ItemHistory.ALL), 20);
        long before = store.runs(new RunQuery(null, null, false, PageQuery.MOST)).size();

        PruneResult result = store.prune(Prune.keepNewest(0));

        assertThat(result.roots()).isEqualTo(3);
        assertThat(result.keptUnfinished()).isEqualTo(1);
        assertThat(result.runs()).isEqualTo(before - 1);
        assertThat(store.run(oldest.id())).isEmpty();
        assertThat(store.run(middle.id())).isEmpty();
        assertThat(store.run(newest.id())).isEmpty();
        assertThat(store.run(running.runId())).hasValueSatisfying(run -> assertThat(run.state()).isEqualTo(State.Kind.RUNNING));
        assertThat(store.summary(oldest.id())).isEmpty();
        assertThat(store.runs(new RunQuery(null, "check", false, PageQuery.MOST))).isEmpty();
        release.countDown();
        running.join();
    }

    @Test
    void pruningByAgeAndCountKeepsWhatEitherConditionSpares() throws Exception {
        RunRecord oldest = record(checking(ItemHistory.ALL), 5);
        RunRecord middle = record(checking(ItemHistory.ALL), 5);
        Instant cut = middle.history().getLast().at().plusNanos(1);
        RunRecord newest = record(checking(ItemHistory.ALL), 5);

        assertThat(store.prune(Prune.endedBefore(cut).withKeep(2)).roots()).isEqualTo(1);
        assertThat(store.run(oldest.id())).isEmpty();
        assertThat(store.run(middle.id())).isPresent();
        assertThat(store.prune(Prune.endedBefore(cut)).roots()).isEqualTo(1);
        assertThat(store.run(middle.id())).isEmpty();
        assertThat(store.run(newest.id())).isPresent();
        assertThat(store.logs(store.items(store.summary(newest.id()).orElseThrow().maps().getFirst().id(),
                PageQuery.first(1)).entries().getFirst().id())).isNotEmpty();
    }
}
