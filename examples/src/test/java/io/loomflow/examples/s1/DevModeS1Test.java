package io.loomflow.examples.s1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loomflow.State;
import io.loomflow.azure.AzureBlob;
import io.loomflow.azure.Azurite;
import io.loomflow.azure.AzuriteServer;
import io.loomflow.cli.Main;
import io.loomflow.data.Storages;
import io.loomflow.data.spi.Storage;
import io.loomflow.examples.testing.ChildJvm;
import io.loomflow.store.RunRecord;
import io.loomflow.store.RunStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario S1 end to end: {@code loomflow dev DIR} in a JVM of its own serves a flow whose source
 * opens an Azure Blob client (against Azurite) as a {@code Resource} at first use, and lists and
 * reads blobs. The test edits the source 50 times while runs are in flight, then stops the server
 * with SIGTERM, and checks that each generation opened its client once and closed it once after
 * its last run, that no thread or class loader of an old generation is left, that every run
 * reached a final state in the store, and that the process stopped within the grace period plus
 * one second without an error.
 *
 * <p>The flow writes {@code open} and {@code close} lines to a journal (a file named by the
 * environment), with its version, its generation's class loader and the time. Time bounds here are
 * behaviour (the grace period is the contract), not speed measurements.
 */
@ExtendWith(Azurite.class)
class DevModeS1Test {

    private static final int EDITS = 50;
    private static final Duration GRACE = Duration.ofSeconds(2);
    private static final Duration EDIT_EVERY = Duration.ofMillis(300);
    /** Threads a long-lived process may gain for reasons of its own (carrier threads, the JDK's housekeeping). */
    private static final int THREAD_SLACK = 10;
    private static final String STOPPING = "loomflow: SIGTERM: stopping the server; runs in flight get 2s to finish,"
            + " then are cancelled (again to quit at once)";
    private static final Pattern BANNER = Pattern.compile(
            "Loomflow dev server at (http://\\S+) \\(watching .*; Ctrl-C to stop\\)");
    private static final Pattern SERVES = Pattern.compile(
            "loomflow dev: generation (\\d+) serves list-and-read \\(compiled and loaded in (\\d+) ms\\)");
    /** The line each run logs first: its version and its generation's class loader. */
    private static final Pattern SERVING = Pattern.compile("serving: (v\\d+) (\\S+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The flow source; {@code VERSION} is what the test edits. */
    private static final String SOURCE = """
            import io.loomflow.Flow;
            import io.loomflow.Resource;
            import io.loomflow.RunContext;
            import io.loomflow.azure.AzureBlob;
            import io.loomflow.data.Storages;
            import io.loomflow.data.spi.ForwardingStorage;
            import io.loomflow.data.spi.Storage;
            import java.io.IOException;
            import java.net.URI;
            import java.nio.charset.StandardCharsets;
            import java.nio.file.Files;
            import java.nio.file.Path;
            import java.nio.file.StandardOpenOption;
            import java.time.Instant;
            import java.util.List;

            /** Lists and reads blobs through an Azure Blob client that each generation opens once, at first use. */
            public final class S1Blobs {

                static final String VERSION = "%s";

                /** How long a run holds on after reading, to be in flight when a new generation comes. */
                public record Listing(long sleepMillis) {
                }

                /** What a run read, and which version and generation read it. */
                public record Read(String version, String generation, int blobs, long bytes) {
                }

                /** The az: storage, as Storages.resource opens it, with open and close written to the journal. */
                static final Resource<Storage> BLOBS = Resource.named("blobs", () -> new Journaled(Storages.provider("az")
                        .open(AzureBlob.withConnectionString(System.getenv("AZURE_STORAGE_CONNECTION_STRING")))));

                public static final Flow<Listing, Read> LIST_AND_READ = Flow.named("list-and-read", Listing.class,
                        (Listing listing) -> {
                            RunContext.current().log().info("serving: %%s %%s", VERSION, generation());
                            Storage blobs = BLOBS.get();
                            List<URI> found = blobs.list(URI.create(System.getenv("S1_BLOBS")));
                            long bytes = 0;
                            for (URI blob : found) {
                                bytes += blobs.read(blob).length;
                            }
                            Thread.sleep(listing.sleepMillis());
                            RunContext.current().log().info("%%s read %%d blobs", VERSION, found.size());
                            return new Read(VERSION, generation(), found.size(), bytes);
                        });

                static String generation() {
                    return S1Blobs.class.getClassLoader().getName();
                }

                static final class Journaled extends ForwardingStorage {
                    Journaled(Storage opened) throws IOException {
                        super(opened);
                        journal("open");
                    }

                    @Override
                    public void close() throws IOException {
                        super.close();
                        journal("close");
                    }
                }

                static void journal(String what) throws IOException {
                    Files.writeString(Path.of(System.getenv("S1_JOURNAL")), what + " " + VERSION + " " + generation() + " "
                            + Instant.now() + "\\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND);
                }
            }
            """;

    @TempDir
    Path directory;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void fiftyReloadsWithRunsInFlightOpenAndCloseEachClientOnceAndLeaveNothingBehind(AzuriteServer azurite)
            throws Exception {
        String container = "az://s1-" + UUID.randomUUID().toString().substring(0, 8) + "/";
        seed(azurite, container, 5);
        Path flows = Files.createDirectories(directory.resolve("flows"));
        Path source = flows.resolve("S1Blobs.java");
        Path journal = directory.resolve("journal.txt");
        Path db = directory.resolve("history");
        edit(source, 1);

        Path err = directory.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(ChildJvm.java(), "-cp", ChildJvm.classPath(), Main.class.getName(),
                "dev", flows.toString(), "--port", "0", "--grace", GRACE.toSeconds() + "s", "--db", db.toString())
                .redirectError(err.toFile());
        builder.environment().remove("LOOMFLOW_TOKEN");
        builder.environment().remove("LOOMFLOW_DB");
        builder.environment().putAll(Map.of("AZURE_STORAGE_CONNECTION_STRING", azurite.connectionString(),
                "S1_JOURNAL", journal.toString(), "S1_BLOBS", container + "input/"));
        Process process = builder.start();
        process.getOutputStream().close();
        List<String> out = new CopyOnWriteArrayList<>();
        CompletableFuture<URI> address = new CompletableFuture<>();
        CompletableFuture<Void> outClosed = CompletableFuture.runAsync(() -> readLines(process, out, address));
        List<UUID> started = new CopyOnWriteArrayList<>();
        try {
            URI base = address.get(60, TimeUnit.SECONDS);
            Server server = new Server(base, process, err);

            // The first generation serves one run, which opens its client; then the baseline.
            UUID first = server.start(100);
            started.add(first);
            server.awaitFinal(List.of(first));
            int threadsAfterFirst = server.dev().path("threads").asInt();

            // 50 edits, about one every 300 ms, while runs of 200 to 800 ms keep starting.
            AtomicBoolean loading = new AtomicBoolean(true);
            List<String> refused = new CopyOnWriteArrayList<>();
            Thread load = Thread.ofVirtual().name("s1-load").start(() -> {
                while (loading.get()) {
                    try {
                        started.add(server.start(ThreadLocalRandom.current().nextLong(200, 801)));
                        Thread.sleep(120);
                    } catch (InterruptedException stop) {
                        return;
                    } catch (RuntimeException | AssertionError failed) {
                        refused.add(String.valueOf(failed));
                    }
                }
            });
            for (int version = 2; version <= EDITS + 1; version++) {
                long began = System.nanoTime();
                edit(source, version);
                server.awaitGeneration(version);
                long left = EDIT_EVERY.toNanos() - (System.nanoTime() - began);
                if (left > 0) {
                    TimeUnit.NANOSECONDS.sleep(left);
                }
            }
            loading.set(false);
            load.join();
            assertThat(refused).as("every run asked for was started, across the swaps").isEmpty();
            server.awaitFinal(started);
            server.awaitRetired();

            // Old generations: no thread left, and their class loaders collectable.
            JsonNode dev = server.afterGc();
            String threadDump = server.threadNames();
            assertThat(dev.path("generation").asLong()).as("one generation per edit: %s", dev).isEqualTo(EDITS + 1);
            assertThat(dev.path("retiring").asInt()).as("%s", dev).isZero();
            assertThat(dev.path("retiredLoadersAlive").asInt()).as("class loaders of old generations still reachable"
                    + " after GC: %s\n%s", dev, threadDump).isZero();
            assertThat(dev.path("threads").asInt()).as("live threads after %d reloads (%d after the first generation):"
                    + "\n%s", EDITS, threadsAfterFirst, threadDump).isLessThanOrEqualTo(threadsAfterFirst + THREAD_SLACK);

            // Runs in flight when SIGTERM comes finish within the grace period.
            List<UUID> last = List.of(server.start(800), server.start(800));
            started.addAll(last);
            server.awaitRunning(last);
            long stopping = System.nanoTime();
            Instant sigterm = Instant.now();
            process.toHandle().destroy(); // SIGTERM only: Process.destroy() would also close our end of the pipes
            boolean exited = process.waitFor(30, TimeUnit.SECONDS);
            Duration took = Duration.ofNanos(System.nanoTime() - stopping);
            outClosed.get(10, TimeUnit.SECONDS);
            String stderr = Files.readString(err);
            assertThat(exited).as("exited after SIGTERM; stderr:\n%s", stderr).isTrue();
            Map<UUID, Recorded> runs = recorded(db, started);
            Instant lastEnded = last.stream().map(id -> runs.get(id).endedAt()).max(Comparator.naturalOrder()).orElseThrow();
            Instant lastClosed = Files.readAllLines(journal).stream().filter(line -> line.startsWith("close "))
                    .map(line -> Instant.parse(line.substring(line.lastIndexOf(' ') + 1))).max(Comparator.naturalOrder())
                    .orElse(sigterm);
            System.out.printf("S1: %d runs (%s), %d reloads; threads %d after the first generation, %d after the last;"
                            + " SIGTERM: runs in flight ended after %d ms, the last client closed after %d ms, the"
                            + " process exited after %d ms; reloads"
                            + " (compile and load) median %d ms%n", runs.size(),
                    runs.values().stream().collect(Collectors.groupingBy(run -> run.run().state(), TreeMap::new,
                            Collectors.counting())), EDITS, threadsAfterFirst, dev.path("threads").asInt(),
                    Duration.between(sigterm, lastEnded).toMillis(), Duration.between(sigterm, lastClosed).toMillis(),
                    took.toMillis(), medianReload(out));
            assertThat(took).as("time from SIGTERM to exit; stderr:\n%s", stderr).isLessThan(GRACE.plusSeconds(1));
            assertThat(process.exitValue()).as("exit code; stderr:\n%s", stderr).isZero();
            checkFinalStates(runs.values());
            checkJournal(Files.readAllLines(journal), runs.values());
            assertThat(out).as("stdout").filteredOn(line -> line.startsWith("loomflow dev: generation"))
                    .hasSize(EDITS + 1).allMatch(line -> SERVES.matcher(line).matches());
            assertThat(stderr).as("stderr").doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(stderr.lines().toList()).as("stderr").containsExactly(STOPPING);
        } finally {
            process.destroyForcibly();
        }
    }

    /** A run as the store recorded it, with the generation that ran it (from its first log line). */
    private record Recorded(RunRecord run, String version, String generation) {
        Instant endedAt() {
            return run.history().getLast().at();
        }
    }

    /** The runs as the store recorded them, read once the server has exited. */
    private static Map<UUID, Recorded> recorded(Path db, List<UUID> ids) {
        Map<UUID, Recorded> runs = new LinkedHashMap<>();
        try (RunStore store = RunStore.embedded(db)) {
            for (UUID id : ids) {
                RunRecord run = store.run(id).orElseThrow(() -> new AssertionError("run " + id + " is not in the store"));
                Matcher serving = store.logs(id).stream().map(log -> SERVING.matcher(log.message()))
                        .filter(Matcher::matches).findFirst()
                        .orElseThrow(() -> new AssertionError("run " + id + " logged no generation: " + run));
                runs.put(id, new Recorded(run, serving.group(1), serving.group(2)));
            }
        }
        return runs;
    }

    /**
     * Every run reached a final state: Completed, or Cancelled because its generation was replaced
     * (or the server stopped) and it did not finish within the grace period. On a busy machine runs
     * of 200 to 800 ms can take longer than the grace of 2 s.
     */
    private static void checkFinalStates(Iterable<Recorded> runs) {
        for (Recorded recorded : runs) {
            RunRecord run = recorded.run();
            if (run.state() == State.Kind.CANCELLED) {
                assertThat(run.history().getLast().detail()).as("why run %s was cancelled: %s", run.id(), run)
                        .contains("did not finish within the grace period of " + GRACE);
                assertThat(run.duration()).as("run %s ran at least the grace period: %s", run.id(), run)
                        .hasValueSatisfying(took -> assertThat(took).isGreaterThanOrEqualTo(GRACE));
            } else {
                assertThat(run.state()).as("run %s: %s", run.id(), run).isEqualTo(State.Kind.COMPLETED);
                assertThat(run.result()).as("run %s: %s", run.id(), run)
                        .contains("\"version\":\"" + recorded.version() + "\"")
                        .contains("\"generation\":\"" + recorded.generation() + "\"");
            }
        }
    }

    /**
     * Each generation that served a run opened its client once and closed it once, after its last
     * run ended; a generation that served none never opened it.
     */
    private static void checkJournal(List<String> lines, Iterable<Recorded> runs) {
        Map<String, Instant> lastEnd = new TreeMap<>();
        Map<String, String> versionOf = new TreeMap<>();
        for (Recorded run : runs) {
            lastEnd.merge(run.generation(), run.endedAt(), (a, b) -> a.isAfter(b) ? a : b);
            versionOf.put(run.generation(), run.version());
        }
        Map<String, List<String[]>> opens = new TreeMap<>();
        Map<String, List<String[]>> closes = new TreeMap<>();
        for (String line : lines) {
            String[] parts = line.split(" ");
            assertThat(parts).as("journal line '%s'", line).hasSize(4);
            (parts[0].equals("open") ? opens : closes).computeIfAbsent(parts[2], key -> new ArrayList<>()).add(parts);
        }
        String journal = String.join("\n", lines);
        assertThat(opens.keySet()).as("generations that opened the client: those that served runs\n%s", journal)
                .isEqualTo(lastEnd.keySet());
        assertThat(closes.keySet()).as("generations that closed the client\n%s", journal).isEqualTo(lastEnd.keySet());
        Set<String> versions = new HashSet<>();
        for (String generation : lastEnd.keySet()) {
            assertThat(opens.get(generation)).as("opens of %s\n%s", generation, journal).hasSize(1);
            assertThat(closes.get(generation)).as("closes of %s\n%s", generation, journal).hasSize(1);
            String[] open = opens.get(generation).getFirst();
            String[] close = closes.get(generation).getFirst();
            assertThat(open[1]).as("version of %s", generation).isEqualTo(versionOf.get(generation));
            assertThat(Instant.parse(close[3])).as("%s closed its client after its last run ended", generation)
                    .isAfterOrEqualTo(lastEnd.get(generation));
            versions.add(open[1]);
        }
        assertThat(versions).as("each version is its own generation").hasSameSizeAs(lastEnd.keySet());
    }

    private static void seed(AzuriteServer azurite, String container, int blobs) throws IOException {
        try (Storage storage = Storages.provider("az").open(AzureBlob.withConnectionString(azurite.connectionString())
                .with(AzureBlob.CREATE_CONTAINERS, "true"))) {
            for (int i = 0; i < blobs; i++) {
                storage.write(URI.create(container + "input/part-" + i + ".txt"),
                        ("line " + i + " of the S1 input\n").repeat(10).getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /** Saves the source with {@code VERSION = "v<version>"}, as an editor that writes a new file and renames it does. */
    private void edit(Path source, int version) throws IOException {
        Path written = directory.resolve("S1Blobs.java.saving");
        Files.writeString(written, SOURCE.formatted("v" + version));
        Files.move(written, source, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void readLines(Process process, List<String> out, CompletableFuture<URI> address) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                out.add(line);
                Matcher banner = BANNER.matcher(line);
                if (banner.matches()) {
                    address.complete(URI.create(banner.group(1)));
                }
            }
            address.completeExceptionally(new AssertionError("loomflow dev ended without printing its address: " + out));
        } catch (IOException e) {
            address.completeExceptionally(e);
            throw new UncheckedIOException(e);
        }
    }

    private static long medianReload(List<String> out) {
        List<Long> millis = out.stream().map(SERVES::matcher).filter(Matcher::matches)
                .map(matcher -> Long.parseLong(matcher.group(2))).sorted().toList();
        return millis.isEmpty() ? -1 : millis.get(millis.size() / 2);
    }

    /** The dev server in the child process, through its API and jcmd. */
    private final class Server {
        private final URI base;
        private final Process process;
        private final Path err;

        Server(URI base, Process process, Path err) {
            this.base = base;
            this.process = process;
            this.err = err;
        }

        UUID start(long sleepMillis) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("/api/flows/list-and-read/runs"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"sleepMillis\":" + sleepMillis + "}")));
            assertThat(response.statusCode()).as("start a run: %s", response.body()).isEqualTo(202);
            return UUID.fromString(json(response).path("id").asText());
        }

        JsonNode dev() {
            return json(send(HttpRequest.newBuilder(base.resolve("/api/dev")).GET()));
        }

        JsonNode run(UUID id) {
            return json(send(HttpRequest.newBuilder(base.resolve("/api/runs/" + id)).GET()));
        }

        void awaitGeneration(long generation) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            JsonNode dev = dev();
            while (dev.path("generation").asLong() < generation) {
                assertThat(System.nanoTime()).as("generation %d did not come within 30 s: %s\nstderr:\n%s", generation,
                        dev, stderr()).isLessThan(deadline);
                assertThat(dev.path("problems").isEmpty()).as("%s", dev).isTrue();
                Thread.sleep(10);
                dev = dev();
            }
        }

        void awaitFinal(List<UUID> ids) throws InterruptedException {
            awaitState(ids, run -> run.path("final").asBoolean(), "final");
        }

        void awaitRunning(List<UUID> ids) throws InterruptedException {
            awaitState(ids, run -> run.path("state").asText().equals("Running"), "Running");
        }

        private void awaitState(List<UUID> ids, java.util.function.Predicate<JsonNode> reached, String what)
                throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            List<UUID> waiting = new ArrayList<>(ids);
            while (!waiting.isEmpty()) {
                waiting.removeIf(id -> reached.test(run(id)));
                if (!waiting.isEmpty()) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("runs not " + what + " within 30 s: " + waiting + "\n" + threadDump());
                    }
                    Thread.sleep(50);
                }
            }
        }

        void awaitRetired() throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            JsonNode dev = dev();
            while (dev.path("retiring").asInt() > 0) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("old generations still closing after 30 s: " + dev + "\n" + threadDump());
                }
                Thread.sleep(50);
                dev = dev();
            }
        }

        /** Runs the child's GC (jcmd GC.run) until no old class loader is left, at most 5 times; returns /api/dev. */
        JsonNode afterGc() throws IOException, InterruptedException {
            JsonNode dev = dev();
            for (int i = 0; i < 5 && dev.path("retiredLoadersAlive").asInt() > 0; i++) {
                jcmd("GC.run");
                Thread.sleep(200);
                dev = dev();
            }
            return dev;
        }

        /** Every thread of the child, virtual ones too, with its stack. */
        String threadDump() {
            try {
                Path dump = Files.createTempFile(directory, "threads", ".txt");
                Files.delete(dump);
                jcmd("Thread.dump_to_file", dump.toString());
                return Files.readString(dump);
            } catch (IOException | InterruptedException | AssertionError failed) {
                return "(no thread dump: " + failed + ")";
            }
        }

        /** The names of the child's platform threads, one a line. */
        String threadNames() throws IOException, InterruptedException {
            return jcmd("Thread.print").lines().filter(line -> line.startsWith("\"")).map(line -> line.substring(1,
                    line.indexOf('"', 1))).sorted().collect(Collectors.joining("\n"));
        }

        private String jcmd(String... command) throws IOException, InterruptedException {
            List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    String.valueOf(process.pid())));
            line.addAll(List.of(command));
            Process run = new ProcessBuilder(line).redirectErrorStream(true).start();
            String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(run.waitFor(30, TimeUnit.SECONDS)).as("jcmd %s ended", line).isTrue();
            assertThat(run.exitValue()).as("jcmd %s: %s", line, output).isZero();
            return output;
        }

        private String stderr() {
            try {
                return Files.readString(err);
            } catch (IOException e) {
                return "(unreadable: " + e + ")";
            }
        }

        private HttpResponse<String> send(HttpRequest.Builder request) {
            try {
                return http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException failed) {
                throw new UncheckedIOException(failed);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new AssertionError(interrupted);
            }
        }

        private JsonNode json(HttpResponse<String> response) {
            try {
                return JSON.readTree(response.body());
            } catch (IOException notJson) {
                throw new AssertionError("not JSON (" + response.statusCode() + "): " + response.body(), notJson);
            }
        }
    }
}
