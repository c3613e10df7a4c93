package io.loomflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A caller that blocks on a run and wants its id or state submits it and joins the handle: the id is known
 * before the caller blocks, the state can be read while it waits, and the result or error is exactly run's.
 */
class BlockedCallerTest {

    @Test
    void aCallerKnowsTheRunItIsBlockedOnBeforeItBlocksAndOthersSeeItsState() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<UUID> seenInside = new AtomicReference<>();
        CountDownLatch running = new CountDownLatch(1);
        Flow<String, String> report = Flow.named("report", (String p) -> {
            seenInside.set(RunContext.current().info().id());
            running.countDown();
            release.await();
            return p.toUpperCase(java.util.Locale.ROOT);
        });
        try (Engine engine = Engine.builder().build()) {
            CompletableFuture<Handle<String>> started = new CompletableFuture<>();
            CompletableFuture<String> caller = CompletableFuture.supplyAsync(() -> {
                Handle<String> run = engine.submit(report, "x");   // the id and state, before blocking
                started.complete(run);
                return run.join();                                  // blocks as engine.run(report, "x") would
            }, runnable -> Thread.ofPlatform().start(runnable));
            Handle<String> run = started.get(10, TimeUnit.SECONDS);
            assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(run.runId()).isEqualTo(seenInside.get()).isEqualTo(run.info().id());
            assertThat(run.state().kind()).isEqualTo(State.Kind.RUNNING);
            assertThat(caller).isNotDone();
            release.countDown();
            assertThat(caller.get(10, TimeUnit.SECONDS)).isEqualTo("X");
            assertThat(run.state().kind()).isEqualTo(State.Kind.COMPLETED);
        }
    }

    @Test
    void joiningGivesExactlyTheErrorRunGives() {
        Flow<String, String> fails = Flow.named("fails", (String p) -> {
            throw new java.io.IOException("disk " + p);
        });
        try (Engine engine = Engine.builder().build()) {
            assertThatThrownBy(() -> engine.submit(fails, "full").join()).isInstanceOf(java.io.IOException.class)
                    .hasMessage("disk full");
            assertThatThrownBy(() -> engine.run(fails, "full")).isInstanceOf(java.io.IOException.class)
                    .hasMessage("disk full");
        }
    }

    @Test
    void interruptingACallerBlockedInJoinStopsItsWaitButNotTheRunWhichItsHandleCancels() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Flow<Integer, Integer> blocks = Flow.named("blocks", TestTasks.<Integer>blockingUntilCancelled("wait", started)::call);
        try (Engine engine = Engine.builder().build()) {
            Handle<Integer> run = engine.submit(blocks, 1);
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread caller = Thread.ofPlatform().start(() -> {
                try {
                    run.join();
                } catch (Throwable stopped) {
                    thrown.set(stopped);
                }
            });
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            caller.interrupt();
            caller.join(Duration.ofSeconds(10));
            assertThat(thrown.get()).isInstanceOf(RunCancelledException.class);
            assertThat(run.isDone()).isFalse();
            assertThat(run.cancel()).isTrue();
            assertThat(run.outcome()).isInstanceOf(Outcome.Cancelled.class);
        }
    }
}
