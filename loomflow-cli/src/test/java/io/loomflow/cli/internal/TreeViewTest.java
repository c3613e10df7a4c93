package io.loomflow.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.ItemHistory;
import io.loomflow.State;
import io.loomflow.store.MapSummary;
import io.loomflow.store.PageQuery;
import io.loomflow.store.RunRecord;
import io.loomflow.store.RunSummary;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code show} prints a run's summary and one page of its children or of a map's items, and the
 * command for the next page; read from a store a real engine recorded into.
 */
class TreeViewTest {

    private static final String ID = "[0-9a-f-]{36}";
    private static final String DURATION = "(\\d+ ms|[0-9.]+ s)";

    private final RecordedTrees trees = new RecordedTrees();

    @AfterEach
    void close() {
        trees.close();
    }

    private TreeView view() {
        return new TreeView(trees.store, trees.context.out(), false);
    }

    private RunSummary summary(RunRecord run) {
        return trees.store.summary(run.id()).orElseThrow();
    }

    @Test
    void aRunShowsItsCountsEachMapOnOneLineWithItsFailuresAndAPageOfItsChildrenWithTheNextPagesCommand() throws Exception {
        RunRecord root = trees.record(250, ItemHistory.ALL);

        view().run(summary(root), PageQuery.first(3));

        List<String> lines = trees.printed();
        assertThat(lines).hasSize(14);
        assertThat(lines.get(0)).matches("checking  Completed  " + DURATION + "  " + root.id());
        assertThat(lines.get(1)).isEqualTo("  parameters: 250");
        assertThat(lines.get(2)).isEqualTo("  children: 251 Completed · 5 Failed");
        assertThat(lines.get(3)).matches("  map check: 250 items  245 Completed · 5 Failed  100% ended  p50 " + DURATION
                + "  p99 " + DURATION + "  " + ID);
        // the first failures as recorded: items fail concurrently, so not necessarily by index
        assertThat(lines.subList(4, 9)).allSatisfy(line -> assertThat(line)
                .matches("    check #(\\d+)  Failed  " + ID + "  java.lang.IllegalStateException: item \\1 is bad"));
        assertThat(lines.subList(4, 9)).map(line -> line.substring(11, line.indexOf("  Failed")))
                .containsExactlyInAnyOrder("7", "57", "107", "157", "207");
        assertThat(lines.get(9)).matches("  map check: 3 items  3 Completed  100% ended  p50 .*");
        assertThat(lines.get(10)).matches("  note  Completed  " + DURATION + "  " + ID);
        assertThat(lines.get(11)).matches("  check  map of 250 items  " + ID);
        assertThat(lines.get(12)).matches("  nested  Completed  " + DURATION + "  " + ID + "  \\(2 below: loomflow show " + ID + "\\)");
        assertThat(lines.get(13)).matches("  2 more: loomflow show " + root.id() + " --limit 3 --after \\S+");

        String cursor = lines.get(13).substring(lines.get(13).lastIndexOf(' ') + 1);
        view().run(summary(root), PageQuery.first(3).withAfter(cursor));
        assertThat(trees.printed()).satisfiesExactly(
                line -> assertThat(line).startsWith("checking  Completed  "),
                line -> assertThat(line).isEqualTo("  parameters: 250"),
                line -> assertThat(line).matches("  check  map of 3 items  " + ID),
                line -> assertThat(line).matches("  note  Completed  " + DURATION + "  " + ID));
    }

    @Test
    void aStateListsOnlyTheChildrenInItAndTheMapsWithItemsInIt() throws Exception {
        RunRecord root = trees.record(250, ItemHistory.ALL);

        view().run(summary(root), PageQuery.first(TreeView.DEFAULT_LIMIT).withState(State.Kind.FAILED));

        List<String> lines = trees.printed();
        assertThat(lines).hasSize(11);
        assertThat(lines.get(10)).matches("  check  map of 250 items  " + ID);
    }

    @Test
    void aMapsItemsArePagedByIndexWithHowManyAreLeftAndTheCommandForTheNextPage() throws Exception {
        RunRecord root = trees.record(250, ItemHistory.ALL);
        MapSummary map = summary(root).maps().getFirst();

        view().map(root, map, PageQuery.first(TreeView.DEFAULT_LIMIT));

        List<String> lines = trees.printed();
        assertThat(lines).hasSize(2 + 1 + 5 + 50 + 1);
        assertThat(lines.get(2)).isEqualTo("  " + TreeView.mapLine(map));
        assertThat(lines.get(8)).matches("  check #0  Completed  " + DURATION + "  " + ID);
        assertThat(lines.get(15)).matches("  check #7  Failed  " + DURATION + "  " + ID + "  java.lang.IllegalStateException: item 7 is bad");
        assertThat(lines.get(57)).matches("  check #49  Completed  .*");
        assertThat(lines.get(58)).matches("  200 more: loomflow show " + root.id() + " --map " + map.id() + " --after \\S+");

        view().map(root, map, PageQuery.first(3).withState(State.Kind.FAILED));
        lines = trees.printed();
        assertThat(lines.subList(8, lines.size())).satisfiesExactly(
                line -> assertThat(line).startsWith("  check #7  Failed  "),
                line -> assertThat(line).startsWith("  check #57  Failed  "),
                line -> assertThat(line).startsWith("  check #107  Failed  "),
                line -> assertThat(line).matches("  2 more: loomflow show " + root.id() + " --map " + map.id()
                        + " --state Failed --limit 3 --after \\S+"));
        String cursor = lines.getLast().substring(lines.getLast().lastIndexOf(' ') + 1);
        view().map(root, map, PageQuery.first(3).withState(State.Kind.FAILED).withAfter(cursor));
        lines = trees.printed();
        assertThat(lines.subList(8, lines.size())).satisfiesExactly(
                line -> assertThat(line).startsWith("  check #157  Failed  "),
                line -> assertThat(line).startsWith("  check #207  Failed  "));
    }

    @Test
    void aMapThatKeepsFailuresOnlySaysSoAndListsItsFailedItems() throws Exception {
        RunRecord root = trees.record(250, ItemHistory.FAILURES);
        MapSummary map = summary(root).maps().getFirst();

        view().map(root, map, PageQuery.first(2));

        List<String> lines = trees.printed();
        assertThat(lines.get(2)).contains("  (keeps failed items only)  ");
        assertThat(lines.subList(8, lines.size())).satisfiesExactly(
                line -> assertThat(line).startsWith("  check #7  Failed  "),
                line -> assertThat(line).startsWith("  check #57  Failed  "),
                line -> assertThat(line).startsWith("  3 more: "));
    }

    @Test
    void aCursorTheStoreDidNotMakeIsBadInputNamingIt() throws Exception {
        RunRecord root = trees.record(3, ItemHistory.ALL);

        assertThatThrownBy(() -> view().run(summary(root), PageQuery.first(3).withAfter("page-2")))
                .isInstanceOf(CliException.class).hasMessageStartingWith("--after: ").hasMessageContaining("'page-2'");
        assertThatThrownBy(() -> view().map(root, summary(root).maps().getFirst(), PageQuery.first(3).withAfter("x")))
                .isInstanceOf(CliException.class).hasMessageContaining("'x'");
    }
}
