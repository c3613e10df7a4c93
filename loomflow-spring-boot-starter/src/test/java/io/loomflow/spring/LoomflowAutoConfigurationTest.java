package io.loomflow.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.State;
import io.loomflow.server.LoomflowServer;
import io.loomflow.spi.FlowProvider;
import io.loomflow.store.RunQuery;
import io.loomflow.store.RunRecord;
import io.loomflow.store.RunStore;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class LoomflowAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(LoomflowAutoConfiguration.class, LoomflowServerAutoConfiguration.class,
                    LoomflowActuatorAutoConfiguration.class));

    static final Flow<String, String> HELLO = Flow.named("hello", (String name) -> "Hello, " + name);

    @Configuration(proxyBeanMethods = false)
    static class Flows {
        @Bean
        Flow<String, String> hello() {
            return HELLO;
        }

        @Bean
        FlowProvider more() {
            return () -> List.of(Flow.named("twice", (Integer n) -> 2 * n));
        }
    }

    @Test
    void anEngineFromThePropertiesRecordsItsRunsAndClosesWithTheContext(@TempDir Path dir) {
        Engine[] made = new Engine[1];
        runner.withUserConfiguration(Flows.class)
                .withPropertyValues("loomflow.engine.name=orders", "loomflow.engine.limits.http=2",
                        "loomflow.store.type=embedded", "loomflow.store.path=" + dir)
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(Engine.class).hasSingleBean(RunStore.class)
                            .doesNotHaveBean(LoomflowServer.class); // not a web application
                    Engine engine = context.getBean(Engine.class);
                    made[0] = engine;
                    assertThat(engine.name()).isEqualTo("orders");
                    assertThat(engine.run(HELLO, "Ada")).isEqualTo("Hello, Ada");
                    assertThat(context.getBean(LoomflowFlows.class).all()).extracting(Flow::name).containsExactly("hello", "twice");
                });
        assertThat(made[0].isClosed()).isTrue();
        try (RunStore history = RunStore.embedded(dir)) { // recorded, and flushed when the engine closed
            List<RunRecord> runs = history.runs(RunQuery.all());
            assertThat(runs).extracting(RunRecord::name).containsExactly("hello");
            assertThat(runs.getFirst().state()).isEqualTo(State.Kind.COMPLETED);
        }
    }

    @Test
    void anEngineOfTheApplicationsOwnIsKept() {
        runner.withBean("mine", Engine.class, () -> Engine.builder().name("mine").build())
                .run(context -> assertThat(context).hasSingleBean(Engine.class)
                        .getBean(Engine.class).extracting(Engine::name).isEqualTo("mine"));
    }

    @Test
    void storeNoneMakesNoStore() {
        runner.withPropertyValues("loomflow.store.type=none")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(RunStore.class).hasSingleBean(Engine.class));
    }

    @Test
    void twoFlowsOfOneNameAreRefusedNamingBothBeans() {
        runner.withUserConfiguration(Flows.class)
                .withBean("other", Flow.class, () -> Flow.named("hello", (String s) -> s))
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("two flows are named 'hello'").hasMessageContaining("bean 'hello'")
                        .hasMessageContaining("bean 'other'"));
    }

    @Test
    void aBadValueFailsTheStartNamingThePropertyAndTheValue() {
        runner.withPropertyValues("loomflow.shutdown.grace=soon").run(context -> assertThat(context).hasFailed()
                .getFailure().hasStackTraceContaining("loomflow.shutdown.grace").hasStackTraceContaining("soon"));
        runner.withPropertyValues("loomflow.engine.limits.http=0").run(context -> assertThat(context).hasFailed()
                .getFailure().rootCause().hasMessageContaining("loomflow.engine.limits.http was 0"));
        runner.withPropertyValues("loomflow.store.type=postgres").run(context -> assertThat(context).hasFailed()
                .getFailure().hasStackTraceContaining("loomflow.store.type").hasStackTraceContaining("postgres"));
        runner.withPropertyValues("loomflow.store.type=jdbc").run(context -> assertThat(context).hasFailed()
                .getFailure().rootCause().hasMessageContaining("loomflow.store.url is not set"));
        new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(LoomflowAutoConfiguration.class,
                        LoomflowServerAutoConfiguration.class))
                .withPropertyValues("loomflow.server.base-path=loomflow/")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("loomflow.server.base-path was 'loomflow/'"));
    }

    /** A bean made after the engine, which fails. */
    @Configuration(proxyBeanMethods = false)
    static class FailsLater {
        @Bean
        Object startsARunThenFails(Engine engine, Runs runs) {
            runs.running = engine.runAsync(Flow.named("held", (String s) -> {
                runs.thread = Thread.currentThread();
                runs.started.countDown();
                runs.release.await();
                return s;
            }), "x");
            try {
                runs.started.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            throw new IllegalStateException("this bean cannot be made");
        }
    }

    static final class Runs {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile Thread thread;
        volatile CompletableFuture<String> running;
    }

    @Test
    void aContextThatFailsHalfwayClosesTheEngineItMadeAndLeavesNoRunThread() throws Exception {
        Runs runs = new Runs();
        Engine[] made = new Engine[1];
        runner.withUserConfiguration(FailsLater.class).withBean(Runs.class, () -> runs)
                .withPropertyValues("loomflow.shutdown.grace=0s", "loomflow.shutdown.cancel-grace=10s")
                .withInitializer(context -> context.getBeanFactory().addBeanPostProcessor(
                        new org.springframework.beans.factory.config.BeanPostProcessor() {
                            @Override
                            public Object postProcessAfterInitialization(Object bean, String name) {
                                if (bean instanceof Engine engine) {
                                    made[0] = engine;
                                }
                                return bean;
                            }
                        }))
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("this bean cannot be made"));
        assertThat(made[0].isClosed()).isTrue();
        // The run was cancelled when the engine closed (grace 0): its thread has ended.
        runs.thread.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(runs.thread.isAlive()).isFalse();
        assertThat(runs.running).isCompletedExceptionally();
    }

    @Test
    void healthAndMetersOnlyWithTheirLibraries() {
        runner.run(context -> {
            assertThat(context).hasBean("loomflowHealthIndicator").hasBean("loomflowMeters");
            HealthIndicator health = context.getBean("loomflowHealthIndicator", HealthIndicator.class);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            assertThat(health.health().getDetails()).containsEntry("store", "reachable").containsEntry("runsInFlight", 0);
            context.getBean(Engine.class).close();
            assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
        });
        runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class, io.micrometer.core.instrument.binder.MeterBinder.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean("loomflowHealthIndicator")
                        .doesNotHaveBean("loomflowMeters").hasSingleBean(Engine.class));
        runner.withPropertyValues("management.health.loomflow.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean("loomflowHealthIndicator"));
    }

    @Test
    void theServerIsMountedInAServletApplicationUnlessTurnedOff() {
        WebApplicationContextRunner web = new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(LoomflowAutoConfiguration.class, LoomflowServerAutoConfiguration.class));
        web.run(context -> assertThat(context).hasSingleBean(LoomflowServer.class).hasBean("loomflowServlet"));
        web.withPropertyValues("loomflow.server.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(LoomflowServer.class).doesNotHaveBean("loomflowServlet"));
        web.withPropertyValues("loomflow.store.type=none")
                .run(context -> assertThat(context).doesNotHaveBean(LoomflowServer.class));
    }
}
