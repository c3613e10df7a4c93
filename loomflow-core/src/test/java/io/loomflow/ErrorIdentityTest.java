package io.loomflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** Guarantee 4: the exception user code threw reaches the caller with its type, message and cause. */
class ErrorIdentityTest {

    private final SocketException cause = new SocketException("connection reset");
    private final IOException thrown = new IOException("could not load row 42", cause);
    private final Task<Integer, Integer> load = Task.named("load", (Integer i) -> {
        if (i == 42) {
            throw thrown;
        }
        return i;
    });

    @Test
    void aCheckedExceptionFromATaskReachesTheFlowsCallerUnchanged() {
        Flow<Integer, Integer> flow = Flow.named("direct", load::call);
        try (Engine engine = Engine.builder().build()) {
            Throwable caught = catchThrowable(() -> engine.run(flow, 42));
            assertThat(caught).isSameAs(thrown).isInstanceOf(IOException.class).hasMessage("could not load row 42");
            assertThat(caught.getCause()).isSameAs(cause);
        }
    }

    @Test
    void theErrorCrossesSubflowsAndMapsUnchanged() {
        Flow<Integer, Integer> sub = Flow.named("sub", load::call);
        Task<Integer, Integer> viaSubflow = Task.named("via-subflow", sub::call);
        Flow<Integer, List<Integer>> outer = Flow.named("outer", (Integer n) -> viaSubflow.map(List.of(1, 2, n)).join());
        Flow<Integer, List<Integer>> outermost = Flow.named("outermost", outer::call);
        try (Engine engine = Engine.builder().build()) {
            assertThatThrownBy(() -> engine.run(outermost, 42)).isSameAs(thrown).hasCause(cause);
        }
    }

    @Test
    void theFutureOfRunAsyncCompletesWithTheSameError() throws Exception {
        Flow<Integer, Integer> flow = Flow.named("async", load::call);
        try (Engine engine = Engine.builder().build()) {
            var future = engine.runAsync(flow, 42);
            assertThat(catchThrowable(future::get)).isInstanceOf(ExecutionException.class).cause().isSameAs(thrown);
            assertThat(catchThrowable(future::join)).isInstanceOf(CompletionException.class).cause().isSameAs(thrown);
        }
    }

    @Test
    void theRecordedStateHoldsTheSameErrorAtEveryLevel() {
        EventRecorder events = new EventRecorder();
        Flow<Integer, Integer> sub = Flow.named("sub", load::call);
        Flow<Integer, Integer> flow = Flow.named("top", sub::call);
        try (Engine engine = Engine.builder().listener(events).build()) {
            catchThrowable(() -> engine.run(flow, 42));
        }
        for (String name : List.of("load", "sub", "top")) {
            assertThat(events.lastChangesOf(name).getFirst().state()).isEqualTo(new State.Failed(thrown));
        }
    }

    @Test
    void theErrorIsNotRelabelledWhenEngineContextIsAdded() {
        IllegalStateException secondary = new IllegalStateException("second child also failed");
        Task<Integer, Integer> alsoFails = Task.named("also-fails", (Integer i) -> {
            throw secondary;
        });
        Flow<Integer, Integer> flow = Flow.named("two-failures", (Integer i) -> {
            Handle<Integer> second = alsoFails.submit(i); // never joined: its failure is context, not the headline
            // Its failure must be recorded before the body's own: a failing body cancels the children still
            // running, so on a loaded machine an unstarted child would end Cancelled instead. Wait on its
            // state (which does not observe its failure), with a deadline.
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
            while (!second.isDone() && System.nanoTime() < deadline) {
                Thread.yield(); // a virtual thread gives its carrier to the child
            }
            return load.call(42);
        }).withFailurePolicy(FailurePolicy.COLLECT_ALL);
        try (Engine engine = Engine.builder().build()) {
            Throwable caught = catchThrowable(() -> engine.run(flow, 1));
            assertThat(caught).isSameAs(thrown).hasCause(cause).hasMessage("could not load row 42");
            assertThat(caught.getSuppressed()).containsExactly(secondary);
        }
    }
}
