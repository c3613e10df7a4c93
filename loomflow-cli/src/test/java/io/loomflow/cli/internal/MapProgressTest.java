package io.loomflow.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Event;
import io.loomflow.ItemHistory;
import io.loomflow.RunInfo;
import io.loomflow.State;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The plain view prints a large map's counts at most once a second of its events' time, however
 * many events come: fed a run's events as the engine publishes them, dated 50 ms apart.
 */
class MapProgressTest {

    private static final Instant START = Instant.parse("2026-01-01T12:00:00Z");

    private final AtomicLong sequence = new AtomicLong();

    private Event.StateChange change(RunInfo run, long millis, State previous, State state) {
        return new Event.StateChange(sequence.incrementAndGet(), START.plusMillis(millis), run, previous, state);
    }

    @Test
    void aLargeMapPrintsItsCountsAtMostOnceASecondWhileItsItemsEnd() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ProgressView view = new ProgressView(out, ProgressMode.PLAIN, false,
                new CliContext(out, out, Map.of(), false, false, InstantSource.fixed(START), ZoneOffset.UTC));
        UUID rootId = UUID.randomUUID();
        RunInfo root = new RunInfo(rootId, null, rootId, "flow", RunInfo.Kind.FLOW, null, START);
        UUID mapId = UUID.randomUUID();
        int size = 100;
        view.onEvent(change(root, 0, null, new State.Scheduled()));
        view.onEvent(change(root, 0, new State.Scheduled(), new State.Running(1)));
        for (int i = 0; i < size; i++) {
            RunInfo item = new RunInfo(UUID.randomUUID(), rootId, rootId, "item", RunInfo.Kind.TASK, i, START,
                    new RunInfo.MapItem(mapId, i, size, ItemHistory.ALL));
            long at = 50L * i;
            view.onEvent(change(item, at, null, new State.Scheduled()));
            view.onEvent(change(item, at, new State.Scheduled(), new State.Running(1)));
            view.onEvent(change(item, at + 10, new State.Running(1), new State.Completed(i)));
        }
        view.onEvent(change(root, 5000, new State.Running(1), new State.Completed(null)));

        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        // the items end over 4.96 s: a line of counts at 1, 2, 3 and 4 s, as the 21st, 41st... item is scheduled
        assertThat(lines).containsExactly(
                "12:00:00.000  item              map of 100 items started",
                "12:00:01.000  item              map of 100 items: 1 Scheduled · 20 Completed · 79 not started  1.0 s",
                "12:00:02.000  item              map of 100 items: 1 Scheduled · 40 Completed · 59 not started  2.0 s",
                "12:00:03.000  item              map of 100 items: 1 Scheduled · 60 Completed · 39 not started  3.0 s",
                "12:00:04.000  item              map of 100 items: 1 Scheduled · 80 Completed · 19 not started  4.0 s",
                "12:00:04.960  item              map of 100 items ended: 100 Completed  5.0 s",
                "12:00:05.000  flow              Completed  5.0 s");
    }
}
