package io.loomflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A run started from a class's static initializer, whose code uses that class, waits for the
 * class's initialisation while the initializer waits for the run: the JVM never ends such a wait.
 * Each blocking entry point must then fail within seconds, naming the class and saying to move the
 * call out of the static initializer, and cancel the run; a run from a static initializer that does
 * not use the class must still work, however long it takes.
 *
 * <p>A class is initialised once per JVM, so each test initialises a class of its own, on a daemon
 * thread of its own (a broken guarantee leaves that thread waiting forever, not the test).
 */
class StaticInitializerTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    /** Defined here, so that its code never needs the classes under initialisation. */
    private static final Flow<Task<String, String>, String> CALLS_THE_TASK_IT_IS_GIVEN =
            Flow.named("calls-given-task", (Task<String, String> task) -> task.call("x"));

    /** flow.run, with the flow's code a lambda of the class: the run's thread waits before entering it. */
    static final class RunsAFlowOfItsOwn {
        static final Flow<String, String> SHOUT = Flow.named("shout-in-initializer", (String s) -> s.toUpperCase());
        static final String RESULT = SHOUT.run("x");
    }

    /** handle.join, with a task of the class called by a flow defined elsewhere: a child run waits. */
    static final class JoinsAFlowThatCallsItsTask {
        static final Task<String, String> TWICE = Task.named("twice-in-initializer", (String s) -> s + s);
        static final String RESULT = Engine.defaultEngine().submit(CALLS_THE_TASK_IT_IS_GIVEN, TWICE).join();
    }

    /** future.join, with the flow's code a nested class that calls a static method of this one. */
    static final class JoinsTheFutureOfANestedFunction {
        static final Flow<String, String> SHOUT = Flow.named("nested-in-initializer", new Shout());
        static final String RESULT = SHOUT.runAsync("x").join();

        static String upper(String s) {
            return s.toUpperCase();
        }

        static final class Shout implements CheckedFunction<String, String> {
            @Override
            public String apply(String s) {
                return upper(s);
            }
        }
    }

    /** map.join, with the task's code a lambda of the class. */
    static final class JoinsAMapOfItsOwnTask {
        static final Task<String, String> SHOUT = Task.named("map-in-initializer", (String s) -> s.toUpperCase());
        static final List<String> RESULT = SHOUT.map(List.of("a", "b")).join();
    }

    /** Waits, in its initializer, for a run that never uses this class and ends when the test says so. */
    static final class WaitsForARunThatDoesNotUseIt {
        static final String RESULT = Slow.FLOW.run("x");
    }

    /** The flow of {@link WaitsForARunThatDoesNotUseIt}, defined in a class that is initialised before it runs. */
    static final class Slow {
        static final CountDownLatch RELEASE = new CountDownLatch(1);
        static final Flow<String, String> FLOW = Flow.named("slow-elsewhere", (String s) -> {
            RELEASE.await();
            return s + "!";
        });
    }

    static Stream<Arguments> waitsForRunsThatUseTheClass() {
        return Stream.of(
                Arguments.of(named("flow.run, the flow's code a lambda of the class", RunsAFlowOfItsOwn.class),
                        "shout-in-initializer"),
                Arguments.of(named("handle.join, a child task's code a lambda of the class",
                        JoinsAFlowThatCallsItsTask.class), "calls-given-task"),
                Arguments.of(named("future.join, the flow's code a nested class of the class",
                        JoinsTheFutureOfANestedFunction.class), "nested-in-initializer"),
                Arguments.of(named("map.join, the items' code a lambda of the class", JoinsAMapOfItsOwnTask.class),
                        "map-in-initializer"));
    }

    /**
     * Initialises the class on a thread of its own and checks that it failed within seconds with the
     * error that names it, and that the run it waited for was cancelled and ended.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("waitsForRunsThatUseTheClass")
    void aWaitInTheStaticInitializerOfAClassThatTheRunsUseFailsNamingTheClass(Class<?> initializing, String runName)
            throws Exception {
        CompletableFuture<State> runEnded = new CompletableFuture<>();
        try (Subscription subscription = Engine.defaultEngine().subscribe(event -> {
            if (event instanceof Event.StateChange change && change.run().name().equals(runName)
                    && change.state().isFinal()) {
                runEnded.complete(change.state());
            }
        })) {
            Throwable thrown = initialiseOnItsOwnThread(initializing).get(WAIT.toSeconds(), TimeUnit.SECONDS);

            assertThat(thrown).isInstanceOf(ExceptionInInitializerError.class);
            assertThat(thrown.getCause()).isExactlyInstanceOf(LoomflowException.class)
                    .hasMessageContaining("static initializer of class " + initializing.getName())
                    .hasMessageContaining("move the call out of the static initializer");
            assertThat(((LoomflowException) thrown.getCause()).isRetryable()).isFalse();
            // Once the initializer has failed, the run's waiting threads go on (with NoClassDefFoundError)
            // and the run ends as cancelled: nothing is left behind.
            assertThat(runEnded.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(State.Cancelled.class);
        }
    }

    @Test
    void aRunThatDoesNotUseTheClassMayTakeLongerThanTheCheckAndIsOnlyWarnedAbout() throws Exception {
        CompletableFuture<Event.LogLine> warned = new CompletableFuture<>();
        try (Subscription subscription = Engine.defaultEngine().subscribe(event -> {
            if (event instanceof Event.LogLine line && line.run().name().equals("slow-elsewhere")) {
                warned.complete(line);
            }
        })) {
            assertThat(Slow.FLOW.name()).isEqualTo("slow-elsewhere"); // initialised here, not by the run
            CompletableFuture<Throwable> initialised = initialiseOnItsOwnThread(WaitsForARunThatDoesNotUseIt.class);

            // The check has looked at the run (it warns once it has, and found no thread waiting for
            // the class); only then is the run allowed to end.
            Event.LogLine warning = warned.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(warning.level()).isEqualTo(System.Logger.Level.WARNING);
            assertThat(warning.message()).contains("static initializer of class " + WaitsForARunThatDoesNotUseIt.class.getName())
                    .contains("move the call out of the static initializer");
            assertThat(initialised).isNotDone();
            Slow.RELEASE.countDown();

            assertThat(initialised.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as("initialised without error").isNull();
            assertThat(WaitsForARunThatDoesNotUseIt.RESULT).isEqualTo("x!");
        }
    }

    /** Initialises the class on a new daemon thread; completes with what the initialisation threw, or null. */
    private static CompletableFuture<Throwable> initialiseOnItsOwnThread(Class<?> type) {
        CompletableFuture<Throwable> result = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("initialising-" + type.getSimpleName()).start(() -> {
            try {
                Class.forName(type.getName(), true, type.getClassLoader());
                result.complete(null);
            } catch (Throwable thrown) {
                result.complete(thrown);
            }
        });
        return result;
    }
}
