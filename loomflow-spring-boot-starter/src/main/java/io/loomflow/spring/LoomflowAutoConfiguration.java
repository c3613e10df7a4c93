package io.loomflow.spring;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.server.LoomflowServer;
import io.loomflow.spi.FlowProvider;
import io.loomflow.spring.internal.StopInPhase;
import io.loomflow.spring.internal.StoreConfigured;
import io.loomflow.store.RunRecorder;
import io.loomflow.store.RunStore;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * Loomflow's core auto-configuration: the run history ({@link RunStore}, unless {@code loomflow.store.type=none}),
 * the {@link Engine} (unless the application defines one), the application's flows ({@link LoomflowFlows}), and
 * the lifecycle that closes the engine with the context.
 *
 * <p><b>Phases.</b> When the context closes, Spring stops the {@link SmartLifecycle} beans from the highest phase
 * to the lowest. Spring Boot's web server shuts down gracefully in phase {@code DEFAULT_PHASE - 1024}
 * ({@code WebServerGracefulShutdownLifecycle}: requests in flight finish, new ones are refused) and stops in
 * phase {@code DEFAULT_PHASE - 2048}. The engine closes in {@link #ENGINE_PHASE} ({@code DEFAULT_PHASE - 4096}),
 * after both: requests still being answered may start runs, and once no request can come any more the engine
 * stops admitting runs, lets those in flight finish within {@code loomflow.shutdown.grace}, cancels the rest
 * (recorded Cancelled) and closes. Lifecycle beans of lower phases (phase 0 by default), which flows may use, stop
 * after it. The mounted UI's event streams, which never end by themselves, end earlier, in
 * {@link #EVENT_STREAMS_PHASE}, so that the graceful shutdown does not wait for them.
 * Beans are destroyed after every phase has stopped: a context that fails to start part way closes the engine it
 * made then (its destroy method), with the same grace.
 */
@AutoConfiguration
@EnableConfigurationProperties(LoomflowProperties.class)
public class LoomflowAutoConfiguration {

    /** The phase in which the engine closes: {@code SmartLifecycle.DEFAULT_PHASE - 4096}, after the web server stopped. */
    public static final int ENGINE_PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    /**
     * The phase in which the mounted UI's event streams end: {@code SmartLifecycle.DEFAULT_PHASE - 512}, before the
     * web server's graceful shutdown ({@code DEFAULT_PHASE - 1024}) waits for the requests in flight.
     */
    public static final int EVENT_STREAMS_PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

    /** Made by Spring. */
    public LoomflowAutoConfiguration() {
    }

    /**
     * The run history of {@code loomflow.store.*}: in memory, embedded in {@code loomflow.store.path}, or at
     * {@code loomflow.store.url}. Closed by whoever records into it (the engine's recorder or the mounted server),
     * and again, harmlessly, when the bean is destroyed.
     *
     * @param properties the settings
     * @return the store
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @Conditional(StoreConfigured.class)
    public RunStore loomflowRunStore(LoomflowProperties properties) {
        LoomflowProperties.Store store = properties.store();
        return switch (store.type()) {
            case MEMORY -> RunStore.inMemory();
            case EMBEDDED -> RunStore.embedded(store.path());
            case JDBC -> RunStore.open(store.url());
            case NONE -> throw new IllegalStateException("loomflow.store.type is none; no store is made");
        };
    }

    /**
     * The engine of {@code loomflow.engine.*}, closing with {@code loomflow.shutdown.*}. With a store and no
     * mounted server, its runs are recorded into the store by a recorder the engine closes; with a mounted
     * server, the server records them.
     *
     * @param properties the settings
     * @param store the run history, if any
     * @param beans to tell whether a mounted server will record the runs
     * @return the engine
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public Engine loomflowEngine(LoomflowProperties properties, ObjectProvider<RunStore> store, ListableBeanFactory beans) {
        LoomflowProperties.Engine settings = properties.engine();
        Engine.Builder builder = Engine.builder().name(settings.name()).itemHistory(settings.itemHistory())
                .shutdownGrace(properties.shutdown().grace(), properties.shutdown().cancelGrace());
        settings.limits().forEach(builder::limit);
        RunStore history = store.getIfAvailable();
        if (history != null && beans.getBeanNamesForType(LoomflowServer.class, true, false).length == 0) {
            builder.listener(RunRecorder.to(history));
        }
        return builder.build();
    }

    /**
     * Closes the engine when the context stops, in {@link #ENGINE_PHASE}.
     *
     * @param engine the engine
     * @return the lifecycle
     */
    @Bean
    public SmartLifecycle loomflowEngineLifecycle(Engine engine) {
        return new StopInPhase(engine::close, ENGINE_PHASE);
    }

    /**
     * Every {@link Flow} bean and the flows of every {@link FlowProvider} bean.
     *
     * @param beans the bean factory
     * @return the flows
     * @throws IllegalStateException if two share a name
     */
    @Bean
    @ConditionalOnMissingBean
    @SuppressWarnings({"unchecked", "rawtypes"})
    public LoomflowFlows loomflowFlows(ListableBeanFactory beans) {
        return LoomflowFlows.of((java.util.Map) beans.getBeansOfType(Flow.class), beans.getBeansOfType(FlowProvider.class));
    }
}
