package io.loomflow.server.internal;

import io.loomflow.Flow;
import io.loomflow.server.LoomflowServer.Problem;
import io.loomflow.spi.FlowProvider;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the flows of a dev generation among its compiled classes: every public, non-abstract class
 * that implements {@link FlowProvider} with a public constructor without parameters offers its
 * flows, and every {@code public static final} field of type {@link Flow} is a flow. A flow reached
 * both ways counts once; two flows of one name are a problem naming both files.
 */
final class FlowDiscovery {

    /** The flows found, each with its source file, and the problems; flows are only usable without problems. */
    record Found(Map<String, Flow<?, ?>> flows, Map<String, String> sources, List<Problem> problems) {
    }

    private FlowDiscovery() {
    }

    static Found in(ClassLoader loader, SourceCompiler.Output output) {
        Map<Flow<?, ?>, String> seen = new IdentityHashMap<>();
        Map<String, Flow<?, ?>> flows = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        List<Problem> problems = new ArrayList<>();
        for (String name : output.classes().keySet()) {
            String file = output.sourceOf().getOrDefault(name, ".");
            try {
                Class<?> type = Class.forName(name, false, loader);
                if (type.isAnonymousClass() || type.isLocalClass() || type.isSynthetic() || type.isHidden()) {
                    continue;
                }
                List<Flow<?, ?>> offered = new ArrayList<>();
                if (FlowProvider.class.isAssignableFrom(type) && Modifier.isPublic(type.getModifiers())
                        && !type.isInterface() && !Modifier.isAbstract(type.getModifiers())
                        && (type.getEnclosingClass() == null || Modifier.isStatic(type.getModifiers()))) {
                    FlowProvider provider = (FlowProvider) type.getConstructor().newInstance();
                    offered.addAll(provider.flows());
                }
                for (Field field : type.getDeclaredFields()) {
                    int modifiers = field.getModifiers();
                    if (Flow.class.isAssignableFrom(field.getType()) && Modifier.isPublic(modifiers)
                            && Modifier.isStatic(modifiers) && Modifier.isFinal(modifiers)
                            && Modifier.isPublic(type.getModifiers())) {
                        Object value = field.get(null);
                        if (value != null) {
                            offered.add((Flow<?, ?>) value);
                        }
                    }
                }
                for (Flow<?, ?> flow : offered) {
                    if (seen.putIfAbsent(flow, file) != null) {
                        continue;
                    }
                    Flow<?, ?> other = flows.putIfAbsent(flow.name(), flow);
                    if (other != null) {
                        problems.add(new Problem(file, 0, 0, "two flows are named '" + flow.name() + "', in "
                                + sources.get(flow.name()) + " and in " + file + "; rename one (Flow.named(\"...\"))"));
                    } else {
                        sources.put(flow.name(), file);
                    }
                }
            } catch (NoSuchMethodException noConstructor) {
                problems.add(new Problem(file, 0, 0, "flow provider " + name + " has no public constructor without"
                        + " parameters; add one, or offer the flows as public static final Flow fields"));
            } catch (ReflectiveOperationException | LinkageError | RuntimeException failed) {
                Throwable cause = failed instanceof java.lang.reflect.InvocationTargetException
                        || failed instanceof ExceptionInInitializerError ? failed.getCause() : failed;
                problems.add(new Problem(file, 0, 0, "loading " + name + " failed: " + cause
                        + "; fix the class's initialisation (its static fields) or its provider's constructor"));
            }
        }
        return new Found(flows, sources, List.copyOf(problems));
    }
}
