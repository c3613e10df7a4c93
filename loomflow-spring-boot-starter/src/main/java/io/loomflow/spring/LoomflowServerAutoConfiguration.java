package io.loomflow.spring;

import io.loomflow.Engine;
import io.loomflow.server.LoomflowServer;
import io.loomflow.spring.internal.StopInPhase;
import io.loomflow.spring.internal.LoomflowServlet;
import io.loomflow.store.RunStore;
import jakarta.servlet.http.HttpServlet;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;

/**
 * Mounts Loomflow's web UI and API in the application's servlet web server under {@code loomflow.server.base-path}
 * (default {@code /loomflow}): a {@link LoomflowServer} that listens on no port of its own
 * ({@link LoomflowServer.Builder#mount(String)}), running the application's flows on its engine and recording them
 * into its store, served by a servlet mapped to {@code BASE/*}. Only in a servlet web application with a store,
 * and unless {@code loomflow.server.enabled=false}.
 */
@AutoConfiguration(after = LoomflowAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({HttpServlet.class, ServletRegistrationBean.class})
@ConditionalOnProperty(prefix = "loomflow.server", name = "enabled", havingValue = "true", matchIfMissing = true)
@ConditionalOnBean(RunStore.class)
public class LoomflowServerAutoConfiguration {

    /** Made by Spring. */
    public LoomflowServerAutoConfiguration() {
    }

    /**
     * The mounted server, started (it listens on no port). Stopped when the bean is destroyed, after the engine
     * closed, so that the runs' last states are recorded.
     *
     * @param engine the engine runs start on
     * @param store the run history; the server records the engine's runs into it, and closes it when it stops
     * @param flows the flows it offers
     * @param properties the settings
     * @return the server
     */
    @Bean(destroyMethod = "stop")
    @ConditionalOnMissingBean
    public LoomflowServer loomflowServer(Engine engine, RunStore store, LoomflowFlows flows, LoomflowProperties properties) {
        LoomflowProperties.Server settings = properties.server();
        LoomflowServer.Builder builder = LoomflowServer.builder().engine(engine).store(store).flows(flows.all())
                .mount(settings.basePath());
        if (settings.token() != null && !settings.token().isBlank()) {
            try {
                builder.token(settings.token());
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException("loomflow.server.token: " + bad.getMessage(), bad);
            }
        }
        settings.allowedHosts().forEach(host -> {
            try {
                builder.allowHost(host);
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException("loomflow.server.allowed-hosts: " + bad.getMessage(), bad);
            }
        });
        return builder.build().start();
    }

    /**
     * The servlet that serves it under {@code BASE/*}.
     *
     * @param server the mounted server
     * @param properties the settings
     * @return the registration
     */
    @Bean
    public ServletRegistrationBean<HttpServlet> loomflowServlet(LoomflowServer server, LoomflowProperties properties) {
        String base = properties.server().basePath().equals("/") ? "" : properties.server().basePath();
        ServletRegistrationBean<HttpServlet> registration = new ServletRegistrationBean<>(new LoomflowServlet(server.handler()),
                base + "/*");
        registration.setName("loomflow");
        registration.setLoadOnStartup(1);
        return registration;
    }

    /**
     * Ends the event streams in {@link LoomflowAutoConfiguration#EVENT_STREAMS_PHASE}, before the graceful shutdown.
     *
     * @param server the mounted server
     * @return the lifecycle
     */
    @Bean
    public SmartLifecycle loomflowEventStreamsLifecycle(LoomflowServer server) {
        return new StopInPhase(server::endEventStreams, LoomflowAutoConfiguration.EVENT_STREAMS_PHASE);
    }
}
