package io.loomflow.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomflow.store.PruneResult;
import io.loomflow.store.RunStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The server prunes the run history in the background by its retention, keeps runs in flight, and stops pruning when it stops. */
class RetentionTest {

    @Test
    void endedRunsOlderThanTheMaxAgeArePrunedAndARunInFlightIsKept() throws Exception {
        BlockingQueue<PruneResult> prunes = new LinkedBlockingQueue<>();
        // "now" is two days ahead: every run that ended is older than a day
        Clock later = Clock.offset(Clock.systemUTC(), Duration.ofDays(2));
        Retention rule = Retention.maxAge(Duration.ofDays(1)).withEvery(Duration.ofMillis(20)).withClock(later);
        try (LoomflowServer server = LoomflowServer.builder().flows(TestFlows.all()).store(RunStore.inMemory())
                .retention(rule).onPrune(prunes::add).reloadGrace(Duration.ZERO).port(0).build().start()) {
            Http http = new Http(server.uri());
            String slow = http.post("/api/flows/slow/runs", "{\"text\":\"stay\"}").json().path("id").asText();
            ApiTest.awaitState(http, slow, "Running");
            List<String> ended = new ArrayList<>();
            for (int i = 0; i < 3; i++) { // pruned as soon as they end: the prunes tell when
                ended.add(http.post("/api/flows/parent/runs", "{\"rows\":2}").json().path("id").asText());
            }
            long pruned = 0;
            PruneResult last = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (pruned < 3) {
                last = prunes.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                assertThat(last).as("a prune within 20 s; %d roots pruned so far", pruned).isNotNull();
                pruned += last.roots();
            }
            assertThat(pruned).isEqualTo(3);
            assertThat(last.runs()).isGreaterThanOrEqualTo(last.roots());
            for (String id : ended) {
                assertThat(http.get("/api/runs/" + id).status()).as("run %s", id).isEqualTo(404);
            }
            assertThat(http.get("/api/runs/" + slow).json().path("state").asText()).isEqualTo("Running");
            // the next prune still keeps it, as unfinished
            PruneResult next = prunes.poll(20, TimeUnit.SECONDS);
            assertThat(next).isNotNull();
            assertThat(next.keptUnfinished()).isEqualTo(1);
            assertThat(next.roots()).isZero();
        }
    }

    @Test
    void theNewestRunsAreKeptAndPruningStopsWithTheServer() throws Exception {
        BlockingQueue<PruneResult> prunes = new LinkedBlockingQueue<>();
        LoomflowServer server = LoomflowServer.builder().flows(TestFlows.all()).store(RunStore.inMemory())
                .retention(Retention.keepRuns(1).withEvery(Duration.ofMillis(20))).onPrune(prunes::add).port(0).build()
                .start();
        try {
            Http http = new Http(server.uri());
            String first = http.post("/api/flows/table/runs", "{\"rows\":1}").json().path("id").asText();
            http.awaitEnd(first);
            String second = http.post("/api/flows/table/runs", "{\"rows\":1}").json().path("id").asText();
            http.awaitEnd(second);
            PruneResult result;
            do {
                result = prunes.poll(20, TimeUnit.SECONDS);
                assertThat(result).as("a prune within 20 s").isNotNull();
            } while (result.roots() == 0);
            assertThat(result.roots()).isEqualTo(1);
            assertThat(result.runs()).isEqualTo(2); // the root and its task
            assertThat(http.get("/api/runs/" + first).status()).isEqualTo(404);
            JsonNode kept = http.get("/api/runs/" + second).json();
            assertThat(kept.path("state").asText()).isEqualTo("Completed");
            assertThat(retentionThreads()).isEqualTo(1);
        } finally {
            server.stop();
        }
        assertThat(retentionThreads()).as("the retention's thread ends with the server").isZero();
    }

    @Test
    void aRetentionNeedsALimitAndPositiveDurations() {
        assertThatThrownBy(() -> new Retention(null, null, Duration.ofHours(1), Clock.systemUTC()))
                .hasMessageContaining("a retention needs a limit");
        assertThatThrownBy(() -> Retention.keepRuns(-1)).hasMessage("a retention's keepRuns was -1; pass 0 or more");
        assertThatThrownBy(() -> Retention.maxAge(Duration.ZERO)).hasMessage("a retention's maxAge was PT0S; pass a"
                + " positive duration");
        assertThatThrownBy(() -> Retention.keepRuns(3).withEvery(Duration.ZERO)).hasMessageContaining("every was PT0S");
        Clock fixed = Clock.fixed(Instant.parse("2026-06-10T00:00:00Z"), ZoneOffset.UTC);
        assertThat(Retention.maxAge(Duration.ofDays(3)).withKeepRuns(5).withClock(fixed).prune())
                .isEqualTo(new io.loomflow.store.Prune(Instant.parse("2026-06-07T00:00:00Z"), 5));
    }

    private static long retentionThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(thread -> thread.getName().equals("loomflow-retention")).count();
    }
}
