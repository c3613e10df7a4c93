package io.loomflow.server.internal;

import io.loomflow.Flow;
import io.loomflow.server.LoomflowServer.Problem;
import io.loomflow.spi.FlowClasses;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds the flows of a dev generation among its compiled classes by core's one rule,
 * {@link FlowClasses} (the rule {@code loomflow run --classes} uses): public provider classes with a
 * public constructor without parameters, and {@code public static final Flow} fields of public
 * classes. A flow reached both ways counts once; two flows of one name are a problem naming both
 * files, as is a class whose flows cannot be loaded.
 */
final class FlowDiscovery {

    /** The flows found, each with its source file, and the problems; flows are only usable without problems. */
    record Found(Map<String, Flow<?, ?>> flows, Map<String, String> sources, List<Problem> problems) {
    }

    private FlowDiscovery() {
    }

    static Found in(ClassLoader loader, SourceCompiler.Output output) {
        FlowClasses.Index index = new FlowClasses.Index();
        List<Problem> problems = new ArrayList<>();
        for (String name : output.classes().keySet()) {
            String file = output.sourceOf().getOrDefault(name, ".");
            List<Flow<?, ?>> offered;
            try {
                offered = FlowClasses.offeredBy(Class.forName(name, false, loader));
            } catch (ClassNotFoundException | LinkageError failed) {
                problems.add(new Problem(file, 0, 0, "loading " + name + " failed: " + failed
                        + "; fix the class's initialisation (its static fields) or its provider's constructor"));
                continue;
            } catch (IllegalArgumentException failed) {
                problems.add(new Problem(file, 0, 0, failed.getMessage()));
                continue;
            }
            for (Flow<?, ?> flow : offered) {
                String duplicate = index.add(flow, file);
                if (!duplicate.isEmpty()) {
                    problems.add(new Problem(file, 0, 0, duplicate));
                }
            }
        }
        return new Found(index.flows(), index.places(), List.copyOf(problems));
    }
}
