package io.loomflow.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.Flow;
import io.loomflow.Handle;
import io.loomflow.ItemHistory;
import io.loomflow.store.Prune;
import io.loomflow.store.RunQuery;
import io.loomflow.store.RunRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What {@code prune} asks of the store, from its options, and the line that says what it did. */
class PruningTest {

    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    private final RecordedTrees trees = new RecordedTrees();

    @AfterEach
    void close() {
        trees.close();
    }

    @ParameterizedTest
    @CsvSource({"45s, PT45S", "90m, PT1H30M", "12h, PT12H", "30d, PT720H", "2w, PT336H", "0d, PT0S", "7D, PT168H"})
    void anAgeIsAWholeNumberAndAUnit(String age, Duration expected) {
        assertThat(Ages.parse("--older-than", age)).isEqualTo(expected);
        assertThat(Pruning.request(NOW, age, null)).isEqualTo(Prune.endedBefore(NOW.minus(expected)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "30x  | --older-than '30x' is not an age; pass a whole number and a unit s, m, h, d or w, such as 30d or 12h",
            "-5d  | --older-than '-5d' is negative; pass a whole number and a unit s, m, h, d or w, such as 30d or 12h",
            "1.5d | --older-than '1.5d' is not an age; pass a whole number and a unit s, m, h, d or w, such as 30d or 12h",
            "30   | --older-than '30' is not an age; pass a whole number and a unit s, m, h, d or w, such as 30d or 12h",
            "''   | --older-than needs an age; pass a whole number and a unit s, m, h, d or w, such as 30d or 12h"
                    + " ('--older-than 30d')"})
    void aBadAgeIsNamedWithAnExample(String age, String message) {
        assertThatThrownBy(() -> Pruning.request(NOW, age, null)).isInstanceOf(CliException.class).hasMessage(message);
    }

    @Test
    void keepTakesZeroOrMoreAndCombinesWithAnAge() {
        assertThat(Pruning.request(NOW, null, "0")).isEqualTo(Prune.keepNewest(0));
        assertThat(Pruning.request(NOW, "1h", "10")).isEqualTo(Prune.endedBefore(NOW.minusSeconds(3600)).withKeep(10));
        assertThatThrownBy(() -> Pruning.request(NOW, null, "-1")).hasMessage("--keep '-1' is not a number of runs; pass 0"
                + " or more, such as --keep 100");
        assertThatThrownBy(() -> Pruning.request(NOW, null, "")).hasMessage("--keep needs the number of newest root runs"
                + " to keep, such as --keep 100");
        assertThatThrownBy(() -> Pruning.request(NOW, null, null)).isInstanceOf(CliException.class)
                .hasMessage("prune needs a condition: --older-than AGE, --keep N or both, such as 'loomflow prune"
                        + " --older-than 30d' or 'loomflow prune --keep 100'");
    }

    @Test
    void pruningDeletesTheSelectedTreesCountsThemAndKeepsTheUnfinishedWhichADryRunCountsAlike() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Handle<Integer> running = trees.engine.submit(Flow.named("waiting", (Integer x) -> {
            started.countDown();
            release.await();
            return x;
        }), 1);
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        RunRecord older = trees.record(20, ItemHistory.ALL);
        RunRecord old = trees.record(20, ItemHistory.ALL);
        RunRecord newest = trees.record(20, ItemHistory.ALL);
        long runs = trees.store.runs(new RunQuery(null, null, false, 1000)).size();
        long treeSize = (runs - 1) / 3;
        Prune keepOne = Pruning.request(NOW, null, "1");

        assertThat(Pruning.preview(trees.store, keepOne)).isEqualTo("dry run: would delete 2 root runs with every run below"
                + " them; would keep 1 run that has not ended: runs are pruned once they end");
        assertThat(trees.store.runs(new RunQuery(null, null, false, 1000))).hasSize((int) runs);
        assertThat(Pruning.prune(trees.store, keepOne, "the store")).isEqualTo("deleted 2 root runs, " + 2 * treeSize
                + " runs in all; kept 1 run that has not ended: runs are pruned once they end");
        assertThat(trees.store.run(older.id())).isEmpty();
        assertThat(trees.store.run(old.id())).isEmpty();
        assertThat(trees.store.run(newest.id())).isPresent();

        Prune recent = Pruning.request(Instant.now(), "1d", null);
        assertThat(Pruning.preview(trees.store, recent)).isEqualTo("dry run: would delete 0 root runs with every run below them");
        assertThat(Pruning.prune(trees.store, recent, "the store")).isEqualTo("deleted 0 root runs, 0 runs in all");
        Prune all = Pruning.request(Instant.now().plus(Duration.ofDays(1)), "1d", "0");
        assertThat(Pruning.preview(trees.store, all)).isEqualTo("dry run: would delete 1 root run with every run below it;"
                + " would keep 1 run that has not ended: runs are pruned once they end");
        release.countDown();
        running.join();
        trees.recorder.flush();
        all = Pruning.request(Instant.now().plus(Duration.ofDays(1)), "1d", "0"); // after the run ended
        assertThat(Pruning.prune(trees.store, all, "the store")).isEqualTo("deleted 2 root runs, " + (treeSize + 1)
                + " runs in all");
        assertThat(trees.store.runs(new RunQuery(null, null, false, 1000))).isEmpty();
    }
}
