package io.loomflow.spring;

import io.loomflow.Engine;
import io.loomflow.spring.internal.LoomflowHealth;
import io.loomflow.spring.internal.LoomflowMeters;
import io.loomflow.spring.internal.RunActivity;
import io.loomflow.store.RunStore;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Actuator support, each part only when its library is on the class path: the health indicator {@code loomflow}
 * (spring-boot-health; off with {@code management.health.loomflow.enabled=false}) and the meters
 * {@code loomflow.runs.*} (Micrometer).
 */
@AutoConfiguration(after = LoomflowAutoConfiguration.class)
@ConditionalOnBean(Engine.class)
public class LoomflowActuatorAutoConfiguration {

    /** Made by Spring. */
    public LoomflowActuatorAutoConfiguration() {
    }

    /**
     * Counts the engine's flow runs, for the health indicator and the meters.
     *
     * @param engine the engine
     * @return the counts, listening until the context closes
     */
    @Bean(destroyMethod = "close")
    public RunActivity loomflowRunActivity(Engine engine) {
        return new RunActivity(engine);
    }

    /** The health indicator, with spring-boot-health. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    @ConditionalOnEnabledHealthIndicator("loomflow")
    public static class Health {

        /** Made by Spring. */
        public Health() {
        }

        /**
         * The {@code loomflow} health component.
         *
         * @param engine the engine
         * @param store the run history, if any
         * @param activity the runs in flight
         * @return the indicator
         */
        @Bean
        public HealthIndicator loomflowHealthIndicator(Engine engine, ObjectProvider<RunStore> store, RunActivity activity) {
            return new LoomflowHealth(engine, store.getIfAvailable(), activity);
        }
    }

    /** The meters, with Micrometer. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterBinder.class)
    public static class Metrics {

        /** Made by Spring. */
        public Metrics() {
        }

        /**
         * The {@code loomflow.runs.*} meters.
         *
         * @param engine the engine
         * @param activity the counts
         * @return the binder, which Spring Boot binds to its registries
         */
        @Bean
        public MeterBinder loomflowMeters(Engine engine, RunActivity activity) {
            return new LoomflowMeters(activity, engine.name());
        }
    }
}
