package io.loomflow.data;

import io.loomflow.data.StreamingTest.Trip;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The program {@link StreamingMemoryTest} runs in a JVM with a small heap: a pipeline of one node
 * that turns {@code trips.csv} into {@code trips.jsonl} under a root folder, as streams ({@code
 * stream}) or as whole lists ({@code whole}). Prints {@code converted} when it succeeds.
 */
public final class StreamingMemoryChild {

    private StreamingMemoryChild() {
    }

    /**
     * Runs the conversion.
     *
     * @param args {@code stream} or {@code whole}, then the root folder
     */
    public static void main(String[] args) {
        boolean stream = args[0].equals("stream");
        Catalog catalog = Catalog.builder().storage("file", Map.of("root", args[1]))
                .add("trips", URI.create("file:trips.csv"), stream ? Format.csvStream(Trip.class) : Format.csv(Trip.class))
                .add("out", URI.create("file:trips.jsonl"),
                        stream ? Format.jsonLinesStream(Trip.class) : Format.jsonLines(Trip.class))
                .build();
        Node convert = stream
                ? Node.of("convert", "trips", "out", (Stream<Trip> trips) -> trips)
                : Node.of("convert", "trips", "out", (List<Trip> trips) -> trips);
        Pipeline.of(convert).toFlow("convert", catalog).run(PipelineRun.all());
        System.out.println("converted");
    }
}
