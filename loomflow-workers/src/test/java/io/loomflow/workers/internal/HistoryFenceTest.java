package io.loomflow.workers.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Event;
import io.loomflow.EventListener;
import io.loomflow.RunInfo;
import io.loomflow.State;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/**
 * The fence of a worker's run history, on a clock of the test's: events pass while the lease is
 * certainly held, wait while it is not, and are recorded or discarded by the verdict that follows.
 */
class HistoryFenceTest {

    private static final long LEASE = Duration.ofSeconds(30).toNanos();

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Recorded recorded = new Recorded();
    private final HistoryFence fence = new HistoryFence(recorded, now::get, "w1");
    private final UUID queued = UUID.randomUUID();
    private final RunInfo root = new RunInfo(queued, null, queued, "report", RunInfo.Kind.FLOW, null, Instant.EPOCH, null);
    private final RunInfo task = new RunInfo(UUID.randomUUID(), queued, queued, "fetch", RunInfo.Kind.TASK, null,
            Instant.EPOCH, null);
    private long sequence;

    @Test
    void eventsPassWhileTheLeaseIsCertainlyHeld() {
        fence.open(queued, queued, now.get() + LEASE);
        fence.onEvent(state(root, null, new State.Running(1)));
        now.addAndGet(LEASE - 1);
        fence.onEvent(log(task, "still ours"));
        assertThat(recorded.events).hasSize(2);
    }

    @Test
    void eventsPastTheLeaseWaitAndAConfirmedLeaseRecordsThemInOrder() throws InterruptedException {
        HistoryFence.Guard guard = fence.open(queued, queued, now.get() + LEASE);
        fence.onEvent(state(root, null, new State.Running(1)));
        now.addAndGet(LEASE); // the JVM was paused, or the heartbeat could not reach the database
        Event first = state(task, null, new State.Running(1));
        Event second = log(task, "working");
        Event third = state(task, new State.Running(1), new State.Completed(null));
        fence.onEvent(first);
        fence.onEvent(second);
        fence.onEvent(third);
        assertThat(recorded.events).as("held").hasSize(1);

        guard.confirm(now.get() + LEASE);
        recorded.awaitSize(4);
        assertThat(recorded.events.subList(1, 4)).containsExactly(first, second, third);
        Event after = log(root, "after");
        fence.onEvent(after); // recorded once the held events are (they drain on the fence's own thread)
        recorded.awaitSize(5);
        assertThat(recorded.events).as("passes again once confirmed, after the held ones").hasSize(5).endsWith(after);
    }

    @Test
    void aLostRunRecordsNothingHeldNorAfterAndItsUnfinishedRunsEndCrashed() {
        HistoryFence.Guard guard = fence.open(queued, queued, now.get() + LEASE);
        fence.onEvent(state(root, null, new State.Running(1)));
        fence.onEvent(state(task, null, new State.Running(1)));
        now.addAndGet(LEASE + 1);
        fence.onEvent(state(task, new State.Running(1), new State.Completed(null)));
        fence.onEvent(log(root, "late"));

        guard.lose("its checkpoint was refused");
        fence.onEvent(state(root, new State.Running(1), new State.Completed(null)));
        guard.confirm(now.get() + LEASE); // a verdict after the loss changes nothing

        assertThat(recorded.events).hasSize(4);
        List<Event> ends = recorded.events.subList(2, 4);
        assertThat(ends).extracting(event -> event.run().id()).as("the task ends before its flow")
                .containsExactly(task.id(), root.id());
        assertThat(ends).allSatisfy(event -> {
            Event.StateChange change = (Event.StateChange) event;
            assertThat(change.previous()).isInstanceOf(State.Running.class);
            assertThat(change.state()).isInstanceOfSatisfying(State.Crashed.class, crashed -> assertThat(crashed.reason())
                    .contains("worker w1 lost queued run " + queued).contains("its checkpoint was refused"));
        });
        assertThat(guard.isLost()).isTrue();
    }

    @Test
    void anAcceptedCompletionRecordsWhatWasHeld() throws InterruptedException {
        HistoryFence.Guard guard = fence.open(queued, queued, now.get() + LEASE);
        now.addAndGet(2 * LEASE);
        Event end = state(root, new State.Running(1), new State.Completed("done"));
        fence.onEvent(end);
        guard.settle();
        guard.end("unused");
        recorded.awaitSize(1);
        assertThat(recorded.events).containsExactly(end);
        Event late = log(root, "after the end");
        fence.onEvent(late);
        recorded.awaitSize(2);
    }

    @Test
    void aSettledExecutionIsNotLostAfterwards() throws InterruptedException {
        HistoryFence.Guard guard = fence.open(queued, queued, now.get() + LEASE);
        fence.onEvent(state(root, null, new State.Running(1)));
        now.addAndGet(2 * LEASE);
        Event cancelled = state(root, new State.Running(1), new State.Cancelled("handed back"));
        fence.onEvent(cancelled);
        guard.settle(); // handed back by this worker: its cancellation is its own to record
        guard.lose("a failure after the hand-back");
        recorded.awaitSize(2);
        assertThat(recorded.events).endsWith(cancelled).hasSize(2);
        assertThat(guard.isLost()).isFalse();
    }

    @Test
    void anExecutionThatEndsWithEventsHeldAndNoVerdictRecordsNoneOfThem() {
        HistoryFence.Guard guard = fence.open(queued, queued, now.get() + LEASE);
        fence.onEvent(state(root, null, new State.Running(1)));
        now.addAndGet(LEASE);
        fence.onEvent(state(root, new State.Running(1), new State.Completed(null)));
        guard.end("its end could not be recorded");
        assertThat(recorded.events).hasSize(2);
        assertThat(((Event.StateChange) recorded.events.get(1)).state()).isInstanceOf(State.Crashed.class);
    }

    @Test
    void anExecutionThatEndsWithNothingHeldIsForgottenAndItsEventsPassUnfenced() {
        HistoryFence.Guard guard = fence.open(queued, queued, now.get() + LEASE);
        guard.end("unused");
        now.addAndGet(10 * LEASE);
        fence.onEvent(log(root, "no longer fenced"));
        assertThat(recorded.events).hasSize(1);
    }

    @Test
    void atMostSoManyEventsAreHeldAndStateChangesAlwaysAre() throws InterruptedException {
        HistoryFence.Guard guard = fence.open(queued, queued, now.get() + LEASE);
        now.addAndGet(LEASE);
        for (int i = 0; i < HistoryFence.MOST_HELD + 5; i++) {
            fence.onEvent(log(root, "line " + i));
        }
        fence.onEvent(state(root, new State.Running(1), new State.Completed(null)));
        guard.confirm(now.get() + LEASE);
        recorded.awaitSize(HistoryFence.MOST_HELD + 1);
        assertThat(recorded.events.getLast()).isInstanceOf(Event.StateChange.class);
        assertThat(recorded.events).hasSize(HistoryFence.MOST_HELD + 1);
    }

    @Test
    void eventsOfRunsThatAreNoExecutionsPassThrough() {
        now.addAndGet(100 * LEASE);
        RunInfo other = new RunInfo(UUID.randomUUID(), null, UUID.randomUUID(), "other", RunInfo.Kind.FLOW, null,
                Instant.EPOCH, null);
        fence.onEvent(log(other, "hello"));
        assertThat(recorded.events).hasSize(1);
    }

    private Event.StateChange state(RunInfo run, State previous, State state) {
        return new Event.StateChange(++sequence, Instant.EPOCH, run, previous, state);
    }

    private Event.LogLine log(RunInfo run, String message) {
        return new Event.LogLine(++sequence, Instant.EPOCH, run, Level.INFO, message, null);
    }

    /** The events that reached the history, in order; released events arrive on a thread of the fence. */
    private static final class Recorded implements EventListener {
        final List<Event> events = new CopyOnWriteArrayList<>();
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition arrived = lock.newCondition();

        @Override
        public void onEvent(Event event) {
            lock.lock();
            try {
                events.add(event);
                arrived.signalAll();
            } finally {
                lock.unlock();
            }
        }

        void awaitSize(int size) throws InterruptedException {
            long left = TimeUnit.SECONDS.toNanos(10);
            lock.lock();
            try {
                while (events.size() < size) {
                    if (left <= 0) {
                        throw new AssertionError("expected " + size + " events, got " + events.size());
                    }
                    left = arrived.awaitNanos(left);
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
