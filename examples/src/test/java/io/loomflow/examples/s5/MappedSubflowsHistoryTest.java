package io.loomflow.examples.s5;

import static io.loomflow.testing.LoomflowAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loomflow.Engine;
import io.loomflow.testing.LoomflowTest;
import io.loomflow.testing.RunHistory;
import org.junit.jupiter.api.Test;

/**
 * Scenario S5 on loomflow-testing's engine: the run tree as the history recorded it, and, after each
 * test, the kit's check that no run, thread or resource was left behind.
 */
@LoomflowTest
class MappedSubflowsHistoryTest {

    @Test
    void eachItemIsATaskRunThatCalledItsSubflow(Engine engine, RunHistory history) {
        assertThat(engine.run(MappedSubflows.flow(), new MappedSubflows.Params(20, 0))).hasSize(20).startsWith(2, 5, 10);

        assertThat(history.last())
                .isCompleted()
                .hasChildren(20)
                .hasChild("process").isCompleted().hadAttempts(1)
                .hasChildren(1)
                .hasChild("enrich").isCompleted();
    }

    @Test
    void aFailingSubflowFailsTheRunWithItsError(Engine engine, RunHistory history) {
        assertThatThrownBy(() -> engine.run(MappedSubflows.flow(), new MappedSubflows.Params(20, 7)))
                .isInstanceOf(MappedSubflows.ItemFailedException.class);

        assertThat(history.last()).isFailedWith(MappedSubflows.ItemFailedException.class, "item 7 could not be enriched");
    }
}
