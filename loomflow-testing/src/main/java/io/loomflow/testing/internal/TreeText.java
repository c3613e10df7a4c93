package io.loomflow.testing.internal;

import io.loomflow.State;
import io.loomflow.store.ErrorRecord;
import io.loomflow.store.RunRecord;
import io.loomflow.store.RunStore;
import io.loomflow.store.StateRecord;

/** A recorded run and the runs below it as indented text, for the assertions' failure messages. */
public final class TreeText {

    /** Runs shown below one run at most; the rest are counted. */
    private static final int MOST_CHILDREN = 20;

    private TreeText() {
    }

    /**
     * Renders {@code run} and every run below it, one line each.
     *
     * @param store where the runs are recorded
     * @param run the top of the tree
     * @return the lines, joined with newlines
     */
    public static String render(RunStore store, RunRecord run) {
        StringBuilder out = new StringBuilder();
        append(store, run, "", out);
        return out.toString().stripTrailing();
    }

    private static void append(RunStore store, RunRecord run, String indent, StringBuilder out) {
        out.append(indent).append(run.name()).append(" [").append(run.state().label()).append(']');
        long attempts = run.history().stream().filter(s -> s.is(State.Kind.RUNNING)).count();
        if (attempts > 1) {
            out.append(", ").append(attempts).append(" attempts");
        }
        out.append(", states ").append(run.history().stream().map(StateRecord::state).toList());
        ErrorRecord error = run.error();
        if (error != null) {
            out.append(", error ").append(error.type()).append(": ").append(error.message());
        }
        out.append('\n');
        var children = store.children(run.id());
        for (int i = 0; i < Math.min(children.size(), MOST_CHILDREN); i++) {
            append(store, children.get(i), indent + "  ", out);
        }
        if (children.size() > MOST_CHILDREN) {
            out.append(indent).append("  ... and ").append(children.size() - MOST_CHILDREN).append(" more\n");
        }
    }
}
