package io.loomflow.server;

import io.loomflow.Event.DatasetAccess.Access;
import io.loomflow.Flow;
import io.loomflow.RunContext;
import io.loomflow.Task;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;

/**
 * A flow whose runs read and write datasets as the data layer's do, recorded by plain tasks with
 * {@code RunContext.recordDatasetAccess}: node {@code clean} (a subflow) loads {@code raw} and saves {@code clean}
 * in task runs {@code load raw} and {@code save clean}; a map of {@code load part} tasks reads {@code part}; node
 * {@code publish} waits for a gate, then writes a dataset whose name and location are markup; then the root waits
 * for a second gate before it ends.
 */
final class TestLineage {

    /** The flow's name. */
    static final String NAME = "lineage";
    /** A dataset name that is markup. */
    static final String HOSTILE = "<img src=x onerror=alert(1)>";
    /** A location that is markup. */
    static final String HOSTILE_LOCATION = "s3://bucket/<script>alert(2)</script>.json";

    /** How many parts the map reads. */
    public record Parts(int parts) {

        public static Parts defaults() {
            return new Parts(3);
        }
    }

    private TestLineage() {
    }

    /** The flow, with both gates open. */
    static Flow<Parts, String> flow() {
        return flow(new CountDownLatch(0), new CountDownLatch(0));
    }

    /** The flow; node {@code publish} waits for {@code gate} before it writes, and the root for {@code end}. */
    static Flow<Parts, String> flow(CountDownLatch gate, CountDownLatch end) {
        Task<String, String> load = Task.named("load raw", (String version) -> {
            RunContext.current().recordDatasetAccess(Access.READ, "raw", version, "file:///data/raw.csv");
            return version;
        });
        Task<String, String> save = Task.named("save clean", (String version) -> {
            RunContext.current().recordDatasetAccess(Access.WRITE, "clean", "2026-12-04T10.00.00.000Z",
                    "file:///data/clean.parquet");
            return version;
        });
        Flow<String, String> clean = Flow.named("clean", (String version) -> save.call(load.call(version)));
        Task<Integer, Integer> part = Task.named("load part", (Integer i) -> {
            RunContext.current().recordDatasetAccess(Access.READ, "part", null, "memory://part/" + i);
            return i;
        });
        Task<String, String> saveReport = Task.named("save report", (String made) -> {
            RunContext.current().recordDatasetAccess(Access.WRITE, HOSTILE, "v<2>", HOSTILE_LOCATION);
            return made;
        });
        Flow<String, String> publish = Flow.named("publish", (String made) -> {
            gate.await();
            return saveReport.call(made);
        });
        return Flow.named(NAME, Parts.class, parts -> {
            String made = clean.call("v1");
            part.map(IntStream.range(0, parts.parts()).boxed()).join();
            String published = publish.call(made);
            end.await();
            return published;
        });
    }
}
