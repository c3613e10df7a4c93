package io.loomflow.spring.internal;

import io.loomflow.spring.LoomflowProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Matches unless {@code loomflow.store.type} is {@code none}. */
public final class StoreConfigured implements Condition {

    /** Made by Spring. */
    public StoreConfigured() {
    }

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        // A value that does not bind counts as a store: binding the properties then fails, naming it.
        try {
            return Binder.get(context.getEnvironment()).bind("loomflow.store.type", LoomflowProperties.StoreType.class)
                    .orElse(LoomflowProperties.StoreType.MEMORY) != LoomflowProperties.StoreType.NONE;
        } catch (RuntimeException cannotBind) {
            return true;
        }
    }
}
