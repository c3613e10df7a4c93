package com.example.wordcount;

import io.loomflow.Flow;
import io.loomflow.Task;
import java.util.List;
import java.util.Locale;

/** Counts the words of each line in concurrent tasks, and adds them up in a flow. */
public final class WordCount {

    /** One task per line: how many words it holds. */
    static final Task<String, Integer> COUNT = Task.named("count", (String line) -> {
        String trimmed = line.strip();
        return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
    });

    /** The flow: maps {@link #COUNT} over the lines (results in input order) and sums them. */
    public static final Flow<List<String>, Integer> FLOW = Flow.named("wordcount", (List<String> lines) ->
            COUNT.map(lines).join().stream().mapToInt(Integer::intValue).sum());

    private WordCount() {
    }

    /**
     * Counts the words of the arguments, one line each.
     *
     * @param args the lines
     */
    public static void main(String[] args) {
        int words = FLOW.run(List.of(args));
        System.out.println(String.format(Locale.ROOT, "%d words in %d lines", words, args.length));
    }
}
