package io.loomflow.examples.s4;

import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A CSV of generated rows for {@code Evaluation}: every fifth answer is wrong, and the questions hold
 * commas and quotes, so the file needs CSV quoting.
 *
 * @param path where it was written
 * @param rows its rows, in order
 */
record QuestionsFile(Path path, List<Evaluation.Row> rows) {

    /** Writes {@code count} rows to {@code questions.csv} in {@code folder}. */
    static QuestionsFile write(Path folder, int count) {
        List<Evaluation.Row> rows = IntStream.rangeClosed(1, count).mapToObj(i -> new Evaluation.Row(
                "Question " + i + ": what is \"" + i + " times 3\", in digits?",
                String.valueOf(i % 5 == 0 ? i * 3 + 1 : i * 3), String.valueOf(i * 3))).toList();
        CsvSchema columns = CsvSchema.builder().addColumn("question").addColumn("answer").addColumn("reference").build()
                .withHeader();
        Path file = folder.resolve("questions.csv");
        try {
            new CsvMapper().writerFor(Evaluation.Row.class).with(columns).writeValues(file.toFile()).writeAll(rows).close();
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
        return new QuestionsFile(file, rows);
    }

    /** The question of row {@code number}, counted from 1. */
    String question(int number) {
        return rows.get(number - 1).question();
    }

    /** Whether each row's answer is its reference, which is what a right grader passes. */
    List<Boolean> expectedVerdicts() {
        return rows.stream().map(row -> row.answer().equals(row.reference())).toList();
    }

    /** The parameters that grade this file with the model server at {@code model}. */
    Evaluation.Params params(FakeOllama model) {
        return new Evaluation.Params(path.toString(), model.uri(), "fake-grader");
    }
}
