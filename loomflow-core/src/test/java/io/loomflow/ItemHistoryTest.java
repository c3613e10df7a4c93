package io.loomflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Map items tell listeners which map they belong to, and what the history keeps of them. */
class ItemHistoryTest {

    private final EventRecorder events = new EventRecorder();
    private final Task<Integer, Integer> square = Task.named("square", (Integer x) -> x * x);
    private final Task<Integer, Integer> single = Task.named("single", (Integer x) -> x);

    private Map<String, List<RunInfo>> runsByName() {
        return events.changes().stream().map(Event.StateChange::run).distinct()
                .collect(Collectors.groupingBy(RunInfo::name));
    }

    @Test
    void theItemsOfOneMapShareItsIdAndKnowTheirIndexAndTheMapsSize() {
        Flow<List<Integer>, Integer> flow = Flow.named("sum", (List<Integer> xs) -> {
            square.map(xs).join();
            square.map(xs).join();
            return single.call(1);
        });
        try (Engine engine = Engine.builder().listener(events).build()) {
            engine.run(flow, List.of(1, 2, 3));
        }
        List<RunInfo> items = runsByName().get("square");
        assertThat(items).hasSize(6).allMatch(RunInfo::isMapItem);
        Map<UUID, List<RunInfo>> maps = items.stream().collect(Collectors.groupingBy(run -> run.mapItem().mapId()));
        assertThat(maps).as("two calls of map are two maps").hasSize(2);
        maps.values().forEach(map -> {
            assertThat(map).extracting(run -> run.mapItem().index()).containsExactlyInAnyOrder(0, 1, 2);
            assertThat(map).allSatisfy(run -> assertThat(run.mapItem().size()).isEqualTo(3));
        });
        assertThat(maps.keySet()).doesNotContainAnyElementsOf(
                items.stream().map(RunInfo::id).collect(Collectors.toSet()));
        assertThat(runsByName().get("single")).singleElement().satisfies(run -> assertThat(run.isMapItem()).isFalse());
        assertThat(runsByName().get("sum")).singleElement().satisfies(run -> assertThat(run.mapItem()).isNull());
    }

    @Test
    void theNearestFlowThatChoosesDecidesElseTheEngine() {
        Flow<Integer, Integer> inheriting = Flow.named("inheriting", (Integer n) -> {
            square.map(List.of(n)).join();
            return n;
        });
        Flow<Integer, Integer> choosingAll = Flow.named("choosingAll", (Integer n) -> {
            square.map(List.of(n)).join();
            return n;
        }).withItemHistory(ItemHistory.ALL);
        Flow<Integer, Integer> outer = Flow.named("outer", (Integer n) -> {
            square.map(List.of(n)).join();
            Task.named("inTask", (Integer x) -> square.map(List.of(x)).join().getFirst()).call(n);
            inheriting.call(n);
            choosingAll.call(n);
            return n;
        }).withItemHistory(ItemHistory.FAILURES);
        try (Engine engine = Engine.builder().listener(events).build()) {
            engine.run(outer, 1);
            engine.run(inheriting, 2);
        }
        Map<String, Set<ItemHistory>> historyByParent = events.changes().stream().map(Event.StateChange::run)
                .filter(RunInfo::isMapItem).distinct()
                .collect(Collectors.groupingBy(run -> parentName(run), Collectors.mapping(
                        run -> run.mapItem().history(), Collectors.toSet())));
        assertThat(historyByParent).containsEntry("outer", Set.of(ItemHistory.FAILURES))
                .containsEntry("inTask", Set.of(ItemHistory.FAILURES))
                .containsEntry("choosingAll", Set.of(ItemHistory.ALL))
                .as("the subflow inherits under outer; run alone it has the engine's default")
                .containsEntry("inheriting", Set.of(ItemHistory.FAILURES, ItemHistory.ALL));
    }

    @Test
    void theEnginesChoiceAppliesWhereNoFlowChooses() {
        try (Engine engine = Engine.builder().listener(events).itemHistory(ItemHistory.FAILURES).build()) {
            Flow<List<Integer>, List<Integer>> flow = Flow.named("plain", (List<Integer> xs) -> square.map(xs).join());
            engine.run(flow, List.of(1, 2));
        }
        assertThat(runsByName().get("square")).hasSize(2)
                .allSatisfy(run -> assertThat(run.mapItem().history()).isEqualTo(ItemHistory.FAILURES));
    }

    @Test
    void aMissingChoiceIsRefusedSayingWhatToPass() {
        assertThatThrownBy(() -> Flow.named("f", (Integer x) -> x).withItemHistory(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("flow 'f': item history must not be null; pass ItemHistory.ALL or ItemHistory.FAILURES");
        assertThatThrownBy(() -> Engine.builder().itemHistory(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("item history must not be null; pass ItemHistory.ALL or ItemHistory.FAILURES");
    }

    private String parentName(RunInfo item) {
        return events.changes().stream().map(Event.StateChange::run).filter(run -> run.id().equals(item.parentId()))
                .map(RunInfo::name).findFirst().orElse("(root)");
    }
}
