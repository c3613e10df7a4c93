package io.loomflow.examples.contexts;

import io.loomflow.Engine;

/**
 * The entry points of the context matrix, each running {@link MatrixFlows} once. Outside a run,
 * the ones without an engine go to the default engine; inside a run, all of them start children of
 * the current run (on its engine, whichever engine is passed).
 */
enum EntryPoint {
    /** {@code flow.run(p)}: the default engine outside a run. */
    FLOW_RUN("Flow.run") {
        @Override
        String run(Engine engine, int items) {
            return MatrixFlows.FLOW.run(items);
        }
    },
    /** {@code engine.run(flow, p)}. */
    ENGINE_RUN("engine.run") {
        @Override
        String run(Engine engine, int items) {
            return engine.run(MatrixFlows.FLOW, items);
        }
    },
    /** {@code task.call(x)}: a standalone run on the default engine outside a run. */
    TASK_CALL("task.call") {
        @Override
        String run(Engine engine, int items) {
            return MatrixFlows.TASK.call(items);
        }
    },
    /** {@code engine.run(task, x)}. */
    ENGINE_RUN_TASK("engine.run(task)") {
        @Override
        String run(Engine engine, int items) {
            return engine.run(MatrixFlows.TASK, items);
        }
    },
    /** {@code flow.runAsync(p)}, then joining the future. */
    FLOW_RUN_ASYNC("Flow.runAsync") {
        @Override
        String run(Engine engine, int items) {
            return MatrixFlows.FLOW.runAsync(items).join();
        }
    },
    /** {@code engine.runAsync(flow, p)}, then joining the future. */
    ENGINE_RUN_ASYNC("engine.runAsync") {
        @Override
        String run(Engine engine, int items) {
            return engine.runAsync(MatrixFlows.FLOW, items).join();
        }
    };

    private final String label;

    EntryPoint(String label) {
        this.label = label;
    }

    /** The entry point as users write it. */
    String label() {
        return label;
    }

    /** Runs the matrix flow (or task) through this entry point. */
    abstract String run(Engine engine, int items);

    /**
     * Runs through this entry point on the calling thread and checks that the thread is as it was
     * before (see {@link CallerState}) and not interrupted.
     *
     * @throws AssertionError if the caller's thread changed
     */
    String runChecked(Engine engine, int items) {
        CallerState before = CallerState.capture();
        String result = run(engine, items);
        CallerState after = CallerState.capture();
        if (!after.equals(before) || after.interrupted()) {
            throw new AssertionError(label + " changed its caller's thread " + Thread.currentThread()
                    + ": before " + before + ", after " + after);
        }
        return result;
    }

    @Override
    public String toString() {
        return label;
    }
}
