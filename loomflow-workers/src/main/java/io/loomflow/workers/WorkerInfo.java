package io.loomflow.workers;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A worker as the queue database knows it: what it runs, how busy it is, and whether it is alive.
 *
 * <p>Immutable and thread-safe; a snapshot. Times are the database's.
 *
 * @param id the worker's id
 * @param name its name
 * @param host the host it runs on
 * @param pid its process id
 * @param queues the queues it takes runs from
 * @param flows the flows it runs, each {@code name} or {@code name@version}
 * @param concurrency how many runs it runs at most at once
 * @param started when it registered
 * @param heartbeat its last heartbeat
 * @param inFlight how many runs it held at its last heartbeat
 * @param stopping whether it is closing (it claims no more runs)
 * @param alive whether its last heartbeat is within its lease expiry
 */
public record WorkerInfo(UUID id, String name, String host, long pid, List<String> queues, List<String> flows,
                         int concurrency, Instant started, Instant heartbeat, int inFlight, boolean stopping,
                         boolean alive) {

    /** Copies the lists. */
    public WorkerInfo {
        queues = List.copyOf(queues);
        flows = List.copyOf(flows);
    }
}
