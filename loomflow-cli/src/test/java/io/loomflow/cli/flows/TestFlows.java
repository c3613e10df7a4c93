package io.loomflow.cli.flows;

import io.loomflow.Flow;
import io.loomflow.RunContext;
import io.loomflow.Task;
import io.loomflow.spi.FlowProvider;
import java.io.IOException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/** The flows the tests run through the command, found like any provider: META-INF/services on the class path. */
public final class TestFlows implements FlowProvider {

    /** Made by {@link java.util.ServiceLoader}. */
    public TestFlows() {
    }

    /** The parameters of {@code greet}. */
    public record Greeting(String name) {
    }

    /** What {@code boom} fails with. */
    public static final class DiskFullException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        DiskFullException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A color, to show enum parameters. */
    public enum Color { RED, GREEN }

    /** A nested group of parameters. */
    public record Window(LocalDate from, Duration length) {
    }

    /** Every kind of parameter the command can bind. */
    public record Typed(int count, double ratio, boolean dryRun, Color color, List<Integer> ids, Window window,
                        Optional<String> note, Map<String, Integer> limits) {
    }

    /** The parameters of {@code tuned}: every one has a default, from {@link #defaults()}. */
    public record Tuned(String model, int batch, Window window) {
        /** What a run takes when it is not told otherwise. */
        public static Tuned defaults() {
            return new Tuned("small", 8, new Window(LocalDate.of(2026, 1, 1), Duration.ofMinutes(5)));
        }
    }

    /** The parameters of {@code many}. */
    public record Many(int items) {
    }

    /** The parameters of {@code sleepy}. */
    public record Sleepy(long seconds) {
    }

    /** The parameters of {@code wide}: how many items to map, and which one fails (0 for none). */
    public record Wide(int items, int failAt) {
    }

    /** The parameters of {@code doomed}: how many items to map, every one of which fails. */
    public record Doomed(int items) {
    }

    /** The parameters of {@code fanout}: how many items to map, and how long each one sleeps. */
    public record Fanout(int items, long millis) {
    }

    /** The parameters of {@code flaky}: its last step fails until the file {@code marker} exists. */
    public record Flaky(String marker) {
    }

    /** How many times {@code flaky}'s first step ran in this JVM. */
    public static final java.util.concurrent.atomic.AtomicInteger PREPARED = new java.util.concurrent.atomic.AtomicInteger();

    static final Task<String, String> PREPARE = Task.named("prepare", (String marker) -> {
        PREPARED.incrementAndGet();
        return "prepared " + marker;
    }).withPersistedResult();

    static final Task<String, String> FINISH = Task.named("finish", (String prepared) -> {
        if (!java.nio.file.Files.exists(java.nio.file.Path.of(prepared.substring("prepared ".length())))) {
            throw new IllegalStateException("the marker file is missing");
        }
        return prepared + ", finished";
    });

    static final Task<String, String> GREET = Task.named("say", (String name) -> {
        RunContext.current().log().info("greeting %s", name);
        return "Hello, " + name + "!";
    });

    static final Task<Integer, Integer> WRITE = Task.named("write", (Integer block) -> {
        throw new DiskFullException("block " + block + " could not be written", new IOException("no space left on device"));
    });

    static final Task<Integer, Integer> SQUARE = Task.named("square", (Integer i) -> i * i);

    static final Task<Long, Long> SLEEP = Task.named("sleep", (Long seconds) -> {
        RunContext.current().log().info("sleeping %d s", seconds);
        Thread.sleep(Duration.ofSeconds(seconds));
        return seconds;
    });

    /** What {@code wide}'s and {@code doomed}'s items fail with. */
    public static final class ItemFailedException extends Exception {
        private static final long serialVersionUID = 1L;

        ItemFailedException(String message) {
            super(message);
        }
    }

    /** Like scenario S5: each item of {@code wide} is a task that calls this subflow. */
    static Flow<Integer, Integer> detail(int failAt) {
        return Flow.named("detail", (Integer item) -> {
            if (item == failAt) {
                throw new ItemFailedException("item " + item + " could not be read");
            }
            return item * 2;
        });
    }

    static Task<Integer, Integer> item(int failAt) {
        Flow<Integer, Integer> detail = detail(failAt);
        return Task.named("item", (Integer item) -> detail.call(item) + 1);
    }

    static final Task<Integer, Integer> FAIL = Task.named("fail", (Integer item) -> {
        RunContext.current().log().info("item %d fails", item);
        throw new ItemFailedException("item " + item + " could not be read");
    });

    static final Task<Long, Long> WAIT = Task.named("wait", (Long millis) -> {
        Thread.sleep(Duration.ofMillis(millis));
        return millis;
    });

    /** Ignores its cancellation: it goes on until the process ends. */
    static final Task<Integer, Integer> IGNORE_CANCELLATION = Task.named("ignore", (Integer unused) -> {
        RunContext.current().log().info("ignoring cancellation from now on");
        while (true) {
            try {
                Thread.sleep(Duration.ofHours(1));
            } catch (InterruptedException ignored) {
                // on purpose: this task never stops
            }
        }
    });

    @Override
    public Collection<Flow<?, ?>> flows() {
        return List.of(
                Flow.named("greet", Greeting.class, (Greeting g) -> GREET.call(g.name())),
                Flow.named("boom", Greeting.class, (Greeting g) -> WRITE.call(7)),
                Flow.named("flaky", Flaky.class, (Flaky f) -> FINISH.call(PREPARE.call(f.marker()))),
                Flow.named("typed", Typed.class, (Typed t) -> t),
                Flow.named("tuned", Tuned.class, (Tuned t) -> t),
                Flow.named("plain", (Object ignored) -> ignored == null ? "no parameters" : "unexpected " + ignored),
                Flow.named("many", Many.class, (Many m) -> SQUARE.map(IntStream.rangeClosed(1, m.items()).boxed())
                        .join().stream().mapToInt(i -> i).sum()),
                Flow.named("sleepy", Sleepy.class, (Sleepy s) -> SLEEP.call(s.seconds())),
                Flow.named("wide", Wide.class, (Wide w) -> item(w.failAt()).map(IntStream.rangeClosed(1, w.items()).boxed())
                        .join().size()),
                Flow.named("doomed", Doomed.class, (Doomed d) -> FAIL.map(IntStream.rangeClosed(1, d.items()).boxed())
                        .join().size()).withFailurePolicy(io.loomflow.FailurePolicy.COLLECT_ALL),
                Flow.named("fanout", Fanout.class, (Fanout f) -> WAIT.map(java.util.Collections.nCopies(f.items(), f.millis()))
                        .join().size()),
                Flow.named("stubborn", (Object ignored) -> IGNORE_CANCELLATION.call(0)),
                Flow.named("knobs", io.loomflow.cases.ParameterCases.Knobs.class, (io.loomflow.cases.ParameterCases.Knobs k) -> k));
    }
}
