package com.example.wordcount;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class WordCountTest {

    @Test
    void countsTheWordsOfEveryLine() {
        assertEquals(7, WordCount.FLOW.run(List.of("the quick  brown fox", "", "  jumps over it\n")));
    }

    @Test
    void runsTheSameFromAPoolThread() throws Exception {
        try (var pool = Executors.newFixedThreadPool(2)) {
            var lines = List.of("one", "two words", "and three words");
            assertEquals(6, pool.submit(() -> WordCount.FLOW.run(lines)).get());
        }
    }
}
