package io.loomflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.ManualTimeSource;
import io.loomflow.schedules.Schedule;
import io.loomflow.schedules.Scheduler;
import io.loomflow.store.RunStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The schedules API of a server hosting a scheduler: list, one schedule with the runs it made, pause and resume. */
class ScheduleApiTest {

    static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");

    record Report(String region) {
    }

    static final Flow<Report, String> REPORT = Flow.named("report", Report.class, Report::region);

    @TempDir
    Path directory;

    /** Polls the API (not the clock) until the schedule fired {@code count} slots whose runs the history has. */
    static JsonNode awaitFired(Http http, String name, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        JsonNode view = http.get("/api/schedules/" + name).json();
        while ((view.path("fired").asInt() < count || view.path("recent").findValues("runState").stream()
                .anyMatch(state -> !state.asText().equals("Completed"))) && System.nanoTime() < deadline) {
            Thread.sleep(10); // polling with a deadline, not waiting for time to pass
            view = http.get("/api/schedules/" + name).json();
        }
        return view;
    }

    @Test
    void listsSchedulesShowsTheRunsEachMadeAndPausesAndResumesThem() throws Exception {
        String url = "jdbc:h2:file:" + directory.resolve("history") + ";AUTO_SERVER=TRUE";
        ManualTimeSource clock = ManualTimeSource.startingAt(T0);
        Schedule minutely = Schedule.cron("minutely", "report", "* * * * *").withParameters(Map.of("region", "emea"));
        Schedule nightly = Schedule.cron("nightly", "report", "30 2 * * *").withZone("America/New_York")
                .withParameters(Map.of("region", "amer"));
        try (Engine engine = Engine.builder().build()) {
            Scheduler scheduler = Scheduler.builder().database(url).schedules(minutely, nightly).engine(engine, REPORT)
                    .clock(clock).build();
            try (LoomflowServer server = LoomflowServer.builder().flow(REPORT).engine(engine).store(RunStore.open(url))
                    .scheduler(scheduler).port(0).build().start()) {
                Http http = new Http(server.uri());
                JsonNode list = http.get("/api/schedules").json();
                assertThat(list.path("schedules").findValuesAsText("name")).containsExactly("minutely", "nightly");
                JsonNode night = list.path("schedules").get(1);
                assertThat(night.path("zone").asText()).isEqualTo("America/New_York");
                assertThat(night.path("nextFires").get(0).asText()).isEqualTo("2026-06-01T06:30:00Z");
                assertThat(night.path("nextFiresInZone").get(0).asText()).isEqualTo("2026-06-01T02:30-04:00");
                assertThat(night.path("nextFires")).hasSize(5);
                assertThat(night.path("paused").asBoolean()).isFalse();
                assertThat(night.path("page").asText()).isEqualTo("/schedules/nightly");

                JsonNode fired = awaitFired(http, "minutely", 1); // the started scheduler fires 00:00 at once
                assertThat(fired.path("fired").asInt()).isEqualTo(1);
                JsonNode slot = fired.path("recent").get(0);
                assertThat(slot.path("slot").asText()).isEqualTo("2026-06-01T00:00");
                assertThat(slot.path("runState").asText()).isEqualTo("Completed");
                String runId = slot.path("runId").asText();
                assertThat(http.get(slot.path("run").asText()).json().path("result").asText()).contains("emea");
                assertThat(slot.path("runPage").asText()).isEqualTo("/runs/" + runId);

                JsonNode paused = http.post("/api/schedules/minutely/pause", "").json();
                assertThat(paused.path("paused").asBoolean()).isTrue();
                assertThat(scheduler.isPaused("minutely")).isTrue();
                assertThat(http.get("/api/schedules").json().path("schedules").get(0).path("paused").asBoolean()).isTrue();
                assertThat(http.post("/api/schedules/minutely/resume", "{}").json().path("paused").asBoolean()).isFalse();
                assertThat(scheduler.isPaused("minutely")).isFalse();

                clock.advance(Duration.ofMinutes(1));
                JsonNode twice = awaitFired(http, "minutely", 2);
                assertThat(twice.path("recent").findValuesAsText("slot")).containsExactly("2026-06-01T00:01", "2026-06-01T00:00");
                JsonNode page = http.get("/api/schedules/minutely?limit=1").json();
                assertThat(page.path("recent")).hasSize(1);
                assertThat(page.path("next").asText()).isEqualTo("/api/schedules/minutely?limit=1&offset=1");
                assertThat(http.get(page.path("next").asText()).json().path("recent").get(0).path("slot").asText())
                        .isEqualTo("2026-06-01T00:00");
            }
            // the server closed the scheduler it hosted: a tick now fails on its closed connection
            assertThat(org.assertj.core.api.Assertions.catchThrowable(scheduler::tick)).isNotNull();
        }
    }

    @Test
    void anUnknownOrHostileNameIsA404NamingItAndPostsKeepTheServersRules() throws Exception {
        String url = "jdbc:h2:file:" + directory.resolve("bad") + ";AUTO_SERVER=TRUE";
        try (Engine engine = Engine.builder().build()) {
            Scheduler scheduler = Scheduler.builder().database(url)
                    .schedules(Schedule.cron("nightly", "report", "30 2 * * *").withParameters(Map.of("region", "x")))
                    .engine(engine, REPORT).build();
            try (LoomflowServer server = LoomflowServer.builder().flow(REPORT).engine(engine).scheduler(scheduler)
                    .token("a-token-of-sixteen-chars").port(0).build().start()) {
                Http http = new Http(server.uri(), "a-token-of-sixteen-chars");
                Http.Response unknown = http.get("/api/schedules/nigthly");
                assertThat(unknown.status()).isEqualTo(404);
                assertThat(unknown.json().path("error").asText()).contains("'nigthly'").contains("nightly");
                assertThat(http.post("/api/schedules/nigthly/pause", "{}").status()).isEqualTo(404);
                Http.Response hostile = http.get("/schedules/%3Cscript%3Ealert(1)%3C%2Fscript%3E");
                assertThat(hostile.status()).isEqualTo(404);
                assertThat(hostile.text()).doesNotContain("<script>alert").contains("&lt;script&gt;");
                assertThat(new Http(server.uri()).post("/api/schedules/nightly/pause", "{}").status()).isEqualTo(401);
                assertThat(http.send(http.builder("/api/schedules/nightly/pause")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("x=1"))
                        .header("Content-Type", "application/x-www-form-urlencoded")).status()).isEqualTo(415);
                assertThat(scheduler.isPaused("nightly")).isFalse();
                assertThat(http.get("/api/schedules/nightly?next=101").status()).isEqualTo(400);
            }
        }
        try (LoomflowServer server = LoomflowServer.builder().flow(REPORT).port(0).build().start()) {
            Http.Response none = new Http(server.uri()).get("/api/schedules");
            assertThat(none.status()).isEqualTo(404);
            assertThat(none.json().path("error").asText()).contains("hosts no scheduler");
            assertThat(new Http(server.uri()).get("/schedules").text()).contains("hosts no scheduler");
        }
    }
}
