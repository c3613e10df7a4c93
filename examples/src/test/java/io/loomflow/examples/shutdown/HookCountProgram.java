package io.loomflow.examples.shutdown;

import io.loomflow.Engine;
import io.loomflow.Flow;
import io.loomflow.Resource;
import java.lang.reflect.Field;
import java.util.Map;

/**
 * A program for {@link ProcessShutdownTest}: counts the JVM's application shutdown hooks before and
 * after using Loomflow every way a program can (the default engine, an engine of its own, a
 * resource, several runs), closes the default engine explicitly, and exits. Prints
 * {@code hooks added <n>}. Needs {@code --add-opens java.base/java.lang=ALL-UNNAMED} to read the
 * JDK's hook table.
 */
public final class HookCountProgram {

    private HookCountProgram() {
    }

    public static void main(String[] args) throws Exception {
        int before = hookCount();
        Flow<Integer, Integer> twice = Flow.named("twice", (Integer i) -> i * 2);
        Resource<String> resource = Resource.named("r", () -> "open");
        for (int i = 0; i < 3; i++) {
            twice.run(i);
            resource.get();
        }
        try (Engine own = Engine.builder().name("own").build()) {
            own.run(twice, 1);
        }
        Engine.defaultEngine().close(); // explicit close; the hook closes it again at exit
        twice.run(4); // a new default engine, no new hook
        System.out.println("hooks added " + (hookCount() - before));
    }

    private static int hookCount() throws ReflectiveOperationException {
        Class<?> hooks = Class.forName("java.lang.ApplicationShutdownHooks");
        Field table = hooks.getDeclaredField("hooks");
        table.setAccessible(true);
        synchronized (hooks) {
            return ((Map<?, ?>) table.get(null)).size();
        }
    }
}
