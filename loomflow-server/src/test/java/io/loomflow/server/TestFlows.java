package io.loomflow.server;

import io.loomflow.Flow;
import io.loomflow.RunContext;
import io.loomflow.Task;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The flows the server's tests offer. */
final class TestFlows {

    private TestFlows() {
    }

    public enum Mood { CALM, CHEERFUL }

    public record Address(String city, Optional<String> street) {
    }

    public record Greeting(String name, int times, Mood mood, List<String> tags, Address address, boolean loud,
                           Optional<LocalDate> on, Map<String, Integer> scores) {

        public static Greeting defaults() {
            return new Greeting(null, 1, Mood.CALM, List.of(), null, false, Optional.empty(), Map.of());
        }
    }

    public record Row(String name, int score) {
    }

    public record Count(int rows) {

        public Count {
            if (rows < 0) {
                throw new IllegalArgumentException("rows must be 0 or more, was " + rows);
            }
        }
    }

    public record Message(String text) {
    }

    static final Task<String, String> SHOUT = Task.named("shout", (String word) -> {
        RunContext.current().log().info("shouting %s", word);
        return word.toUpperCase(java.util.Locale.ROOT);
    });

    static final Flow<Greeting, String> GREET = Flow.named("greet", Greeting.class, greeting -> {
        RunContext.current().log().info("greeting %s", greeting.name());
        String word = greeting.loud() ? SHOUT.call(greeting.name()) : greeting.name();
        return "Hello, " + (greeting.mood() == Mood.CHEERFUL ? "dear " : "") + word + "!".repeat(greeting.times());
    });

    static final Task<Integer, Row> SCORE = Task.named("score", (Integer i) -> new Row("row " + i, i * 10));

    static final Flow<Count, List<Row>> TABLE = Flow.named("table", Count.class,
            count -> SCORE.map(java.util.stream.IntStream.range(0, count.rows()).boxed().toList()).join());

    static final Flow<Message, String> FAIL = Flow.named("fail", Message.class, message -> {
        RunContext.current().log().info("about to fail with %s", message.text());
        throw new IllegalStateException(message.text());
    });

    static final Flow<Message, String> SLOW = Flow.named("slow", Message.class, message -> {
        RunContext.current().log().info("waiting: %s", message.text());
        Thread.sleep(60_000);
        return message.text();
    });

    static final Flow<Count, Integer> PARENT = Flow.named("parent", Count.class,
            count -> TABLE.call(count).size());

    /** Parameters that are all optional: an empty body starts a run. */
    public record Ping(int times) {

        public static Ping defaults() {
            return new Ping(1);
        }
    }

    /** A flow whose parameters are all optional, which a bare cross-site form would start if it could. */
    static final Flow<Ping, String> PING = Flow.named("ping", Ping.class, ping -> "pong".repeat(ping.times()));

    static List<Flow<?, ?>> all() {
        return List.of(GREET, TABLE, FAIL, SLOW, PARENT);
    }
}
