package io.loomflow.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Engine;
import io.loomflow.ManualTimeSource;
import io.loomflow.schedules.Schedule;
import io.loomflow.schedules.Scheduler;
import io.loomflow.store.RunStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The Schedules pages in a real browser: pause and resume with a click, and follow a fired run's link. */
@ExtendWith(Chromium.PerClass.class)
class ScheduleBrowserTest {

    @TempDir
    Path directory;

    @Test
    void pausesAndResumesFromThePageAndFollowsTheRunAScheduleMade(WebDriver browser) throws Exception {
        String url = "jdbc:h2:file:" + directory.resolve("history") + ";AUTO_SERVER=TRUE";
        ManualTimeSource clock = ManualTimeSource.startingAt(ScheduleApiTest.T0);
        Schedule minutely = Schedule.cron("minutely", "report", "* * * * *").withParameters(Map.of("region", "emea"));
        try (Engine engine = Engine.builder().build()) {
            Scheduler scheduler = Scheduler.builder().database(url).schedules(minutely)
                    .engine(engine, ScheduleApiTest.REPORT).clock(clock).build();
            try (LoomflowServer server = LoomflowServer.builder().flow(ScheduleApiTest.REPORT).engine(engine)
                    .store(RunStore.open(url)).scheduler(scheduler).port(0).build().start()) {
                ScheduleApiTest.awaitFired(new Http(server.uri()), "minutely", 1);
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
                browser.get(server.uri().resolve("/").toString());
                browser.findElement(By.linkText("Schedules")).click();
                wait.until(ExpectedConditions.textToBe(By.cssSelector("tr[data-schedule='minutely'] .schedule-state"), "active"));
                assertThat(browser.findElement(By.cssSelector("tr[data-schedule='minutely'] .next-fires")).getText())
                        .contains("2026-06-01T00:01Z");

                browser.findElement(By.cssSelector("tr[data-schedule='minutely'] button.schedule-action")).click();
                wait.until(ExpectedConditions.textToBe(By.cssSelector("tr[data-schedule='minutely'] .schedule-state"), "paused"));
                assertThat(scheduler.isPaused("minutely")).isTrue();
                assertThat(browser.findElement(By.cssSelector("tr[data-schedule='minutely'] button.schedule-action")).getText())
                        .isEqualTo("Resume");
                browser.findElement(By.cssSelector("tr[data-schedule='minutely'] button.schedule-action")).click();
                wait.until(ExpectedConditions.textToBe(By.cssSelector("tr[data-schedule='minutely'] .schedule-state"), "active"));
                assertThat(scheduler.isPaused("minutely")).isFalse();

                browser.findElement(By.linkText("minutely")).click();
                wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-slot='2026-06-01T00:00'] a.run-link")));
                String runId = browser.findElement(By.cssSelector("tr[data-slot='2026-06-01T00:00'] a.run-link")).getText();
                browser.findElement(By.cssSelector("tr[data-slot='2026-06-01T00:00'] a.run-link")).click();
                wait.until(ExpectedConditions.urlContains("/runs/" + runId));
                wait.until(ExpectedConditions.textToBe(By.id("run-state"), "Completed"));
            }
        }
    }
}
