package io.loomflow.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Event;
import io.loomflow.ItemHistory;
import io.loomflow.store.LogRecord;
import io.loomflow.store.MapSummary;
import io.loomflow.store.Page;
import io.loomflow.store.PageQuery;
import io.loomflow.store.Prune;
import io.loomflow.store.PruneResult;
import io.loomflow.store.RunQuery;
import io.loomflow.store.RunRecord;
import io.loomflow.store.RunStore;
import io.loomflow.store.RunSummary;
import io.loomflow.store.TreeNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code show} and {@code logs} read a number of records that does not grow with a map's items:
 * the same reads, counted, for a map of 300 items and of 3000, through a store that passes every
 * call to the real in-memory store and counts the runs and lines it returns.
 */
class ReadBoundTest {

    /** The in-memory store, with the runs and log lines each read returned counted. */
    private static final class CountedStore implements RunStore {
        final RunStore inner;
        final AtomicLong returned = new AtomicLong();

        CountedStore(RunStore inner) {
            this.inner = inner;
        }

        private <T> List<T> counted(List<T> read) {
            returned.addAndGet(read.size());
            return read;
        }

        private <T> Page<T> counted(Page<T> read) {
            returned.addAndGet(read.entries().size());
            return read;
        }

        @Override
        public void write(List<Event> events) {
            inner.write(events);
        }

        @Override
        public Optional<RunRecord> run(UUID id) {
            returned.incrementAndGet();
            return inner.run(id);
        }

        @Override
        public List<RunRecord> runs(RunQuery query) {
            return counted(inner.runs(query));
        }

        @Override
        public List<RunRecord> runsByIdPrefix(String prefix, boolean rootsOnly, int limit) {
            return counted(inner.runsByIdPrefix(prefix, rootsOnly, limit));
        }

        @Override
        public List<RunRecord> children(UUID parentId) {
            return counted(inner.children(parentId));
        }

        @Override
        public Optional<RunSummary> summary(UUID runId) {
            returned.incrementAndGet();
            return inner.summary(runId);
        }

        @Override
        public Page<TreeNode> children(UUID parentId, PageQuery query) {
            return counted(inner.children(parentId, query));
        }

        @Override
        public Optional<MapSummary> map(UUID mapId) {
            returned.incrementAndGet();
            return inner.map(mapId);
        }

        @Override
        public Page<RunRecord> items(UUID mapId, PageQuery query) {
            return counted(inner.items(mapId, query));
        }

        @Override
        public boolean claimDelivery(String scope, String deliveryId, java.time.Instant now, java.time.Instant expiresAt) {
            return inner.claimDelivery(scope, deliveryId, now, expiresAt);
        }

        @Override
        public void releaseDelivery(String scope, String deliveryId) {
            inner.releaseDelivery(scope, deliveryId);
        }

        @Override
        public PruneResult prune(Prune request) {
            return inner.prune(request);
        }

        @Override
        public Page<io.loomflow.store.DatasetAccessRecord> lineage(UUID runId, PageQuery query) {
            return counted(inner.lineage(runId, query));
        }

        @Override
        public List<LogRecord> logs(UUID runId) {
            return counted(inner.logs(runId));
        }

        @Override
        public List<LogRecord> logs(UUID runId, long afterSequence) {
            return counted(inner.logs(runId, afterSequence));
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    private final RecordedTrees trees = new RecordedTrees();

    @AfterEach
    void close() {
        trees.close();
    }

    /** How many runs and lines {@code show RUN}, {@code show RUN --map MAP} and {@code logs RUN} read of a run of {@code items}. */
    private long readsOf(int items) throws Exception {
        RunRecord root = trees.record(items, ItemHistory.ALL);
        CountedStore store = new CountedStore(trees.store);
        TreeView view = new TreeView(store, trees.context.out(), false);
        RunSummary summary = store.summary(root.id()).orElseThrow();
        view.run(summary, PageQuery.first(TreeView.DEFAULT_LIMIT));
        view.map(root, summary.maps().getFirst(), PageQuery.first(TreeView.DEFAULT_LIMIT));
        new TreeLogs(trees.context, false, Duration.ofMillis(500), false).readNewLines(store, root);
        trees.printed();
        return store.returned.get();
    }

    @Test
    void showAndLogsReadAsMuchOfAMapOfThreeThousandItemsAsOfThreeHundred() throws Exception {
        long small = readsOf(300);
        long large = readsOf(3000);

        // 300 items: 6 fail; 3000: 60, whose lines logs reads.
        assertThat(large).isEqualTo(small + 2 * (60 - 6));
    }

    @Test
    void aPrefixOfManyRootRunsIdsReadsElevenOfThemAndListsTen() {
        CountedStore store = new CountedStore(RunStore.inMemory());
        java.time.Instant at = java.time.Instant.parse("2026-01-02T03:04:05Z");
        List<Event> events = new java.util.ArrayList<>();
        for (int i = 0; i < 500; i++) {
            UUID id = new UUID(0x7000_0000_0000_7000L | i, 0x8000_0000_0000_0000L);
            events.add(new Event.StateChange(i + 1, at, new io.loomflow.RunInfo(id, null, id, "flow" + i,
                    io.loomflow.RunInfo.Kind.FLOW, null, at), null, new io.loomflow.State.Scheduled()));
        }
        store.write(events);

        CliException ambiguous = org.assertj.core.api.Assertions.catchThrowableOfType(CliException.class,
                () -> Runs.named("7000").resolve(store, new StoreOption(), null, java.time.ZoneOffset.UTC));

        assertThat(store.returned).hasValue(Runs.MATCHES_SHOWN + 1);
        assertThat(ambiguous.exitCode()).isEqualTo(ExitCode.BAD_INPUT);
        assertThat(ambiguous.getMessage()).startsWith("'7000' starts the ids of more than 10 root runs; give more")
                .contains("\n  70000000-0000-7000-8000-000000000000  flow0  started 2026-01-02 03:04:05\n")
                .endsWith("\n  ...");
        assertThat(ambiguous.getMessage().lines()).hasSize(1 + Runs.MATCHES_SHOWN + 1);
    }
}
