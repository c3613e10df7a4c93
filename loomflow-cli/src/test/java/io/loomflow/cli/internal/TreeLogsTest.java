package io.loomflow.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.ItemHistory;
import io.loomflow.store.RunRecord;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code logs} of a tree reads the runs that are not map items, every item of a small map, and the
 * failed items of a large one, and counts the items it left out; read from a store a real engine
 * recorded into.
 */
class TreeLogsTest {

    private static final String CLOCK = "\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  ";

    private final RecordedTrees trees = new RecordedTrees();

    @AfterEach
    void close() {
        trees.close();
    }

    private TreeLogs logs(boolean follow) {
        return new TreeLogs(trees.context, follow, Duration.ofMillis(500), false);
    }

    private static List<String> messages(List<String> lines) {
        return lines.stream().map(line -> line.replaceFirst(CLOCK + "\\S+ +INFO +", "")).toList();
    }

    @Test
    void aLargeMapsFailedItemsAreReadAndItsOtherItemsCountedWhileEveryOtherRunIsRead() throws Exception {
        RunRecord root = trees.record(250, ItemHistory.ALL);
        TreeLogs tree = logs(false);

        tree.readNewLines(trees.store, root);

        List<String> lines = trees.printed();
        assertThat(lines).allSatisfy(line -> assertThat(line).matches(CLOCK + "(checking|note|check) +INFO +.*"));
        assertReadInTreeOrder(messages(lines));
        assertThat(tree.leftOut()).singleElement().satisfies(note -> assertThat(note).matches("left out the log lines of 245"
                + " items of map check \\([0-9a-f-]{36}\\): of a map of more than 100 items only the first 100 failed ones are"
                + " read; list its items with 'loomflow show " + root.id() + " --map [0-9a-f-]{36}' and read one with"
                + " 'loomflow logs ITEM_ID'"));
    }

    @Test
    void aMapThatKeepsFailuresOnlyHasNoItemLeftOut() throws Exception {
        RunRecord root = trees.record(250, ItemHistory.FAILURES);
        TreeLogs tree = logs(false);

        tree.readNewLines(trees.store, root);

        assertThat(messages(trees.printed())).containsExactlyInAnyOrder("checking 250", "note before", "item 7", "item 57", "item 107",
                "item 157", "item 207", "note inside", "note inside", "note after");
        assertThat(tree.leftOut()).isEmpty();
    }

    @Test
    void followingATreeThatEndedPrintsEachLineOnce() throws Exception {
        RunRecord root = trees.record(250, ItemHistory.ALL);
        TreeLogs tree = logs(true);

        tree.readNewLines(trees.store, root);
        assertReadInTreeOrder(messages(trees.printed()));
        tree.readNewLines(trees.store, root);
        assertThat(trees.printed()).isEmpty();
    }

    /**
     * The tree's lines in its order: the root's, the large map's failed items, the subflow's, the small
     * map's items, the root's last. Items of one map run at once, so among them the order is the
     * order they were recorded in, which the scheduling decides.
     */
    private static void assertReadInTreeOrder(List<String> messages) {
        assertThat(messages).hasSize(13);
        assertThat(messages.subList(0, 2)).containsExactly("checking 250", "note before");
        assertThat(messages.subList(2, 7)).as("the failed items of the large map")
                .containsExactlyInAnyOrder("item 7", "item 57", "item 107", "item 157", "item 207");
        assertThat(messages.subList(7, 9)).containsExactly("note inside", "note inside");
        assertThat(messages.subList(9, 12)).as("the items of the small map")
                .containsExactlyInAnyOrder("item 0", "item 1", "item 2");
        assertThat(messages.subList(12, 13)).containsExactly("note after");
    }
}
