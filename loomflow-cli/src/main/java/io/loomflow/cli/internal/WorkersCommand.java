package io.loomflow.cli.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.loomflow.workers.QueueStats;
import io.loomflow.workers.WorkQueue;
import io.loomflow.workers.WorkerInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code loomflow workers}: the workers registered in the queue's database (alive or not, last
 * heartbeat, runs in flight, concurrency, queues, flows) and the depth of each queue, as a table or,
 * with {@code --json}, as JSON.
 */
@Command(name = "workers", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "Lists the workers of the queue's PostgreSQL database (alive or not, last heartbeat, runs in"
                + " flight, concurrency, queues, flows) and each queue's runs queued and running.",
        footer = {"", "Examples:",
                "  loomflow workers --db 'jdbc:postgresql://localhost:5432/loomflow?user=loomflow&password=secret'",
                "  loomflow workers --json | jq '.workers[] | select(.alive)'",
                "", "Exit codes: 0 listed, 2 bad input (--db is not PostgreSQL), 3 database unavailable."})
final class WorkersCommand implements Callable<Integer>, Verbose {

    private final CliContext context;

    @Mixin
    QueueDatabaseOption database;

    @Option(names = "--json", description = "Print {\"workers\": [...], \"queues\": [...]} as JSON, for scripts.")
    boolean json;

    @Mixin
    VerboseOption verbosity;

    WorkersCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public boolean verbose() {
        return verbosity.verbose;
    }

    @Override
    public Integer call() {
        String url = database.url();
        List<WorkerInfo> workers;
        List<QueueStats> queues;
        try (WorkQueue queue = WorkQueue.connect(url)) {
            workers = queue.workers();
            queues = queue.queues();
        }
        if (json) {
            ObjectMapper mapper = Json.mapper();
            Map<String, Object> document = new LinkedHashMap<>();
            document.put("workers", workers);
            document.put("queues", queues);
            context.out().println(Json.write(mapper, document));
            return ExitCode.OK.code();
        }
        Instant now = context.clock().instant();
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("WORKER", "HOST/PID", "STATE", "HEARTBEAT", "IN FLIGHT", "CONCURRENCY", "QUEUES", "FLOWS"));
        for (WorkerInfo worker : workers) {
            rows.add(List.of(worker.name(), worker.host() + "/" + worker.pid(),
                    !worker.alive() ? "dead" : worker.stopping() ? "stopping" : "alive",
                    ago(Duration.between(worker.heartbeat(), now)), Integer.toString(worker.inFlight()),
                    Integer.toString(worker.concurrency()), String.join(",", worker.queues()),
                    String.join(",", worker.flows())));
        }
        if (workers.isEmpty()) {
            context.out().println("no workers are registered; start one with: loomflow worker --db URL");
        } else {
            print(rows);
        }
        context.out().println();
        if (queues.isEmpty()) {
            context.out().println("no runs are queued or running");
        } else {
            List<List<String>> depth = new ArrayList<>();
            depth.add(List.of("QUEUE", "QUEUED", "RUNNING"));
            for (QueueStats queue : queues) {
                depth.add(List.of(queue.queue(), Long.toString(queue.queued()), Long.toString(queue.running())));
            }
            print(depth);
        }
        return ExitCode.OK.code();
    }

    /** {@code 3 s ago}, {@code 2 min 5 s ago}; {@code now} for a heartbeat at or ahead of this machine's clock. */
    static String ago(Duration age) {
        long seconds = age.toSeconds();
        if (seconds <= 0) {
            return "now";
        }
        return (seconds < 60 ? seconds + " s" : Text.duration(Duration.ofSeconds(seconds))) + " ago";
    }

    /** Rows in columns two spaces apart, every text escaped for the terminal. */
    private void print(List<List<String>> rows) {
        int[] widths = new int[rows.getFirst().size()];
        List<List<String>> shown = rows.stream().map(row -> row.stream().map(TerminalText::line).toList()).toList();
        for (List<String> row : shown) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : shown) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(i == row.size() - 1 ? row.get(i) : Text.pad(row.get(i), widths[i]) + "  ");
            }
            context.out().println(line.toString().stripTrailing());
        }
    }
}
